"""The daily sync: yesterday's partition of every partitioned asset plus its
lookback (the trailing days Amazon restates; for weekly, monthly or quarterly
assets the periods that ended within it), and a fresh run of every
unpartitioned source (snapshots, settlements)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from dagster import AssetKey, AssetsDefinition, AssetSelection, RunRequest, ScheduleEvaluationContext, schedule

from pipelines.periods import recent_periods

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


def range_runs(sources: Sequence[AssetsDefinition], first: date,
               last: date) -> list[tuple[str, list[AssetsDefinition], dict[str, str]]]:
    """The runs that bring partitioned ``sources`` up to date for the days
    ``first..last``: one per period (a run has one partitions definition), over the
    whole periods that overlap those days and have ended by ``last``. Assets that
    need a report option of the user's are left to them."""
    groups: dict[str, list[AssetsDefinition]] = {}
    for a in sources:
        meta = a.metadata_by_key[source_key(a)]
        if a.partitions_def is not None and not meta.get("required_report_options"):
            groups.setdefault(str(meta.get("period", "DAY")), []).append(a)
    runs = []
    for period, members in groups.items():
        earliest = max(m.partitions_def.start.date() for m in members)
        span = recent_periods(last + timedelta(days=1), period, (last - first).days, earliest=earliest)
        if span is not None:
            label = f"windowed sources {span[0]}..{span[1]}" + ("" if period == "DAY" else f" ({period} periods)")
            runs.append((label, members, {RANGE_START_TAG: span[0].isoformat(), RANGE_END_TAG: span[1].isoformat()}))
    return runs


def daily_sync_schedule(sources: Sequence[AssetsDefinition]):
    @schedule(name="daily_sync", cron_schedule="0 6 * * *", execution_timezone="UTC",
              target=AssetSelection.assets(*sources),
              description="Daily: yesterday plus each source's lookback window; snapshots and settlements.")
    def _daily(context: ScheduleEvaluationContext):
        return daily_run_requests(sources, context.scheduled_execution_time.date())

    return _daily
