"""Freshness of every raw source: a warning when a source has not landed for
longer than the daily sync allows (a day plus a margin; a week, month or quarter
for reports Amazon aggregates by period, which the sync lands once the period
is over; a settlement every 14 days). Reports that need options of the user's
run only on demand and are left out, and so are Date Range reports, which the
seller generates whenever they like."""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta

from dagster import (
    AssetChecksDefinition,
    AssetsDefinition,
    DefaultSensorStatus,
    SensorDefinition,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
)

from assets.schedules import source_key

# Dagster 1.13 prefers FreshnessPolicy on assets, which the UI shows but no check
# reports; we want asset checks (pass/fail, severity, history) and rely on them.
warnings.filterwarnings("ignore", message=".*build_last_update_freshness_checks.*", category=Warning)
warnings.filterwarnings("ignore", message=".*build_sensor_for_freshness_checks.*", category=Warning)

# How long a source may go without landing, by how it is synced.
ALLOWED_AGE = {
    "DAY": timedelta(hours=36),  # daily at 06:00 UTC, plus a missed run's margin
    "WEEK": timedelta(days=8),
    "MONTH": timedelta(days=32),
    "QUARTER": timedelta(days=93),
}


def allowed_age(source: AssetsDefinition) -> timedelta | None:
    """How stale ``source`` may get; None for sources that run only on demand."""
    meta = source.metadata_by_key[source_key(source)]
    if meta.get("required_report_options"):
        return None
    if meta.get("listed"):  # reports Amazon generates, a partition each (assets/listed_reports.py)
        every = int(meta.get("generated_every_days") or 0)  # 0: whenever the seller asks for one
        return timedelta(days=every + 1) if every else None
    return ALLOWED_AGE[str(meta.get("period") or "DAY") if source.partitions_def is not None else "DAY"]


def freshness_checks(sources: Sequence[AssetsDefinition]) -> list[AssetChecksDefinition]:
    """One ``freshness`` check per source, grouped by the age it may reach."""
    by_age: dict[timedelta, list] = {}
    for source in sources:
        age = allowed_age(source)
        if age is not None:
            by_age.setdefault(age, []).append(source_key(source))
    return [check for age, keys in sorted(by_age.items())
            for check in build_last_update_freshness_checks(assets=keys, lower_bound_delta=age)]


def freshness_sensor(checks: Sequence[AssetChecksDefinition]) -> SensorDefinition:
    """Evaluates the freshness checks; on by default, so a stale source shows up in the UI."""
    return build_sensor_for_freshness_checks(freshness_checks=list(checks),
                                             default_status=DefaultSensorStatus.RUNNING)
