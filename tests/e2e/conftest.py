"""End-to-end fixtures: the embedded sandbox (what a user with no credentials
gets), a fresh DuckDB file per test, and Dagster materialization helpers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterInstance, DynamicPartitionsDefinition, materialize

from assets.accounts import register_accounts
from assets.schedules import range_tags
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
def run(defs, sandbox_env):
    """``run(["raw_x"], first, last)`` materializes assets for a day range of every
    configured account; without days, their snapshots. Listed reports (settlements)
    land one run per report Amazon lists, as their sensor asks. Returns the last run's result."""
    instance = DagsterInstance.ephemeral()

    def _run(names, first: date | None = None, last: date | None = None, raise_on_error=True):
        selection = AssetSelection.assets(*names).required_multi_asset_neighbors()  # a report's child tables too
        listed = [a for a in defs.assets if is_listed(a) and {k.to_user_string() for k in a.keys} & set(names)]
        if listed:
            from assets.listed_reports import listed_report_runs

            result = None
            for request in listed_report_runs(instance, sandbox_env):
                result = materialize(list(defs.assets), resources=defs.resources, instance=instance,
                                     partition_key=request.partition_key, selection=request.asset_selection,
                                     raise_on_error=raise_on_error)
            return result
        partitioned = any(a.partitions_def is not None for a in defs.assets
                          if {k.to_user_string() for k in a.keys} & set(names))
        if not partitioned:  # models, files the user keeps
            return materialize(list(defs.assets), resources=defs.resources, instance=instance,
                               selection=selection, raise_on_error=raise_on_error)
        return materialize_range(defs, sandbox_env, selection, first, last, instance=instance,
                                 raise_on_error=raise_on_error)

    yield _run
    instance.dispose()


def is_listed(a) -> bool:
    """A source partitioned by the reports Amazon lists (settlements), not by account."""
    from assets.common import ACCOUNT_SETS

    return isinstance(a.partitions_def, DynamicPartitionsDefinition) and a.partitions_def.name not in ACCOUNT_SETS


def materialize_range(defs, settings: Settings, selection, first: date | None = None, last: date | None = None,
                      instance: DagsterInstance | None = None, **kwargs):
    """``dagster.materialize`` of ``selection`` over the days ``first..last`` (without days:
    the snapshot partitions) of every configured account, on ``instance`` (or a fresh one)
    with the accounts registered as partitions, as the account sensor does."""
    own = instance is None
    instance = instance or DagsterInstance.ephemeral()
    register_accounts(instance, settings)
    accounts = (settings.accounts[0].name, settings.accounts[-1].name)
    tags = range_tags(accounts, (first, last or first) if first is not None else None)
    try:
        return materialize(list(defs.assets), resources=defs.resources, instance=instance, selection=selection,
                           tags={**tags, **kwargs.pop("tags", {})}, **kwargs)
    finally:
        if own:
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


def land_generated(defs, settings: Settings, tables: set[str] | None = None) -> None:
    """Land the reports Amazon generated that it still keeps (settlements, Date Range; only ``tables``
    if given) as spapi-sync does: each report a partition; one run over each table's new partitions."""
    from assets.listed_reports import listed_report_runs
    from assets.schedules import RANGE_END_TAG, RANGE_START_TAG

    instance = DagsterInstance.ephemeral()
    requests = listed_report_runs(instance, settings)
    for table in {r.asset_selection[0] for r in requests if tables is None or r.asset_selection[0].path[-1] in tables}:
        keys = [r.partition_key for r in requests if r.asset_selection[0] == table]  # added in this order
        materialize([a for a in defs.assets if table in a.keys], resources=defs.resources, instance=instance,
                    tags={RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]})
