"""End-to-end fixtures: the embedded sandbox (what a user with no credentials
gets), a fresh DuckDB file per test, and Dagster materialization helpers."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from assets.schedules import RANGE_END_TAG, RANGE_START_TAG
from pipelines import resources
from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.warehouse import Warehouse

# A recent day whose orders are all final (orders update up to 72h after purchase),
# so tests can compare with the seller's ground truth.
LAST_DAY = date.today() - timedelta(days=4)


@pytest.fixture
def sandbox_env(tmp_path, monkeypatch):
    """No credentials → embedded sandbox, fast and small, writing to tmp_path."""
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("SPAPI_START_DATE", (LAST_DAY - timedelta(days=60)).isoformat())
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
