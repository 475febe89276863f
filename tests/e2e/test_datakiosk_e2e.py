"""The whole Data Kiosk path: query file → validation → sandbox executing the
official schema → every page → typed DuckDB table."""
from __future__ import annotations

from datetime import timedelta

from pipelines.datakiosk_queries import load_queries, render
from pipelines.sandbox.datakiosk_engine import DataKioskEngine
from pipelines.sandbox.seller import SyntheticSeller
from tests.e2e.conftest import LAST_DAY, materialize_range

US = "ATVPDKIKX0DER"
# Daily ones (run together over a day range); weekly and monthly ones: tests/e2e/test_json_reports_e2e.py.
SELLER_QUERIES = [q for q in load_queries() if q.account != "vendor" and q.period == "DAY"]
BY_SKU = next(q for q in SELLER_QUERIES if q.name == "sales_and_traffic_by_sku")


def test_every_seller_query_lands_a_typed_table(run, warehouse):
    run([q.table for q in SELLER_QUERIES], LAST_DAY - timedelta(days=1), LAST_DAY)
    for q in SELLER_QUERIES:
        table = q.table
        assert warehouse.query(f'SELECT count(*) FROM "{table}"')[0][0] > 0, table
        types = dict(warehouse.query(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]))
        for col in q.columns:
            assert col.name in types, (table, col.name)
    sales = dict(warehouse.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
        [BY_SKU.table]))
    assert any(t in ("BIGINT", "INTEGER") for n, t in sales.items() if "units_ordered" in n)


def test_a_result_spanning_many_documents_lands_every_page(run, warehouse, sandbox):
    result = run([BY_SKU.table], LAST_DAY)
    meta = result.asset_materializations_for_node(BY_SKU.table)[0].metadata
    assert meta["pages"].value >= 3 * 3  # >= 3 pages in each of the 3 marketplaces (5 records per page)
    engine = DataKioskEngine(SyntheticSeller(orders_per_day=20))
    for mp in ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"):
        truth = engine.execute(render(BY_SKU, LAST_DAY, LAST_DAY, [mp])).records
        landed = warehouse.query(f'SELECT count(*) FROM "{BY_SKU.table}" WHERE _marketplace_id = ?', [mp])
        assert landed[0][0] == len(truth) > 0


def test_datakiosk_units_by_sku_equal_the_orders_report(run, warehouse):
    run(["raw_all_orders_by_order_date", BY_SKU.table], LAST_DAY)
    units_col = next(c.name for c in BY_SKU.columns if c.name.endswith("units_ordered"))
    sku_col = next(c.name for c in BY_SKU.columns if c.name == "sku" or c.name.endswith("_sku"))
    mismatches = warehouse.query(f"""
        WITH dk AS (
            SELECT _marketplace_id AS mp, "{sku_col}" AS sku, sum("{units_col}") AS units
            FROM "{BY_SKU.table}" GROUP BY ALL),
        rep AS (
            SELECT _marketplace_id AS mp, sku, sum(quantity) AS units
            FROM raw_all_orders_by_order_date GROUP BY ALL)
        SELECT * FROM dk FULL JOIN rep USING (mp, sku)
        WHERE coalesce(dk.units, 0) <> coalesce(rep.units, 0)""")
    assert mismatches == []
    assert warehouse.query(f'SELECT sum("{units_col}") FROM "{BY_SKU.table}"')[0][0] > 0


def test_a_vendor_account_gets_the_vendor_views_and_they_land(sandbox_env, monkeypatch, tmp_path):
    from pipelines.config import Settings
    from pipelines.definitions import build_definitions
    from pipelines.warehouse import Warehouse

    monkeypatch.setenv("SPAPI_ACCOUNT_TYPE", "vendor")
    settings = Settings.from_env()
    defs = build_definitions(settings)
    keys = {k.to_user_string() for a in defs.assets for k in a.keys}
    vendor = sorted(q.table for q in load_queries() if q.account == "vendor")
    assert set(vendor) <= keys and not {q.table for q in load_queries() if q.account == "seller"} & keys
    assert not any("models" in a.group_names_by_key.values() for a in defs.assets)  # none over seller reports
    views = [a for a in defs.assets if {k.to_user_string() for k in a.keys} <= set(vendor)]
    assert materialize_range(defs, settings, views, LAST_DAY - timedelta(days=1), LAST_DAY).success
    wh = Warehouse(settings.warehouse_path)
    for table in vendor:
        assert wh.query(f'SELECT count(*) FROM "{table}"')[0][0] > 0, table
