"""Query files: loading, validation before any API call, columns, rendering."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import graphql
import pytest

from pipelines.catalog import Column
from pipelines.datakiosk_queries import (
    MAX_QUERY_CHARS,
    QueryFileError,
    QueryWindowError,
    check_window,
    dataset_schemas,
    load_queries,
    load_query,
    minify,
    render,
)

TODAY = date(2025, 6, 1)
MP = ["ATVPDKIKX0DER"]
HEADER = "query ($startDate: Date!, $endDate: Date!, $marketplaceIds: [String!]!) {\n"


def write(tmp_path: Path, body: str, name: str = "probe.graphql") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def by_date_query(selection: str, front: str = "") -> str:
    return (front + HEADER +
            "  analytics_salesAndTraffic_2024_04_24 {\n"
            "    salesAndTrafficByDate(startDate: $startDate, endDate: $endDate, aggregateBy: DAY,"
            " marketplaceIds: $marketplaceIds) {\n"
            f"      {selection}\n"
            "    }\n  }\n}\n")


@pytest.fixture(scope="module")
def specs():
    return {s.name: s for s in load_queries(today=TODAY)}


def test_every_shipped_query_file_loads_and_describes_its_asset(specs):
    assert sorted(specs) == [  # multi-grain files give one query per grain
        "economics_by_msku_day", "economics_by_msku_month", "economics_by_msku_week",
        "sales_and_traffic_by_child_asin", "sales_and_traffic_by_child_asin_month",
        "sales_and_traffic_by_child_asin_week", "sales_and_traffic_by_date", "sales_and_traffic_by_sku",
        "vendor_manufacturing_view", "vendor_sourcing_view"]
    expected = {
        "sales_and_traffic_by_date": ("salesAndTrafficByDate", "seller", 30),
        "sales_and_traffic_by_child_asin": ("salesAndTrafficByAsin", "seller", 1),
        "sales_and_traffic_by_sku": ("salesAndTrafficByAsin", "seller", 1),
        "economics_by_msku_day": ("economics", "seller", 30),
        "vendor_manufacturing_view": ("manufacturingView", "vendor", 30),
        "vendor_sourcing_view": ("sourcingView", "vendor", 30),
    }
    for name, (dataset, account, window) in expected.items():
        spec = specs[name]
        assert (spec.dataset, spec.account, spec.max_window_days) == (dataset, account, window)
        assert spec.cursor == "start_date" and spec.column("start_date").kind == "date"
        assert spec.key and all(spec.column(k) for k in spec.key)
        assert spec.description and spec.table == f"raw_dk_{name}"
    assert specs["sales_and_traffic_by_sku"].key == ("marketplace_id", "start_date", "sku")
    assert specs["vendor_sourcing_view"].takes_marketplaces is False
    assert specs["economics_by_msku_day"].takes_marketplaces is True


def test_render_gives_minified_valid_graphql_with_literals(specs):
    for spec in specs.values():
        text = render(spec, date(2025, 5, 1), date(2025, 5, 1), MP)
        assert "$" not in text and "\n" not in text and "fragment" not in text
        assert text == minify(text) and len(text) < MAX_QUERY_CHARS
        assert 'startDate:"2025-05-01"' in text and 'endDate:"2025-05-01"' in text
        assert ('marketplaceIds:["ATVPDKIKX0DER"]' in text) == spec.takes_marketplaces
        document = graphql.parse(text)
        assert graphql.validate(dataset_schemas()[spec.schema], document) == []
        assert document.definitions[0].variable_definitions == ()


def test_render_inlines_every_marketplace(specs):
    text = render(specs["sales_and_traffic_by_date"], date(2025, 5, 1), date(2025, 5, 30),
                  ["ATVPDKIKX0DER", "A1PA6795UKMFR9"])
    assert 'marketplaceIds:["ATVPDKIKX0DER" "A1PA6795UKMFR9"]' in text


def test_misspelled_field_names_file_line_column_and_field(tmp_path):
    path = write(tmp_path, by_date_query("startDate sales { unitsOrderd }"))
    with pytest.raises(QueryFileError) as info:
        load_query(path, today=TODAY)
    err = info.value
    assert (err.line, err.column) == (4, 25)
    assert ":4:25: Cannot query field 'unitsOrderd' on type 'ByDateSales'. Did you mean 'unitsOrdered'" in str(err)
    assert "probe.graphql:4:25" in str(err)


def test_syntax_error_is_located(tmp_path):
    path = write(tmp_path, by_date_query("startDate sales { unitsOrdered "))
    with pytest.raises(QueryFileError, match=r"probe\.graphql:\d+:\d+: Syntax Error"):
        load_query(path, today=TODAY)


def test_query_longer_than_8000_characters_is_rejected(tmp_path):
    aliases = " ".join(f"u{i}: unitsOrdered" for i in range(600))
    path = write(tmp_path, by_date_query(f"startDate sales {{ {aliases} }}"))
    assert len(minify(path.read_text())) > MAX_QUERY_CHARS
    with pytest.raises(QueryFileError, match="at most 8000"):
        load_query(path, today=TODAY)


def test_literal_start_date_more_than_two_years_back_is_rejected(tmp_path):
    text = ("{ analytics_salesAndTraffic_2024_04_24 {\n"
            '  salesAndTrafficByDate(startDate: "2023-05-31", endDate: "2023-06-30", aggregateBy: DAY,'
            ' marketplaceIds: ["ATVPDKIKX0DER"]) { startDate } } }\n')
    with pytest.raises(QueryFileError, match=r":2:36: startDate 2023-05-31 is more than two years back"):
        load_query(write(tmp_path, text), today=TODAY)
    ok = text.replace("2023-05-31", "2023-06-01")
    assert load_query(write(tmp_path, ok, "ok.graphql"), today=TODAY).variables == ()


def test_check_window_enforces_two_years_width_and_order(specs):
    spec = specs["sales_and_traffic_by_date"]
    check_window(spec, date(2023, 6, 1), date(2023, 6, 30), TODAY)
    with pytest.raises(QueryWindowError, match="more than two years back"):
        check_window(spec, date(2023, 5, 31), date(2023, 6, 29), TODAY)
    with pytest.raises(QueryWindowError, match="at most 30"):
        check_window(spec, date(2025, 1, 1), date(2025, 1, 31), TODAY)
    with pytest.raises(QueryWindowError, match="before its start"):
        check_window(spec, date(2025, 1, 2), date(2025, 1, 1), TODAY)
    with pytest.raises(QueryWindowError, match="at most 1"):
        check_window(specs["sales_and_traffic_by_sku"], date(2025, 1, 1), date(2025, 1, 2), TODAY)
    assert issubclass(QueryWindowError, QueryFileError)


def test_columns_flatten_objects_and_type_leaves(specs):
    cols = {c.name: c for c in specs["sales_and_traffic_by_date"].columns}
    assert cols["sales_ordered_product_sales_amount"] == Column("sales.orderedProductSales.amount", "decimal")
    assert cols["sales_ordered_product_sales_currency_code"].kind == "text"
    assert cols["sales_units_ordered"] == Column("sales.unitsOrdered", "int")  # Long
    assert cols["traffic_buy_box_percentage"].kind == "float"
    assert cols["start_date"] == Column("startDate", "date")
    assert cols["marketplace_id"].kind == "text"


def test_list_field_becomes_one_exact_duckdb_list_of_structs(tmp_path):
    text = (HEADER + "  analytics_economics_2024_03_15 {\n"
            "    economics(startDate: $startDate, endDate: $endDate, marketplaceIds: $marketplaceIds) {\n"
            "      startDate msku proceeds: netProceeds { total { amount } }\n"
            "      fees { feeTypeName charges { aggregatedDetail { totalAmount { amount currencyCode } quantity } } }\n"
            "    }\n  }\n}\n")
    spec = load_query(write(tmp_path, text), today=TODAY)
    cols = {c.name: c for c in spec.columns}
    assert cols["proceeds_total_amount"] == Column("proceeds.total.amount", "decimal")  # alias = JSON key
    fees_type = ('STRUCT("feeTypeName" VARCHAR, "charges" STRUCT("aggregatedDetail" STRUCT("totalAmount" '
                 'STRUCT("amount" DECIMAL(18,4), "currencyCode" VARCHAR), "quantity" DOUBLE))[])[]')
    assert cols["fees"] == Column("fees", "duckdb:" + fees_type)
    # DuckDB reads a Data Kiosk record with exactly that type
    record = {"startDate": "2025-05-01", "msku": "SKU-1", "proceeds": {"total": {"amount": 9.5}},
              "fees": [{"feeTypeName": "Referral fees", "charges": [
                  {"aggregatedDetail": {"totalAmount": {"amount": 2.25, "currencyCode": "USD"}, "quantity": 1.0}}]}]}
    path = tmp_path / "doc.jsonl"
    path.write_text(json.dumps(record) + "\n")
    got = duckdb.sql(f"select fees[1].charges[1].aggregatedDetail.totalAmount.amount from "
                     f"read_json('{path}', format='newline_delimited', columns={{'fees': '{fees_type}'}})").fetchone()
    assert str(got[0]) == "2.2500"


@pytest.mark.parametrize("front, body, message", [
    ("# lookback: 3\n", "startDate", "unknown front-matter key 'lookback'"),
    ("# cursor: end_dat\n", "startDate endDate", "cursor 'end_dat' is not a selected date column"),
    ("# key: marketplace_id, sku\n", "startDate marketplaceId", r"key columns \['sku'\] are not selected"),
    ("# account: vendor\n", "startDate", "account: vendor does not match dataset analytics_salesAndTraffic_2024_04_24"),
    ("# max_window_days: 0\n", "startDate", "max_window_days must be a whole number"),
])
def test_front_matter_mistakes_are_named(tmp_path, front, body, message):
    with pytest.raises(QueryFileError, match=r"probe\.graphql:1:1: " + message):
        load_query(write(tmp_path, by_date_query(body, front)), today=TODAY)


def test_unsupported_variable_and_two_datasets_are_rejected(tmp_path):
    text = by_date_query("startDate").replace("$marketplaceIds: [String!]!", "$marketplaceIds: [String!]!, "
                                                                            "$agg: DateGranularity!")
    with pytest.raises(QueryFileError, match=r"probe\.graphql:1:73: Variable '\$agg' is never used"):
        load_query(write(tmp_path, text), today=TODAY)
    with pytest.raises(QueryFileError, match=r"probe\.graphql:1:73: unsupported variable \$agg; the asset run "
                                             r"supplies only \$startDate, \$endDate, \$marketplaceIds"):
        load_query(write(tmp_path, text.replace("aggregateBy: DAY", "aggregateBy: $agg")), today=TODAY)
    two = by_date_query("startDate").replace(
        "    }\n  }\n}", "    }\n    salesAndTrafficByAsin(startDate: $startDate, endDate: $endDate, aggregateBy: SKU,"
        " marketplaceIds: $marketplaceIds) { sku }\n  }\n}")
    with pytest.raises(QueryFileError, match="select exactly one field"):
        load_query(write(tmp_path, two, "two.graphql"), today=TODAY)


def test_query_without_a_dataset_is_rejected(tmp_path):
    with pytest.raises(QueryFileError, match="selects no Data Kiosk dataset"):
        load_query(write(tmp_path, "{ analytics_salesAndTraffic_2099 { x } }"), today=TODAY)
