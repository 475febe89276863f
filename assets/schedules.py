"""The daily sync: yesterday's partition of every partitioned asset plus its
lookback (the trailing days Amazon restates; for weekly, monthly or quarterly
assets the periods that ended within it), and a fresh snapshot of every snapshot
source, for each configured account (a run per source and account, so each
account's health shows apart in the UI)."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, timedelta

from dagster import (
    AssetKey,
    AssetsDefinition,
    MultiPartitionKey,
    MultiPartitionsDefinition,
    RunRequest,
    ScheduleEvaluationContext,
    schedule,
)

from assets.common import ACCOUNT_DIM, ACCOUNT_SETS, TIME_DIM
from pipelines.config import Settings
from pipelines.periods import period_start, recent_periods

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
IMPLICIT_ASSET_JOB = "__ASSET_JOB"


def daily_run_requests(sources: Sequence[AssetsDefinition], today, settings: Settings) -> list[RunRequest]:
    """One run per source asset (all tables of a multi-asset together) and account;
    windowed ones cover yesterday plus their lookback, in whole periods (a week's
    report once the week is over), ``delay_days`` further back for data Amazon
    publishes late. Assets that need a report option of the user's (run config)
    are left to them; sources not partitioned by account (files the user keeps) run once."""
    requests = []
    for a in sources:
        key = source_key(a)
        meta = a.metadata_by_key[key]
        if meta.get("required_report_options"):
            continue
        name = key.to_user_string()
        if a.partitions_def is None:
            requests.append(RunRequest(run_key=f"{name}:{today}", asset_selection=sorted(a.keys)))
            continue
        if account_set_name(a) is None:  # partitioned otherwise (settlements: by their own sensor)
            continue
        accounts = [acct.name for acct in settings.accounts if acct.account_type in account_kinds(a)]
        if not isinstance(a.partitions_def, MultiPartitionsDefinition):  # a snapshot: one partition per account
            requests += [RunRequest(run_key=f"{name}:{acct}:{today}", asset_selection=sorted(a.keys),
                                    partition_key=acct) for acct in accounts]
            continue
        span = recent_periods(today, str(meta.get("period", "DAY")), int(meta.get("lookback_days", 0)),
                              int(meta.get("delay_days", 0)), earliest=time_start(a))
        if span is None:  # no period has ended within the lookback yet
            continue
        first, last = span
        requests += [RunRequest(run_key=f"{name}:{acct}:{first}:{last}", asset_selection=sorted(a.keys),
                                tags=range_tags((acct, acct), (first, last))) for acct in accounts]
    return requests


def account_kinds(a: AssetsDefinition) -> tuple[str, ...]:
    """The kinds of account (seller, vendor) a source's account partitions hold."""
    name = account_set_name(a) or ""
    return ("seller", "vendor") if name == "accounts" else (name.removesuffix("_accounts"),)


def account_set_name(a: AssetsDefinition) -> str | None:
    """The dynamic partition set of a source's accounts (None: not partitioned by account)."""
    partitions = a.partitions_def
    if isinstance(partitions, MultiPartitionsDefinition):
        partitions = partitions.get_partitions_def_for_dimension(ACCOUNT_DIM)
    name = getattr(partitions, "name", None)
    return name if name in ACCOUNT_SETS else None


def time_start(a: AssetsDefinition) -> date:
    """The first day of a windowed source's time partitions."""
    return a.partitions_def.get_partitions_def_for_dimension(TIME_DIM).start.date()


def range_tags(accounts: tuple[str, str], days: tuple[date, date] | None = None) -> dict[str, str]:
    """The tags of a run over the partitions from the first to the last account and,
    for a windowed source, from the first to the last period."""
    if days is None:
        return {RANGE_START_TAG: accounts[0], RANGE_END_TAG: accounts[1]}
    keys = [str(MultiPartitionKey({ACCOUNT_DIM: acct, TIME_DIM: day.isoformat()}))
            for acct, day in zip(accounts, days)]
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[1]}


def account_ranges(order: Sequence[str], wanted: Collection[str]) -> list[tuple[str, str]]:
    """The fewest ranges of consecutive partitions in ``order`` (a partition set's
    accounts as Dagster orders them) that hold every wanted account and no other.

    >>> account_ranges(["a", "old", "b", "c"], {"a", "b", "c"})
    [('a', 'a'), ('b', 'c')]
    """
    ranges: list[list[str]] = []
    previous_wanted = False
    for name in order:
        if name in wanted:
            if previous_wanted:
                ranges[-1][1] = name
            else:
                ranges.append([name, name])
        previous_wanted = name in wanted
    return [(first, last) for first, last in ranges]


