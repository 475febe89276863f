"""The daily sync: yesterday's partition of every partitioned asset plus its
lookback (the trailing days Amazon restates), and a fresh run of every
unpartitioned source (snapshots, settlements)."""
from __future__ import annotations

from collections.abc import Sequence

from dagster import AssetsDefinition, AssetSelection, RunRequest, ScheduleEvaluationContext, schedule

from pipelines.windows import lookback_range

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def daily_run_requests(sources: Sequence[AssetsDefinition], today) -> list[RunRequest]:
    """One run per source asset; partitioned ones cover yesterday plus their lookback."""
    requests = []
    for a in sources:
        key = a.key
        if a.partitions_def is None:
            requests.append(RunRequest(run_key=f"{key.to_user_string()}:{today}", asset_selection=[key]))
            continue
        lookback = int(a.metadata_by_key[key].get("lookback_days", 0))
        first, last = lookback_range(today, lookback)
        first = max(first, a.partitions_def.start.date())
        requests.append(RunRequest(
            run_key=f"{key.to_user_string()}:{first}:{last}",
            asset_selection=[key],
            tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
        ))
    return requests


def daily_sync_schedule(sources: Sequence[AssetsDefinition]):
    @schedule(name="daily_sync", cron_schedule="0 6 * * *", execution_timezone="UTC",
              target=AssetSelection.assets(*sources),
              description="Daily: yesterday plus each source's lookback window; snapshots and settlements.")
    def _daily(context: ScheduleEvaluationContext):
        return daily_run_requests(sources, context.scheduled_execution_time.date())

    return _daily
