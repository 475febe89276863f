"""sku_profitability_daily, inventory_health and the unit cost CSV, built by the
model runner on hand-written raw rows in a temp warehouse: exact values, one
currency per row, zero rows on empty upstreams, and the CSV's errors."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipelines.models import build_model, load_models
from pipelines.unit_costs import SAMPLE_PATH, UnitCostError, load_unit_costs, unit_costs_path, write_unit_costs
from pipelines.warehouse import Warehouse

MODELS = ("orders", "sku_profitability_daily", "inventory_health")
US, JP = "ATVPDKIKX0DER", "A1VC38T7YXB528"
LINEAGE = "_account VARCHAR, _marketplace_id VARCHAR"
LANDED = "_report_id VARCHAR, _window_start TIMESTAMPTZ, _window_end TIMESTAMPTZ, _snapshot_date DATE, " \
         "_loaded_at TIMESTAMPTZ, _row_number BIGINT"
MONEY = "STRUCT(amount DECIMAL(18,4), currencyCode VARCHAR)"
ORDERS = ("amazon_order_id VARCHAR, purchase_date TIMESTAMPTZ, last_updated_date TIMESTAMPTZ, order_status VARCHAR, "
          "sku VARCHAR, asin VARCHAR, quantity BIGINT, currency VARCHAR, item_price DECIMAL(18,4), "
          "item_promotion_discount DECIMAL(18,4), ship_promotion_discount DECIMAL(18,4)")
# The raw columns the models read, typed as the landing declares them (docs/reports.md).
RAW_TABLES = {
    "raw_all_orders_by_order_date": f"{LANDED}, {ORDERS}",
    "raw_all_orders_by_last_update": f"{LANDED}, {ORDERS}",
    "raw_dk_economics_by_msku_day": "start_date DATE, marketplace_id VARCHAR, msku VARCHAR, "
                                    "sales_refunded_product_sales_amount DECIMAL(18,4), "
                                    "sales_refunded_product_sales_currency_code VARCHAR, "
                                    "net_proceeds_total_amount DECIMAL(18,4), net_proceeds_total_currency_code VARCHAR, "
                                    "fees STRUCT(feeTypeName VARCHAR, charges STRUCT(identifier VARCHAR, "
                                    f"aggregatedDetail STRUCT(totalAmount {MONEY}))[])[], "
                                    f"ads STRUCT(adTypeName VARCHAR, charge STRUCT(totalAmount {MONEY}))[]",
    "raw_fba_reimbursements": "approval_date TIMESTAMPTZ, sku VARCHAR, currency_unit VARCHAR, "
                              "amount_total DECIMAL(18,4)",
    "raw_fba_myi_unsuppressed_inventory": "_snapshot_date DATE, sku VARCHAR, asin VARCHAR, fnsku VARCHAR, "
                                          "afn_fulfillable_quantity BIGINT, afn_inbound_working_quantity BIGINT, "
                                          "afn_inbound_shipped_quantity BIGINT, afn_inbound_receiving_quantity BIGINT, "
                                          "afn_reserved_quantity BIGINT, afn_unsellable_quantity BIGINT",
    "raw_fba_stranded_inventory": "_snapshot_date DATE, sku VARCHAR, asin VARCHAR, fnsku VARCHAR, "
                                  "fulfillable_qty BIGINT, inbound_shipped_qty BIGINT, reserved_quantity BIGINT, "
                                  "unfulfillable_qty BIGINT",
    "raw_fba_inventory_planning": "_snapshot_date DATE, sku VARCHAR, inv_age_181_to_270_days BIGINT, "
                                  "inv_age_271_to_365_days BIGINT, inv_age_365_plus_days BIGINT, "
                                  "inv_age_181_to_330_days BIGINT, inv_age_331_to_365_days BIGINT",
}
HEADER = "sku,marketplace_id,unit_cost,currency,valid_from\n"


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "models.duckdb")
    for table, columns in RAW_TABLES.items():
        warehouse.query(f"CREATE TABLE {table} ({LINEAGE}, {columns})")
    write_unit_costs(warehouse, [])
    return warehouse


def build(wh: Warehouse) -> dict[str, int]:
    models = {m.name: m for m in load_models()}
    return {name: build_model(wh, models[name]) for name in MODELS}


def insert(wh: Warehouse, table: str, rows: list[dict]) -> None:
    for row in rows:
        marketplace = row.pop("_marketplace_id", US)
        wh.query(f"INSERT INTO {table} (_account, _marketplace_id, {', '.join(row)}) "
                 f"VALUES ('acme', ?, {', '.join('?' * len(row))})", [marketplace, *row.values()])


def order(order_id: str, sku: str, purchased: str, quantity: int, price: str | None, status: str = "Shipped",
          currency: str = "USD", promotion: str = "0", marketplace: str = US) -> dict:
    return {"_marketplace_id": marketplace, "_loaded_at": "2026-03-05 00:00:00+00", "_report_id": "r1",
            "amazon_order_id": order_id, "purchase_date": purchased, "last_updated_date": purchased,
            "order_status": status, "sku": sku, "asin": "B0" + sku, "quantity": quantity,
            "currency": currency if price is not None else "", "item_price": price,
            "item_promotion_discount": promotion, "ship_promotion_discount": "0"}


def fee(identifier: str, amount: str, currency: str = "USD") -> dict:
    return {"identifier": identifier, "aggregatedDetail": {"totalAmount": {"amount": amount, "currencyCode": currency}}}


def economics(wh: Warehouse, day: str, sku: str, fees: list[dict], ads: str | None, net: str, refunds: str = "0",
              currency: str = "USD", marketplace: str = US) -> None:
    ad_list = [] if ads is None else [{"adTypeName": "Sponsored Products",
                                       "charge": {"totalAmount": {"amount": ads, "currencyCode": currency}}}]
    wh.query("INSERT INTO raw_dk_economics_by_msku_day VALUES ('acme', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             [marketplace, day, marketplace, sku, refunds, currency, net, currency,
              [{"feeTypeName": "fees", "charges": fees}], ad_list])


def test_models_build_zero_rows_on_empty_raw_tables(wh):
    assert build(wh) == dict.fromkeys(MODELS, 0)


def test_model_headers_name_grain_key_and_question():
    for m in (m for m in load_models() if m.name in MODELS[1:]):
        head = m.sql.splitlines()[:3]
        assert [line.split(":")[0] for line in head] == ["-- grain", "-- key", "-- question"], m.name


def test_profitability_of_one_sku_day_with_costs_from_the_csv(wh, tmp_path):
    insert(wh, "raw_all_orders_by_order_date", [
        order("111-1", "MUG", "2026-03-02 10:00:00+00", 2, "40.00", promotion="-5.00"),
        order("111-2", "MUG", "2026-03-02 23:30:00+00", 1, "20.00"),
        order("111-3", "MUG", "2026-03-02 12:00:00+00", 4, None, status="Cancelled"),
        order("111-4", "MUG", "2026-03-03 00:30:00+00", 1, "20.00"),  # the next UTC day
        order("503-1", "MUG", "2026-03-02 01:00:00+00", 1, "3000", currency="JPY", marketplace=JP),
    ])
    economics(wh, "2026-03-02", "MUG", [fee("REFERRAL_FEE", "9.00"), fee("FBA_FULFILLMENT_FEE", "12.30"),
                                        fee("FBA_STORAGE_FEE", "0.70"), fee("HIGH_RETURN_RATE_FEE", "1.00")],
              ads="4.25", net="31.75", refunds="20.00")
    economics(wh, "2026-03-02", "MUG", [fee("REFERRAL_FEE", "450", "JPY")], ads=None, net="2550",
              currency="JPY", marketplace=JP)
    insert(wh, "raw_fba_reimbursements", [
        {"approval_date": "2026-03-02 08:00:00+00", "sku": "MUG", "currency_unit": "USD", "amount_total": "18.00"}])
    costs = tmp_path / "costs.csv"
    costs.write_text(HEADER + f"MUG,{US},6.00,USD,2026-01-01\nMUG,{US},7.50,USD,2026-03-01\n"
                              f"MUG,{US},9.00,USD,2026-03-03\n", encoding="utf-8")
    write_unit_costs(wh, load_unit_costs(costs))
    build(wh)
    cols = ("units, ordered_revenue, refunds, promotions, referral_fees, fba_fulfillment_fees, storage_fees, "
            "other_fees, amazon_fees, reimbursements, advertising_cost, net_proceeds, unit_cost, cogs, margin")
    rows = wh.query(f"SELECT marketplace_id, day, currency, {cols} FROM sku_profitability_daily ORDER BY 1, 2")
    d = Decimal
    assert rows == [
        # JP: no cost for the SKU there, so no COGS and no margin; yen stay on their own row
        (JP, date(2026, 3, 2), "JPY", 1, d("3000"), d(0), d(0), d("450"), d(0), d(0), d(0), d("450"), d(0),
         None, d("2550"), None, None, None),
        # 3 units and 60.00 from the two priced orders of the UTC day (the cancelled one counts nothing);
        # margin = 60.00 - 23.00 fees - 3 x 7.50 (the cost valid from 2026-03-01, not the later one)
        (US, date(2026, 3, 2), "USD", 3, d("60.00"), d("20.00"), d("-5.00"), d("9.00"), d("12.30"), d("0.70"),
         d("1.00"), d("23.00"), d("18.00"), d("4.25"), d("31.75"), d("7.50"), d("22.50"), d("14.50")),
        (US, date(2026, 3, 3), "USD", 1, d("20.00"), d(0), d(0), d(0), d(0), d(0), d(0), d(0), d(0),
         None, None, d("9.00"), d("9.00"), d("11.00")),
    ]


def test_a_cost_in_another_currency_gives_no_margin(wh, tmp_path):
    insert(wh, "raw_all_orders_by_order_date", [order("111-1", "MUG", "2026-03-02 10:00:00+00", 1, "20.00")])
    costs = tmp_path / "costs.csv"
    costs.write_text(HEADER + f"MUG,{US},6.00,EUR,2026-01-01\n", encoding="utf-8")
    write_unit_costs(wh, load_unit_costs(costs))
    build(wh)
    assert wh.query("SELECT currency, cogs, margin FROM sku_profitability_daily") == [("USD", None, None)]


def test_inventory_health_cover_velocity_stranded_and_aged(wh):
    snapshot = "2026-03-31"
    myi = {"_snapshot_date": snapshot, "asin": "B0", "fnsku": "X0", "afn_inbound_working_quantity": 1,
           "afn_inbound_shipped_quantity": 2, "afn_inbound_receiving_quantity": 3, "afn_reserved_quantity": 4,
           "afn_unsellable_quantity": 5}
    insert(wh, "raw_fba_myi_unsuppressed_inventory", [
        {**myi, "_snapshot_date": "2026-03-30", "sku": "MUG", "afn_fulfillable_quantity": 999},  # older snapshot
        {**myi, "sku": "MUG", "afn_fulfillable_quantity": 90},
        {**myi, "sku": "CUP", "afn_fulfillable_quantity": 7},
    ])
    insert(wh, "raw_all_orders_by_order_date", [
        order("1", "MUG", "2026-03-30 23:00:00+00", 3, "30.00"),   # in the last 7 days
        order("2", "MUG", "2026-03-10 09:00:00+00", 6, "60.00"),   # in the last 30 days only
        order("3", "MUG", "2026-02-28 23:00:00+00", 50, "500.00"),  # 31 days before the snapshot day: out
        order("4", "MUG", "2026-03-31 09:00:00+00", 50, "500.00"),  # the snapshot day itself: out
        order("5", "MUG", "2026-03-29 09:00:00+00", 9, None, status="Cancelled"),
    ])
    insert(wh, "raw_fba_stranded_inventory", [
        {"_snapshot_date": snapshot, "sku": "CUP", "asin": "B0", "fnsku": "X0", "fulfillable_qty": 7,
         "inbound_shipped_qty": 0, "reserved_quantity": 0, "unfulfillable_qty": 0},
        {"_snapshot_date": snapshot, "sku": "LID", "asin": "B1", "fnsku": "X1", "fulfillable_qty": 2,
         "inbound_shipped_qty": 1, "reserved_quantity": 0, "unfulfillable_qty": 3},
    ])
    insert(wh, "raw_fba_inventory_planning", [
        {"_snapshot_date": snapshot, "sku": "MUG", "inv_age_181_to_270_days": 0, "inv_age_271_to_365_days": 0,
         "inv_age_365_plus_days": 2, "inv_age_181_to_330_days": None, "inv_age_331_to_365_days": None},
        {"_snapshot_date": snapshot, "sku": "CUP", "inv_age_181_to_270_days": 0, "inv_age_271_to_365_days": 0,
         "inv_age_365_plus_days": 0, "inv_age_181_to_330_days": 0, "inv_age_331_to_365_days": 0},
    ])
    build(wh)
    rows = wh.query("SELECT sku, snapshot_date, available, inbound, reserved, unsellable, velocity_7d, velocity_30d, "
                    "days_of_cover, stranded, aged FROM inventory_health ORDER BY sku")
    d = Decimal
    assert rows == [
        ("CUP", date(2026, 3, 31), 7, 6, 4, 5, d(0), d(0), None, True, False),
        # stranded but missing from the MYI snapshot: the stranded report's quantities
        ("LID", date(2026, 3, 31), 2, 1, 0, 3, d(0), d(0), None, True, False),
        # 9 units in 30 days: 0.3 a day, 90 available last 300 days
        ("MUG", date(2026, 3, 31), 90, 6, 4, 5, d("0.4286"), d("0.3000"), d("300.0"), False, True),
    ]


def test_bad_decimal_names_file_line_and_column(tmp_path):
    costs = tmp_path / "costs.csv"
    costs.write_text(HEADER + f'MUG,{US},6.00,USD,2026-01-01\nCUP,{US},"6,50",USD,2026-01-01\n', encoding="utf-8")
    with pytest.raises(UnitCostError) as err:
        load_unit_costs(costs)
    assert str(err.value) == f"{costs} line 3, column unit_cost: '6,50' is not a decimal number (e.g. 4.50)"


@pytest.mark.parametrize(("row", "message"), [
    (f"MUG,{US},4.5O,USD,2026-01-01", "line 2, column unit_cost: '4.5O' is not a decimal number (e.g. 4.50)"),
    (f"MUG,{US},4.50,usd,2026-01-01", "line 2, column currency: 'usd' is not a three-letter ISO 4217 code in "
                                      "capitals (e.g. USD, EUR, JPY)"),
    (f"MUG,{US},4.50,USD,01/02/2026", "line 2, column valid_from: '01/02/2026' is not a date YYYY-MM-DD "
                                      "(e.g. 2026-01-01)"),
    (f"MUG,{US},4.50,USD,2026-02-30", "line 2, column valid_from: '2026-02-30' is not a date YYYY-MM-DD "
                                      "(e.g. 2026-01-01)"),
    (f"MUG,{US},-1,USD,2026-01-01", "line 2, column unit_cost: '-1' is out of range (0 up to 14 digits)"),
    (f",{US},1,USD,2026-01-01", "line 2, column sku: empty"),
])
def test_csv_errors_name_file_line_and_column(tmp_path, row, message):
    costs = tmp_path / "costs.csv"
    costs.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(UnitCostError) as err:
        load_unit_costs(costs)
    assert str(err.value) == f"{costs} {message}"


def test_csv_header_and_duplicates(tmp_path):
    costs = tmp_path / "costs.csv"
    costs.write_text("sku,unit_cost\nMUG,1\n", encoding="utf-8")
    with pytest.raises(UnitCostError, match="line 1: missing column\\(s\\) marketplace_id, currency, valid_from"):
        load_unit_costs(costs)
    costs.write_text(HEADER + f"MUG,{US},1,USD,2026-01-01\n\nMUG,{US},2,USD,2026-01-01\n", encoding="utf-8")
    with pytest.raises(UnitCostError) as err:
        load_unit_costs(costs)
    assert str(err.value) == f"{costs} line 4: MUG in {US} already has a cost from 2026-01-01 (line 2)"


def test_absent_file_is_an_empty_table(wh, tmp_path):
    assert load_unit_costs(tmp_path / "missing.csv") == []
    assert write_unit_costs(wh, []) == 0
    assert wh.columns("unit_costs") == [("sku", "VARCHAR"), ("marketplace_id", "VARCHAR"),
                                        ("unit_cost", "DECIMAL(18,4)"), ("currency", "VARCHAR"),
                                        ("valid_from", "DATE")]


def test_path_setting_and_the_sandbox_sample(tmp_path):
    assert unit_costs_path(False, {"SPAPI_UNIT_COSTS": "my/costs.csv"}) == tmp_path.__class__("my/costs.csv")
    assert str(unit_costs_path(False, {"SPAPI_DATA_DIR": "d"})) == "d/unit_costs.csv"
    assert unit_costs_path(True, {}) == SAMPLE_PATH
    sample = load_unit_costs(SAMPLE_PATH)  # the demo's costs: every sandbox SKU in its marketplace's currency
    assert len(sample) == 75
    assert {(c.marketplace_id, c.currency) for c in sample} == {(US, "USD"), ("A1PA6795UKMFR9", "EUR"), (JP, "JPY")}


def test_unit_costs_asset_loads_the_file_of_the_setting_and_keeps_the_table_on_a_bad_file(tmp_path, monkeypatch):
    from dagster import materialize

    from assets.unit_costs import unit_costs_asset
    from pipelines.config import Settings
    from pipelines.resources import WarehouseResource

    costs = tmp_path / "costs.csv"
    costs.write_text(HEADER + f"MUG,{US},6.00,USD,2026-01-01\n", encoding="utf-8")
    monkeypatch.setenv("SPAPI_UNIT_COSTS", str(costs))
    asset = unit_costs_asset(Settings.from_env({}))
    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "w.duckdb"))}
    assert materialize([asset], resources=resources).success
    wh = Warehouse(tmp_path / "w.duckdb")
    assert wh.query("SELECT * FROM unit_costs") == [("MUG", US, Decimal("6.0000"), "USD", date(2026, 1, 1))]
    costs.write_text(HEADER + f"MUG,{US},six,USD,2026-01-01\n", encoding="utf-8")
    result = materialize([asset], resources=resources, raise_on_error=False)
    assert not result.success
    assert wh.query("SELECT count(*) FROM unit_costs") == [(1,)]
