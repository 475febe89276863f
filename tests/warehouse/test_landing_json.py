"""JSON (Sales and Traffic report) and JSONL (Data Kiosk) landing: dotted paths, nested types."""
import json
from datetime import date
from decimal import Decimal

import pytest

from pipelines.catalog import Column, cols, entry
from pipelines.warehouse import MalformedReportError, Replace
from tests.warehouse.warehouse_fixtures import US, day, lineage


def test_json_report_records_become_rows(wh, tmp_path):
    e = entry("sales_and_traffic_by_date")
    doc = {
        "reportSpecification": {"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": [US]},
        "salesAndTrafficByDate": [
            {"date": "2025-01-14",
             "salesByDate": {"orderedProductSales": {"amount": 1234.5, "currencyCode": "USD"}, "unitsOrdered": 80,
                             "refundRate": 1.25, "averageUnitsPerOrderItem": 1.1},
             "trafficByDate": {"sessions": 900, "buyBoxPercentage": 97.5, "unitSessionPercentage": 108.0}},
            {"date": "2025-01-15",
             "salesByDate": {"orderedProductSales": {"amount": 10, "currencyCode": "USD"}, "unitsOrdered": 1}},
        ],
        "salesAndTrafficByAsin": [],
    }
    f = tmp_path / "st.json"
    f.write_text(json.dumps(doc, indent=2))
    res = wh.land(e.table, f, e.columns, fmt="json", json_records=e.json_records,
                  lineage=lineage(end=16), replace=Replace.window("date", day(14), day(16), US))
    assert res.rows == 2
    types = dict(res.columns)
    assert types["sales_by_date_ordered_product_sales_amount"] == "DECIMAL(18,4)"
    assert types["traffic_by_date_sessions"] == "BIGINT" and types["date"] == "DATE"
    rows = wh.query(f"SELECT date, sales_by_date_ordered_product_sales_amount, "
                    f"sales_by_date_ordered_product_sales_currency_code, sales_by_date_units_ordered, "
                    f"traffic_by_date_unit_session_percentage, traffic_by_date_sessions, _row_number "
                    f"FROM {e.table} ORDER BY date")
    assert rows == [(date(2025, 1, 14), Decimal("1234.5"), "USD", 80, 108.0, 900, 1),
                    (date(2025, 1, 15), Decimal("10"), "USD", 1, None, None, 2)]


def test_json_bad_value_is_malformed(wh, tmp_path):
    f = tmp_path / "st.json"
    f.write_text(json.dumps({"rows": [{"n": 1}, {"n": "lots"}]}))
    with pytest.raises(MalformedReportError) as info:
        wh.land("raw_j", f, cols("n:int"), fmt="json", json_records="rows", lineage=lineage(),
                replace=Replace.report("R1"))
    assert (info.value.column, info.value.value, info.value.line) == ("n", "lots", 2)
    assert not wh.exists("raw_j")


def test_jsonl_nested_struct_and_list_columns(wh, tmp_path):
    columns = cols(
        "startDate:date endDate:date childAsin sales.orderedProductSales.amount:decimal "
        "sales.orderedProductSales.currencyCode sales.unitsOrdered:int traffic.buyBoxPercentage:float"
    ) + (
        Column("traffic.pageViewsByDevice", "duckdb:STRUCT(device VARCHAR, views BIGINT)[]"),
        Column("sales.fees", "duckdb:STRUCT(type VARCHAR, amount DECIMAL(18,4))"),
    )
    lines = [
        {"startDate": "2025-01-14", "endDate": "2025-01-14", "childAsin": "B01",
         "sales": {"orderedProductSales": {"amount": 19.99, "currencyCode": "USD"}, "unitsOrdered": 1,
                   "fees": {"type": "FBA", "amount": 3.22}},
         "traffic": {"buyBoxPercentage": 100, "pageViewsByDevice": [{"device": "mobile", "views": 5},
                                                                    {"device": "browser", "views": 2}]}},
        {"startDate": "2025-01-14", "endDate": "2025-01-14", "childAsin": "B02",
         "sales": {"orderedProductSales": {"amount": 0, "currencyCode": "USD"}, "unitsOrdered": 0},
         "traffic": {"pageViewsByDevice": []}},
    ]
    f = tmp_path / "dk.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in lines))
    res = wh.land("raw_dk_sales_traffic", f, columns, fmt="jsonl", lineage=lineage(),
                  replace=Replace.window("start_date", day(14), day(15), US), row_numbers=True)
    assert res.rows == 2
    types = dict(res.columns)
    assert types["traffic_page_views_by_device"] == "STRUCT(device VARCHAR, \"views\" BIGINT)[]"
    rows = wh.query("SELECT child_asin, sales_ordered_product_sales_amount, sales_units_ordered, "
                    "traffic_buy_box_percentage, traffic_page_views_by_device, sales_fees, _row_number "
                    "FROM raw_dk_sales_traffic ORDER BY _row_number")
    assert rows == [
        ("B01", Decimal("19.99"), 1, 100.0, [{"device": "mobile", "views": 5}, {"device": "browser", "views": 2}],
         {"type": "FBA", "amount": Decimal("3.22")}, 1),
        ("B02", Decimal("0"), 0, None, [], None, 2),
    ]
    # Re-landing the window replaces it.
    wh.land("raw_dk_sales_traffic", f, columns, fmt="jsonl", lineage=lineage(),
            replace=Replace.window("start_date", day(14), day(15), US))
    assert wh.row_count("raw_dk_sales_traffic") == 2


def test_jsonl_pages_land_together_in_one_replace(wh, tmp_path):
    columns = (Column("childAsin"), Column("sales.unitsOrdered", "int"))
    pages = []
    for n in range(3):
        page = tmp_path / f"page{n}.jsonl"
        page.write_text("".join(json.dumps({"childAsin": f"B{n}{i}", "sales": {"unitsOrdered": i}}) + "\n"
                                for i in range(4)))
        pages.append(page)
    replace = Replace.window("_window_start", day(14), day(15), US)
    for _ in range(2):  # re-landing the window replaces all pages at once
        res = wh.land("raw_dk_pages", pages, columns, fmt="jsonl", lineage=lineage(), replace=replace)
        assert res.rows == 12
    assert wh.query("SELECT count(*), sum(sales_units_ordered) FROM raw_dk_pages") == [(12, 18)]