def source_key(a: AssetsDefinition) -> AssetKey:
    """The key an asset's schedule metadata is read from: its only one, or for a
    report with child tables the entry's own (child tables extend its name)."""
    return min(a.keys, key=lambda k: k.to_user_string())


AccountRanges = Callable[[str], list[tuple[str, str]]]


def range_runs(sources: Sequence[AssetsDefinition], first: date, last: date, accounts: AccountRanges,
               options: Mapping[str, str] | None = None) -> list[tuple[str, list[AssetsDefinition], dict, dict]]:
    """The runs that bring windowed ``sources`` up to date for the days
    ``first..last``, as (label, assets, tags, run config): one per period,
    publication delay and account set (a run has one partitions definition and one
    range), over the configured accounts (``accounts(set name)``: their ranges of
    partitions) and the whole periods that overlap those days and have ended by
    ``last`` (``delay_days`` earlier for data Amazon publishes late), at least the
    latest such period (a monthly report's last month). Assets that need report
    options of the user's run only when ``options`` has them all."""
    options = dict(options or {})
    groups: dict[tuple[str, int, str], list[AssetsDefinition]] = {}
    for a in sources:
        meta = a.metadata_by_key[source_key(a)]
        if (isinstance(a.partitions_def, MultiPartitionsDefinition)
                and all(o in options for o in meta.get("required_report_options") or ())):
            group = (str(meta.get("period", "DAY")), int(meta.get("delay_days", 0)), account_set_name(a))
            groups.setdefault(group, []).append(a)
    runs = []
    for (period, delay, account_set), members in groups.items():
        earliest = max(time_start(m) for m in members)
        today = last + timedelta(days=1)
        span = (recent_periods(today, period, (last - first).days, delay, earliest=earliest)
                or recent_periods(today, period, _back_to_latest_period(today, period, delay), delay,
                                  earliest=earliest))
        if span is None:
            continue
        label = f"windowed sources {span[0]}..{span[1]}" + ("" if period == "DAY" else f" ({period} periods)")
        if delay:
            label += f" ({delay} days behind: Amazon publishes them late)"
        ops = {}
        for m in members:
            required = m.metadata_by_key[source_key(m)].get("required_report_options") or ()
            if required:
                ops[m.node_def.name] = {"config": {"report_options": {o: options[o] for o in required}}}
        if account_set == "accounts":  # its own run: a partitions definition of its own
            label += " (reports of sellers and vendors)"
        for account_range in accounts(account_set):
            runs.append((f"{label}, {_accounts_label(account_range)}", members, range_tags(account_range, span),
                         {"ops": ops} if ops else {}))
    return runs


def snapshot_runs(sources: Sequence[AssetsDefinition],
                  accounts: AccountRanges) -> list[tuple[str, list[AssetsDefinition], dict, dict]]:
    """The runs that land today's snapshot of every snapshot source: one per account set."""
    groups: dict[str, list[AssetsDefinition]] = {}
    for a in sources:
        name = account_set_name(a)
        if name is not None and not isinstance(a.partitions_def, MultiPartitionsDefinition):
            groups.setdefault(name, []).append(a)
    return [(f"snapshot sources, {_accounts_label(r)}", members, range_tags(r), {})
            for name, members in groups.items() for r in accounts(name)]


def _accounts_label(account_range: tuple[str, str]) -> str:
    first, last = account_range
    return f"account {first}" if first == last else f"accounts {first}..{last}"


def _back_to_latest_period(today: date, period: str, delay_days: int) -> int:
    """Days from the last day with data back to the start of the latest period that
    has ended (a lookback that reaches exactly that period).

    >>> _back_to_latest_period(date(2025, 3, 25), "MONTH", 0)  # 24 March back to 1 February
    51
    """
    last_day = today - timedelta(days=1 + delay_days)
    latest = period_start(period_start(last_day + timedelta(days=1), period) - timedelta(days=1), period)
    return (last_day - latest).days


def daily_sync_schedule(sources: Sequence[AssetsDefinition], settings: Settings):
    @schedule(name="daily_sync", cron_schedule="0 6 * * *", execution_timezone="UTC",
              # Dagster's implicit asset job: sources of different partitions (days, weeks, months,
              # accounts) cannot share one asset job, and each run request selects its own assets.
              job_name=IMPLICIT_ASSET_JOB,
              description="Daily, per account: yesterday plus each source's lookback window; snapshots.")
    def _daily(context: ScheduleEvaluationContext):
        return daily_run_requests(sources, context.scheduled_execution_time.date(), settings)

    return _daily
