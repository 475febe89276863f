"""The modeled tables' checks: pass on what the sandbox lands, and each catches its own corruption."""
from __future__ import annotations

from datetime import timedelta

import pytest

from assets.model_checks import DK_BY_DATE, key_checks
from pipelines.models import ModelError, load_models
from tests.e2e.conftest import PINNED_LAST_DAY, land_generated

FIRST = PINNED_LAST_DAY - timedelta(days=6)
SOURCES = ["raw_all_orders_by_order_date", "raw_all_orders_by_last_update", "raw_dk_sales_and_traffic_by_date",
           "raw_fba_myi_unsuppressed_inventory", "raw_merchant_listings_all"]
MODELS = ["orders", "daily_sales", "inventory_latest", "settlement_lines"]
CLEAN = {
    ("orders", "unique_key"): True, ("orders", "not_null_key"): True,
    ("daily_sales", "unique_key"): True, ("daily_sales", "not_null_key"): True,
    ("daily_sales", "dk_units_match_orders"): True,
    ("inventory_latest", "unique_key"): True, ("inventory_latest", "not_null_key"): True,
    ("settlement_lines", "unique_key"): True, ("settlement_lines", "not_null_key"): True,
    ("settlement_lines", "settlement_total_matches_lines"): True,
}


def outcomes(result) -> dict[tuple[str, str], bool]:
    return {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}


def test_clean_models_pass_and_each_corruption_fails_its_own_check(run, pinned, warehouse, defs, sandbox_env):
    """One landing of a week of sources; each corruption then fails exactly its check on the next build."""
    run(SOURCES[:3], FIRST, PINNED_LAST_DAY)
    run(SOURCES[3:])  # today's snapshots
    pinned.travel_to(None)  # the settlements of the last 90 days, by the real clock
    land_generated(defs, sandbox_env, {"raw_settlements_v2"})
    assert warehouse.row_count("raw_settlements_v2") > 0 and warehouse.row_count(DK_BY_DATE) > 0
    assert outcomes(run(MODELS)) == CLEAN

    warehouse.query("INSERT INTO raw_fba_myi_unsuppressed_inventory SELECT * FROM raw_fba_myi_unsuppressed_inventory "
                    "WHERE _snapshot_date = (SELECT max(_snapshot_date) FROM raw_fba_myi_unsuppressed_inventory) "
                    "LIMIT 1")  # a raw row landed twice
    failing = {("inventory_latest", "unique_key"): False}
    assert outcomes(run(MODELS)) == CLEAN | failing

    day = str(FIRST + timedelta(days=1))  # well before Data Kiosk's restatement window
    for table in ("raw_all_orders_by_order_date", "raw_all_orders_by_last_update"):
        warehouse.query(f"DELETE FROM {table} WHERE CAST(timezone('UTC', purchase_date) AS DATE) = ?", [day])
    failing |= {("daily_sales", "dk_units_match_orders"): False}
    assert outcomes(run(MODELS)) == CLEAN | failing

    assert warehouse.query("DELETE FROM raw_settlements_v2 WHERE (_report_id, _row_number) = (SELECT (_report_id, "
                           "_row_number) FROM raw_settlements_v2 WHERE transaction_type IS NOT NULL AND amount <> 0 "
                           "ORDER BY ALL LIMIT 1)") == [(1,)]  # one line of one settlement
    failing |= {("settlement_lines", "settlement_total_matches_lines"): False}
    assert outcomes(run(MODELS)) == CLEAN | failing


def test_every_model_has_key_checks_on_its_header_key():
    for m in load_models():
        assert [c.name for c in key_checks(m)] == ["unique_key", "not_null_key"]
        assert m.key and all(f'"{c}"' in key_checks(m)[0].sql for c in m.key)


def test_a_model_file_without_a_key_line_fails_loading_naming_it(tmp_path):
    (tmp_path / "fine.sql").write_text("-- grain: one row per x\n-- key: x\nSELECT 1 AS x")
    (tmp_path / "keyless.sql").write_text("-- grain: one row per x\nSELECT 1 AS x")
    with pytest.raises(ModelError, match=r"keyless\.sql: the header needs a '-- key: col_a, col_b' line"):
        load_models(tmp_path)
