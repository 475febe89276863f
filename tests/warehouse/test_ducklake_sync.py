"""End to end on DuckLake: the same Dagster sync from the sandbox (reports, a JSON report
with child tables, Data Kiosk, snapshots, models and their checks, the BI step) lands the
same rows into a lake as into the DuckDB file."""
from __future__ import annotations

from datetime import timedelta

import pytest

from pipelines.warehouse import Warehouse
from tests.e2e.conftest import PINNED_LAST_DAY, defs, pinned, run, sandbox, sandbox_env  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

FIRST = PINNED_LAST_DAY - timedelta(days=2)
DAILY = ["raw_all_orders_by_order_date", "raw_all_orders_by_last_update", "raw_dk_sales_and_traffic_by_date",
         "raw_coupon_performance"]
SNAPSHOTS = ["raw_fba_myi_unsuppressed_inventory", "raw_merchant_listings_all"]
MODELS = ["orders", "daily_sales", "inventory_latest", "bi_snapshot"]
# Differ between any two runs: when a row landed, from which report (the sandbox's ids are per request),
# under which run (the resume ledger's key).
PER_RUN = {"_loaded_at", "_report_id", "landed_at", "request_id", "resume_key"}


def sync(run) -> dict:
    """Land the sources, build the models; every check's outcome."""
    run(DAILY, FIRST, PINNED_LAST_DAY)
    run(SNAPSHOTS)
    result = run(MODELS)
    return {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}


def rows(wh: Warehouse, table: str) -> list[tuple]:
    kept = [f'"{c}"' for c, _ in wh.columns(table) if c not in PER_RUN]
    return wh.query(f"SELECT {', '.join(kept)} FROM {table} ORDER BY ALL")


def test_a_sync_on_the_lake_lands_the_same_rows_as_on_the_file(run, pinned, sandbox_env, lake, monkeypatch):
    checks_on_file = sync(run)
    on_file = Warehouse(sandbox_env.warehouse_path)
    monkeypatch.setenv("WAREHOUSE_URL", lake.url)
    monkeypatch.setenv("WAREHOUSE_DATA_PATH", lake.data_path)
    checks_on_lake = sync(run)
    on_lake = Warehouse(sandbox_env.warehouse_path, lake=lake)

    tables = on_file.tables()
    assert {"raw_coupon_performance__asins", "orders", "daily_sales", "_landed_windows"} <= set(tables)
    assert on_lake.tables() == tables
    for table in tables:
        assert on_lake.columns(table) == on_file.columns(table), table
        assert rows(on_lake, table) == rows(on_file, table), table
    assert all(on_file.row_count(t) > 0 for t in DAILY + SNAPSHOTS + MODELS[:-1])
    assert checks_on_lake == checks_on_file == {
        (model, check): True for model in MODELS[:-1] for check in ("unique_key", "not_null_key")
    } | {("daily_sales", "dk_units_match_orders"): True}
