"""New flat-file reports through Dagster against the embedded sandbox, compared with
the synthetic seller's own facts: MFN returns (windowed, 60-day cap), the fee
preview (a snapshot whose request starts 72 hours back) and stranded inventory."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipelines.catalog import entry
from pipelines.sandbox.seller import SyntheticSeller
from pipelines.spapi.reports import parse_time
from tests.e2e.conftest import PINNED_LAST_DAY

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
RETURNS = entry("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE")
FEES = entry("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA")
STRANDED = entry("GET_STRANDED_INVENTORY_UI_DATA")
SELLER = SyntheticSeller(orders_per_day=20)  # as the e2e sandbox runs it (conftest)


def created(sandbox, report_type):
    return [r for r in sandbox.request_log
            if r["operation"] == "createReport" and (r.get("json") or {}).get("reportType") == report_type]


def test_mfn_returns_land_every_return_of_the_window_typed(run, warehouse, pinned):
    first = PINNED_LAST_DAY - timedelta(days=13)
    expected = {mp: {(r.item.amazon_order_id, r.rma_id, r.item.sku, r.request_day, r.quantity, r.label_cost,
                      r.a_to_z_claim, r.is_prime) for r in SELLER.merchant_returns_between(mp, first, PINNED_LAST_DAY)}
                for mp in (US, DE, JP)}
    assert all(expected.values())  # every marketplace has returns on the pinned days (else pick others)
    run([RETURNS.asset_name], first, PINNED_LAST_DAY)
    assert len(created(pinned, RETURNS.report_type)) == 3  # 14 days: one request per marketplace
    for mp in (US, DE, JP):
        landed = set(warehouse.query(
            f"SELECT order_id, amazon_rma_id, merchant_sku, return_request_date, return_quantity, label_cost, "
            f"a_to_z_claim, is_prime FROM {RETURNS.table} WHERE _marketplace_id = ?", [mp]))
        assert landed == expected[mp], mp
    # the 2026 column is served in DE and JP only: it lands there, stays NULL in the US
    assert dict(warehouse.query(f"SELECT _marketplace_id, count(order_item_id) > 0 FROM {RETURNS.table} "
                                f"GROUP BY ALL")) == {US: False, DE: True, JP: True}


def test_fee_preview_and_stranded_inventory_snapshots(run, warehouse, sandbox):
    before = datetime.now(timezone.utc)
    run([FEES.asset_name, STRANDED.asset_name])
    today = datetime.now(timezone.utc).date()

    [request, *_] = created(sandbox, FEES.report_type)
    assert before - parse_time(request["json"]["dataStartTime"]) >= timedelta(hours=72)
    fulfillment = {US: "expected_fulfillment_fee_per_unit", DE: "expected_domestic_fulfilment_fee_per_unit",
                   JP: "expected_domestic_fulfilment_fee_per_unit"}  # NA header in the US, the EU one elsewhere
    for mp, fee_column in fulfillment.items():
        expected = {(f.product.sku, f.total, f.referral_fee, f.fulfillment_fee, f.store if mp == US else None)
                    for f in SELLER.fee_preview(mp)}
        landed = set(warehouse.query(
            f"SELECT sku, estimated_fee_total, estimated_referral_fee_per_unit, {fee_column}, amazon_store "
            f"FROM {FEES.table} WHERE _marketplace_id = ? AND _snapshot_date = ?", [mp, today]))
        assert expected and landed == expected, mp

    for mp in (US, DE, JP):
        stranded = [r for r in SELLER.retired_inventory(mp, today)
                    if r.afn_listing_exists and r.fulfillable + r.unsellable]
        expected = {(r.product.sku, r.fulfillable, r.unsellable, r.product.price) for r in stranded}
        landed = set(warehouse.query(
            f"SELECT sku, fulfillable_qty, unfulfillable_qty, your_price FROM {STRANDED.table} "
            f"WHERE _marketplace_id = ? AND _snapshot_date = ?", [mp, today]))
        assert expected and landed == expected, mp
    removal = warehouse.query(f"SELECT min(date_to_take_auto_removal > date_stranded) FROM {STRANDED.table}")
    assert removal == [(True,)]
