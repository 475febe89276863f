"""The daily sync: yesterday's partition of every partitioned asset plus its
lookback (the trailing days Amazon restates; for weekly, monthly or quarterly
assets the periods that ended within it), and a fresh run of every
unpartitioned source (snapshots, settlements)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from dagster import AssetKey, AssetsDefinition, AssetSelection, RunRequest, ScheduleEvaluationContext, schedule

from pipelines.periods import period_start, recent_periods

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def daily_run_requests(sources: Sequence[AssetsDefinition], today) -> list[RunRequest]:
    """One run per source asset (all tables of a multi-asset together); partitioned
    ones cover yesterday plus their lookback, in whole periods (a week's report once
    the week is over), ``delay_days`` further back for data Amazon publishes late.
    Assets that need a report option of the user's (run config) are left to them."""
    requests = []
    for a in sources:
        key = source_key(a)
        meta = a.metadata_by_key[key]
        if meta.get("required_report_options"):
            continue
        if a.partitions_def is None:
            requests.append(RunRequest(run_key=f"{key.to_user_string()}:{today}", asset_selection=sorted(a.keys)))
            continue
        span = recent_periods(today, str(meta.get("period", "DAY")), int(meta.get("lookback_days", 0)),
                              int(meta.get("delay_days", 0)), earliest=a.partitions_def.start.date())
        if span is None:  # no period has ended within the lookback yet
            continue
        first, last = span
        requests.append(RunRequest(
            run_key=f"{key.to_user_string()}:{first}:{last}",
            asset_selection=sorted(a.keys),
            tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
        ))
    return requests


def source_key(a: AssetsDefinition) -> AssetKey:
    """The key an asset's schedule metadata is read from: its only one, or for a
    report with child tables the entry's own (child tables extend its name)."""
    return min(a.keys, key=lambda k: k.to_user_string())


def range_runs(sources: Sequence[AssetsDefinition], first: date, last: date,
               options: Mapping[str, str] | None = None) -> list[tuple[str, list[AssetsDefinition], dict, dict]]:
    """The runs that bring partitioned ``sources`` up to date for the days
    ``first..last``, as (label, assets, tags, run config): one per period and
    publication delay (a run has one partitions definition and one range), over
    the whole periods that overlap those days and have ended by ``last``
    (``delay_days`` earlier for data Amazon publishes late), and at least the
    latest such period (a monthly report's last month). Assets that need report
    options of the user's run only when ``options`` has them all."""
    options = dict(options or {})
    groups: dict[tuple[str, int], list[AssetsDefinition]] = {}
    for a in sources:
        meta = a.metadata_by_key[source_key(a)]
        if a.partitions_def is not None and all(o in options for o in meta.get("required_report_options") or ()):
            group = (str(meta.get("period", "DAY")), int(meta.get("delay_days", 0)))
            groups.setdefault(group, []).append(a)
    runs = []
    for (period, delay), members in groups.items():
        earliest = max(m.partitions_def.start.date() for m in members)
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
        runs.append((label, members, {RANGE_START_TAG: span[0].isoformat(), RANGE_END_TAG: span[1].isoformat()},
                     {"ops": ops} if ops else {}))
    return runs


def _back_to_latest_period(today: date, period: str, delay_days: int) -> int:
    """Days from the last day with data back to the start of the latest period that
    has ended (a lookback that reaches exactly that period).

    >>> _back_to_latest_period(date(2025, 3, 25), "MONTH", 0)  # 24 March back to 1 February
    51
    """
    last_day = today - timedelta(days=1 + delay_days)
    latest = period_start(period_start(last_day + timedelta(days=1), period) - timedelta(days=1), period)
    return (last_day - latest).days


def daily_sync_schedule(sources: Sequence[AssetsDefinition]):
    @schedule(name="daily_sync", cron_schedule="0 6 * * *", execution_timezone="UTC",
              target=AssetSelection.assets(*sources),
              description="Daily: yesterday plus each source's lookback window; snapshots and settlements.")
    def _daily(context: ScheduleEvaluationContext):
        return daily_run_requests(sources, context.scheduled_execution_time.date())

    return _daily
