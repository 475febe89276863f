"""End-to-end fixtures: the embedded sandbox (what a user with no credentials
gets), a fresh DuckDB file per test, and Dagster materialization helpers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from assets.schedules import RANGE_END_TAG, RANGE_START_TAG
from pipelines import resources
from pipelines.catalog import ReportEntry
from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.sandbox.layouts import layout
from pipelines.sandbox.render import render_report
from pipelines.sandbox.reports import GENERATED
from pipelines.sandbox.server import SandboxConfig
from pipelines.warehouse import Warehouse

UTC = timezone.utc
# A recent day whose orders are all final (orders update up to 72h after purchase), for tests
# whose every check holds on any day: they compare with the seller's ground truth for that day.
LAST_DAY = date.today() - timedelta(days=4)
# Sparse reports (a removal every few days, a few percent of returns) have empty windows on some
# days, so tests that need their rows pin the sandbox's present here (the ``pinned`` fixture) and
# ask for days before it, final by then. Chosen from the seller (the tests assert it first): each
# daily report of tests/e2e/test_reports_e2e.py has rows in the 3 days ending PINNED_LAST_DAY, and
# every marketplace has MFN returns in the 14.
PINNED_NOW = datetime(2026, 2, 21, 12, tzinfo=UTC)
PINNED_LAST_DAY = date(2026, 2, 17)
# The first partition: fixed and before PINNED_LAST_DAY, so the pinned days stay valid partitions.
START_DATE = date(2026, 1, 1)


@pytest.fixture
def sandbox_env(tmp_path, monkeypatch):
    """No credentials → embedded sandbox, fast and small, writing to tmp_path."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("SPAPI_START_DATE", START_DATE.isoformat())
    monkeypatch.setenv("SPAPI_SANDBOX_TIME_SCALE", "2000")
    monkeypatch.setenv("SPAPI_SANDBOX_PROCESSING_DELAY", "0.05")
    monkeypatch.setenv("SPAPI_SANDBOX_ORDERS_PER_DAY", "20")
    monkeypatch.setenv("SPAPI_SANDBOX_DK_PAGE_RECORDS", "5")
    resources.stop_embedded_sandbox()
    yield Settings.from_env()
    resources.stop_embedded_sandbox()


@pytest.fixture
def sandbox(sandbox_env):
    """The embedded sandbox server itself (for fault injection and its request log)."""
    return resources.embedded_sandbox(sandbox_env)


@pytest.fixture
def pinned(sandbox):
    """The embedded sandbox with PINNED_NOW as its present (``travel_to(None)``: back to the real time)."""
    sandbox.travel_to(PINNED_NOW)
    return sandbox


@pytest.fixture
def warehouse(sandbox_env) -> Warehouse:
    return Warehouse(sandbox_env.warehouse_path)


@pytest.fixture
def defs(sandbox_env):
    from pipelines.definitions import build_definitions

    return build_definitions(sandbox_env)


@pytest.fixture
def run(defs):
    """``run(["raw_x"], first, last)`` materializes assets for a day range."""
    instance = DagsterInstance.ephemeral()

    def _run(names, first: date | None = None, last: date | None = None, raise_on_error=True):
        tags = {}
        if first is not None:
            tags = {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: (last or first).isoformat()}
        return materialize(list(defs.assets), resources=defs.resources, instance=instance, tags=tags,
                           selection=AssetSelection.assets(*names).required_multi_asset_neighbors(),
                           raise_on_error=raise_on_error)  # a report's child tables land with it

    yield _run
    instance.dispose()


def day_window(first: date, last: date) -> tuple[datetime, datetime]:
    """The half-open UTC window of the days ``first`` to ``last``, as a run over them asks for."""
    return datetime.combine(first, time(), UTC), datetime.combine(last + timedelta(days=1), time(), UTC)


def served_rows(config: SandboxConfig, e: ReportEntry, marketplace: str, now: datetime, workdir: Path,
                first: date | None = None, last: date | None = None) -> int:
    """The seller's ground truth: rows the sandbox (``config``) serves at ``now`` for what a run asks of
    ``e`` in ``marketplace`` (the days ``first`` to ``last``, or a snapshot); a JSON report's records."""
    seller = config.new_seller()
    if first is None:  # as sync_report_snapshot asks
        requests = [((now, now), now - e.snapshot_start if e.snapshot_start else now, now, e.report_options)]
    else:
        requests = [((ws, we), r.start, r.end, r.options) for ws, we in e.windows(*day_window(first, last))
                    for r in [e.request(ws, we, None, marketplace)]]
    total = 0
    for window, start, end, options in requests:
        if e.format == "json":
            truth = layout(e.report_type).truth(seller, marketplace, *window, now, options, records=e.json_records)
            total += len(truth.rows)
        else:
            total += render_report(seller, e.report_type, [marketplace], start, end, options or {},
                                   workdir / "truth.gz", now=now, vendor=config.vendor).rows
    return total


def listed_rows(config: SandboxConfig, e: ReportEntry, since: datetime, now: datetime, workdir: Path
                ) -> dict[str, int]:
    """The seller's ground truth for a report Amazon generates: rows by report id of those listed at
    ``now`` that were created since ``since``."""
    listed, renderer = GENERATED[e.report_type]
    seller = config.new_seller()
    return {r.report_id: renderer(seller, r, workdir / "truth.gz").rows
            for r in listed(seller, config.marketplace_ids, now) if r.created >= since}
