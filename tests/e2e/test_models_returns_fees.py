"""The returns, reimbursements, fees_daily and sales_traffic_daily models: built
by the model runner on hand-written raw rows in a temp warehouse (exact values,
one currency per amount, zero rows rather than an error on empty upstreams), and
on reports landed from the sandbox, against the synthetic seller."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pipelines.models import build_model, load_models
from pipelines.warehouse import Warehouse
from tests.e2e.conftest import PINNED_LAST_DAY, PINNED_NOW, UTC, day_window

MODELS = ("returns", "reimbursements", "fees_daily", "sales_traffic_daily")
US, DE = "ATVPDKIKX0DER", "A1PN6A8MJSFY5W"
LINEAGE = "_account VARCHAR, _marketplace_id VARCHAR"
MONEY = "STRUCT(amount DECIMAL(18,4), currencyCode VARCHAR)"
# The raw columns the models read, typed as the landing declares them (docs/reports.md).
RAW_TABLES = {
    "raw_fba_customer_returns": "return_date TIMESTAMPTZ, order_id VARCHAR, sku VARCHAR, asin VARCHAR, "
                                "fnsku VARCHAR, quantity BIGINT, detailed_disposition VARCHAR, reason VARCHAR, "
                                "status VARCHAR, license_plate_number VARCHAR",
    "raw_mfn_returns": "order_id VARCHAR, return_request_date DATE, return_request_status VARCHAR, "
                       "amazon_rma_id VARCHAR, currency_code VARCHAR, asin VARCHAR, merchant_sku VARCHAR, "
                       "return_quantity BIGINT, return_reason VARCHAR, refunded_amount DECIMAL(18,4)",
    "raw_fba_reimbursements": "approval_date TIMESTAMPTZ, reimbursement_id VARCHAR, case_id VARCHAR, "
                              "amazon_order_id VARCHAR, reason VARCHAR, sku VARCHAR, fnsku VARCHAR, asin VARCHAR, "
                              "condition VARCHAR, currency_unit VARCHAR, amount_per_unit DECIMAL(18,4), "
                              "amount_total DECIMAL(18,4), quantity_reimbursed_cash BIGINT, "
                              "quantity_reimbursed_inventory BIGINT, quantity_reimbursed_total BIGINT, "
                              "original_reimbursement_id VARCHAR, original_reimbursement_type VARCHAR",
    "raw_settlements_v2": "settlement_id VARCHAR, currency VARCHAR, transaction_type VARCHAR, sku VARCHAR, "
                          "amount_type VARCHAR, amount_description VARCHAR, amount DECIMAL(18,4), "
                          "posted_date_time TIMESTAMPTZ",
    "raw_dk_economics_by_msku_day": "start_date DATE, marketplace_id VARCHAR, msku VARCHAR, fnsku VARCHAR, "
                                    "child_asin VARCHAR, fees STRUCT(feeTypeName VARCHAR, charges "
                                    f"STRUCT(identifier VARCHAR, aggregatedDetail STRUCT(totalAmount {MONEY}))[])[]",
    "raw_fba_storage_fees": "asin VARCHAR, fnsku VARCHAR, month_of_charge DATE, currency VARCHAR, "
                            "estimated_monthly_storage_fee DECIMAL(18,4)",
    "raw_dk_sales_and_traffic_by_child_asin": "start_date DATE, marketplace_id VARCHAR, parent_asin VARCHAR, "
                                              "child_asin VARCHAR, sales_ordered_product_sales_amount DECIMAL(18,4), "
                                              "sales_ordered_product_sales_currency_code VARCHAR, "
                                              "sales_units_ordered BIGINT, sales_total_order_items BIGINT, "
                                              "traffic_sessions BIGINT, traffic_page_views BIGINT, "
                                              "traffic_buy_box_percentage DOUBLE, "
                                              "traffic_unit_session_percentage DOUBLE",
}


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "models.duckdb")
    for table, columns in RAW_TABLES.items():
        warehouse.query(f"CREATE TABLE {table} ({LINEAGE}, {columns})")
    return warehouse


def build(wh: Warehouse) -> dict[str, int]:
    models = {m.name: m for m in load_models()}
    return {name: build_model(wh, models[name]) for name in MODELS}


def insert(wh: Warehouse, table: str, rows: list[dict]) -> None:
    for row in rows:
        marketplace = row.pop("_marketplace_id", US)
        wh.query(f"INSERT INTO {table} (_account, _marketplace_id, {', '.join(row)}) "
                 f"VALUES ('acme', ?, {', '.join('?' * len(row))})", [marketplace, *row.values()])


def test_models_build_zero_rows_on_empty_raw_tables(wh):
    assert build(wh) == dict.fromkeys(MODELS, 0)


def test_model_headers_name_grain_key_and_question():
    for m in (m for m in load_models() if m.name in MODELS):
        head = m.sql.splitlines()[:3]
        assert [line.split(":")[0] for line in head] == ["-- grain", "-- key", "-- question"], m.name


def test_returns_join_fba_and_merchant_returns_with_quantities_per_day(wh):
    insert(wh, "raw_fba_customer_returns", [
        dict(return_date="2026-02-16 23:30:00+00", order_id="111-1", sku="S1", asin="A1", fnsku="F1", quantity=1,
             detailed_disposition="SELLABLE", reason="UNWANTED_ITEM", status="Unit returned to inventory",
             license_plate_number="LPN1"),
        dict(return_date="2026-02-17 00:10:00+00", order_id="111-2", sku="S1", asin="A1", fnsku="F1", quantity=2,
             detailed_disposition="DEFECTIVE", reason="DEFECTIVE", status="Reimbursed", license_plate_number="LPN2"),
    ])
    insert(wh, "raw_mfn_returns", [
        dict(order_id="111-3", return_request_date=date(2026, 2, 17), return_request_status="Approved",
             amazon_rma_id="RMA3", currency_code="USD", asin="A2", merchant_sku="S2", return_quantity=3,
             return_reason="CR-SWITCHEROO", refunded_amount=Decimal("19.99")),
        dict(order_id="111-4", return_request_date=date(2026, 2, 17), return_request_status="Pending",
             amazon_rma_id="RMA4", currency_code="USD", asin="A2", merchant_sku="S2", return_quantity=1,
             return_reason="CR-DEFECTIVE", refunded_amount=None),
    ])
    build(wh)
    assert wh.query("SELECT return_date, channel, sum(quantity) FROM returns GROUP BY ALL ORDER BY ALL") == [
        (date(2026, 2, 16), "AFN", 1), (date(2026, 2, 17), "AFN", 2), (date(2026, 2, 17), "MFN", 4)]
    assert wh.query("SELECT return_id, disposition, status, refunded_amount, currency FROM returns ORDER BY 1") == [
        ("LPN1", "SELLABLE", "Unit returned to inventory", None, None),
        ("LPN2", "DEFECTIVE", "Reimbursed", None, None),
        ("RMA3", None, "Approved", Decimal("19.99"), "USD"),
        ("RMA4", None, "Pending", None, None)]  # no refund: no currency either


def test_reimbursements_keep_amounts_with_currency_and_cash_vs_inventory(wh):
    insert(wh, "raw_fba_reimbursements", [
        dict(approval_date="2026-02-17 15:08:11+00", reimbursement_id="R1", amazon_order_id="111-1",
             reason="CustomerReturn", sku="S1", fnsku="F1", asin="A1", condition="New", currency_unit="USD",
             amount_per_unit=Decimal("29.98"), amount_total=Decimal("59.96"), quantity_reimbursed_cash=2,
             quantity_reimbursed_inventory=1, quantity_reimbursed_total=3),
    ])
    build(wh)
    assert wh.query("SELECT reimbursement_id, approval_day, currency, amount_per_unit, amount_total, quantity_cash, "
                    "quantity_inventory, quantity_total FROM reimbursements") == [
        ("R1", date(2026, 2, 17), "USD", Decimal("29.98"), Decimal("59.96"), 2, 1, 3)]


def settlement_rows(sid, currency, marketplace_id, lines):
    summary = dict(_marketplace_id=marketplace_id, settlement_id=sid, currency=currency, transaction_type=None)
    return [summary] + [dict(_marketplace_id=marketplace_id, settlement_id=sid, transaction_type=t, sku=sku,
                             amount_type=at, amount_description=ad, amount=Decimal(a), posted_date_time=posted)
                        for t, sku, at, ad, a, posted in lines]


def test_settlement_fees_per_sku_day_and_type_equal_their_fee_lines(wh):
    day = "2026-02-17 10:00:00+00"
    insert(wh, "raw_settlements_v2", settlement_rows("100", "USD", US, [
        ("Order", "S1", "ItemPrice", "Principal", "20.00", day),
        ("Order", "S1", "ItemFees", "Commission", "-3.00", day),
        ("Order", "S1", "ItemFees", "Commission", "-1.50", day),
        ("Order", "S1", "ItemFees", "FBAPerUnitFulfillmentFee", "-3.22", day),
        ("Refund", "S1", "ItemFees", "Commission", "0.60", day),  # a refunded fee lowers the day's fee
        ("other-transaction", None, "other-transaction", "Storage Fee", "-7.10", day),
        ("other-transaction", None, "other-transaction", "Reversal Reimbursement", "5.00", day),
    ]) + settlement_rows("200", "EUR", DE, [("Order", "S1", "ItemFees", "Commission", "-2.00", day)]))
    build(wh)
    assert wh.query("SELECT marketplace_id, product_id, sku, fee_type, currency, amount FROM fees_daily "
                    "WHERE source = 'settlement' AND day = '2026-02-17' ORDER BY ALL") == [
        (DE, "S1", "S1", "referral", "EUR", Decimal("2.00")),
        (US, "", None, "storage", "USD", Decimal("7.10")),  # a fee of the whole account
        (US, "S1", "S1", "fba_fulfillment", "USD", Decimal("3.22")),
        (US, "S1", "S1", "referral", "USD", Decimal("3.90"))]
    # every fee line is in the model once: its fee total per settlement equals the fee lines' sum
    assert wh.query("SELECT currency, -sum(amount) FROM fees_daily WHERE source = 'settlement' GROUP BY ALL "
                    "ORDER BY ALL") == wh.query(
        "SELECT c.currency, sum(t.amount) FROM raw_settlements_v2 AS t JOIN (SELECT settlement_id, currency FROM "
        "raw_settlements_v2 WHERE transaction_type IS NULL) AS c USING (settlement_id) WHERE t.amount_type = "
        "'ItemFees' OR t.amount_description ILIKE '%fee%' GROUP BY ALL ORDER BY ALL")


def test_economics_and_storage_fees_land_beside_their_currency(wh):
    def fee(name, amount, currency):
        return {"feeTypeName": name, "charges": [
            {"identifier": name, "aggregatedDetail": {"totalAmount": {"amount": amount, "currencyCode": currency}}}]}
    wh.query("INSERT INTO raw_dk_economics_by_msku_day (_account, _marketplace_id, start_date, marketplace_id, msku, "
             "fnsku, child_asin, fees) VALUES ('acme', ?, '2026-02-17', ?, 'S1', 'F1', 'A1', ?)",
             [US, US, [fee("Referral fees", Decimal("4.50"), "USD"), fee("FBA fulfillment fees", Decimal("6.44"), "USD"),
                       fee("Digital Services Fee", Decimal("0.12"), "USD")]])
    insert(wh, "raw_fba_storage_fees", [
        dict(asin="A1", fnsku="F1", month_of_charge=date(2026, 1, 1), currency="USD",
             estimated_monthly_storage_fee=Decimal(fc)) for fc in ("1.25", "0.75")])  # two fulfillment centers
    build(wh)
    assert wh.query("SELECT source, day, product_id, sku, fnsku, asin, fee_type, currency, amount FROM fees_daily "
                    "ORDER BY ALL") == [
        ("economics", date(2026, 2, 17), "S1", "S1", "F1", "A1", "digital_services_fee", "USD", Decimal("0.12")),
        ("economics", date(2026, 2, 17), "S1", "S1", "F1", "A1", "fba_fulfillment", "USD", Decimal("6.44")),
        ("economics", date(2026, 2, 17), "S1", "S1", "F1", "A1", "referral", "USD", Decimal("4.50")),
        ("storage", date(2026, 1, 1), "F1", None, "F1", "A1", "storage", "USD", Decimal("2.00"))]


def test_sales_traffic_daily_has_sessions_per_asin_and_day(wh):
    insert(wh, "raw_dk_sales_and_traffic_by_child_asin", [
        dict(start_date=date(2026, 2, d), marketplace_id=US, parent_asin="P1", child_asin=asin,
             sales_ordered_product_sales_amount=Decimal(sales), sales_ordered_product_sales_currency_code="USD",
             sales_units_ordered=units, sales_total_order_items=units, traffic_sessions=sessions,
             traffic_page_views=sessions + 3, traffic_buy_box_percentage=96.5, traffic_unit_session_percentage=usp)
        for d, asin, sessions, units, sales, usp in [(16, "A1", 49, 4, "89.92", 8.16), (17, "A1", 12, 0, "0", 0.0),
                                                     (17, "A2", 25, 1, "19.99", 4.0)]])
    build(wh)
    assert wh.query("SELECT day, child_asin, sessions, page_views, units_ordered, ordered_product_sales, currency, "
                    "unit_session_percentage FROM sales_traffic_daily ORDER BY ALL") == [
        (date(2026, 2, 16), "A1", 49, 52, 4, Decimal("89.92"), "USD", 8.16),
        (date(2026, 2, 17), "A1", 12, 15, 0, Decimal("0"), "USD", 0.0),
        (date(2026, 2, 17), "A2", 25, 28, 1, Decimal("19.99"), "USD", 4.0)]


def test_models_on_landed_sandbox_reports_match_the_seller(run, warehouse, pinned):
    """FBA and merchant returns per day, reimbursement amounts and sessions per child ASIN and day, landed from the
    sandbox on the pinned days, equal the synthetic seller's ground truth."""
    first = PINNED_LAST_DAY - timedelta(days=2)
    pinned.travel_to(PINNED_NOW)
    run(["raw_fba_customer_returns", "raw_fba_reimbursements", "raw_dk_sales_and_traffic_by_child_asin"],
        first, PINNED_LAST_DAY)
    run(["raw_mfn_returns"], PINNED_LAST_DAY - timedelta(days=13), PINNED_LAST_DAY)  # sparse: 14 days hold some
    run(["returns", "reimbursements", "sales_traffic_daily"])
    seller = pinned.config.new_seller()
    start, end = day_window(first, PINNED_LAST_DAY)
    returned = Counter()
    for r in seller.returns_between(US, start, end):
        returned[r.return_date.astimezone(UTC).date()] += r.quantity
    assert returned  # the pinned days hold returns (else pick others)
    assert dict(warehouse.query("SELECT return_date, sum(quantity) FROM returns WHERE channel = 'AFN' AND "
                                "marketplace_id = ? GROUP BY ALL", [US])) == returned
    merchant = Counter()
    for r in seller.merchant_returns_between(US, PINNED_LAST_DAY - timedelta(days=13), PINNED_LAST_DAY):
        merchant[r.request_day] += r.quantity
    assert merchant
    assert dict(warehouse.query("SELECT return_date, sum(quantity) FROM returns WHERE channel = 'MFN' AND "
                                "marketplace_id = ? GROUP BY ALL", [US])) == merchant
    paid = {r.reimbursement_id: (r.currency, r.amount_total, r.quantity_cash, r.quantity_inventory)
            for r in seller.reimbursements_between(US, start, end)}
    assert paid
    assert {i: (c, a, q, v) for i, c, a, q, v in warehouse.query(
        "SELECT reimbursement_id, currency, amount_total, quantity_cash, quantity_inventory FROM reimbursements "
        "WHERE marketplace_id = ?", [US])} == paid
    sessions = warehouse.query("SELECT day, child_asin, sessions FROM sales_traffic_daily WHERE marketplace_id = ?",
                               [US])
    assert len(sessions) == 3 * len(seller.products(US))
    assert sessions == [(d, a, seller.traffic(US, d, a).sessions) for d, a, _ in sessions]
