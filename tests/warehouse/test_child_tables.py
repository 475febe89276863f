"""Arrays inside JSON report records land as child tables, in the parent's transaction."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from pipelines.catalog import entry
from pipelines.warehouse import MalformedReportError, Replace
from tests.warehouse.warehouse_fixtures import US, day, lineage

UTC = timezone.utc
PROMOTIONS = entry("promotion_performance")


def promotion(pid: str, start: str, products: list[dict]) -> dict:
    return {"promotionId": pid, "promotionName": f"Deal {pid}", "merchantId": "M1", "unitsSold": 7,
            "amountSpent": 12.5, "amountSpentCurrencyCode": "USD", "revenue": 99.95, "revenueCurrencyCode": "USD",
            "startDateTime": start, "endDateTime": "2025-01-20T00:00:00Z", "type": "LIGHTNING_DEAL",
            "status": "ENDED", "marketplaceId": US, "glanceViews": 40, "includedProducts": products}


def product(asin: str, units: int | str) -> dict:
    return {"asin": asin, "productName": f"Item {asin}", "productUnitsSold": units, "productRevenue": 10.5,
            "productRevenueCurrencyCode": "USD"}


def write(tmp_path, name: str, doc: dict):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def land_promotions(wh, path, report_id="R1"):
    return wh.land(PROMOTIONS.table, path, PROMOTIONS.columns, fmt="json", json_records=PROMOTIONS.json_records,
                   lineage=lineage(start=14, end=16, report_id=report_id),
                   replace=Replace.window(PROMOTIONS.cursor, day(14), day(16), US),
                   children=PROMOTIONS.children, inherited=PROMOTIONS.inherited)


CHILD = "raw_promotion_performance__included_products"


def test_parent_and_child_rows(wh, tmp_path):
    doc = {"reportSpecification": {"reportType": "GET_PROMOTION_PERFORMANCE_REPORT", "marketplaceIds": [US]},
           "promotions": [promotion("P1", "2025-01-14T08:00:00Z", [product("B01", 3), product("B02", 4)]),
                          promotion("P2", "2025-01-15T09:30:00Z", [])]}
    res = land_promotions(wh, write(tmp_path, "p.json", doc))
    assert res.rows == 2
    assert [(c.table, c.rows) for c in res.children] == [(CHILD, 2)]
    assert wh.query(f"SELECT promotion_id, units_sold, amount_spent, revenue_currency_code, start_date_time, "
                    f"_row_number FROM {PROMOTIONS.table} ORDER BY promotion_id") == [
        ("P1", 7, Decimal("12.5"), "USD", datetime(2025, 1, 14, 8, tzinfo=UTC), 1),
        ("P2", 7, Decimal("12.5"), "USD", datetime(2025, 1, 15, 9, 30, tzinfo=UTC), 2)]
    assert [n for n, _ in wh.columns(CHILD)][:4] == ["promotion_id", "start_date_time", "included_products_position",
                                                      "asin"]
    assert wh.query(f"SELECT promotion_id, start_date_time, included_products_position, asin, product_name, "
                    f"product_units_sold, product_revenue, _report_id, _row_number FROM {CHILD} "
                    f"ORDER BY included_products_position") == [
        ("P1", datetime(2025, 1, 14, 8, tzinfo=UTC), 1, "B01", "Item B01", 3, Decimal("10.5"), "R1", 1),
        ("P1", datetime(2025, 1, 14, 8, tzinfo=UTC), 2, "B02", "Item B02", 4, Decimal("10.5"), "R1", 1)]


def test_a_rerun_of_the_window_replaces_the_children_too(wh, tmp_path):
    first = {"promotions": [promotion("P1", "2025-01-14T08:00:00Z", [product("B01", 3), product("B02", 4)])]}
    land_promotions(wh, write(tmp_path, "a.json", first))
    again = {"promotions": [promotion("P1", "2025-01-14T08:00:00Z", [product("B02", 5)])]}
    res = land_promotions(wh, write(tmp_path, "b.json", again), report_id="R2")
    assert res.children[0].deleted == 2
    assert wh.query(f"SELECT promotion_id, included_products_position, asin, product_units_sold, _report_id "
                    f"FROM {CHILD}") == [("P1", 1, "B02", 5, "R2")]


def test_a_failing_child_insert_leaves_parent_and_child_unchanged(wh, tmp_path):
    land_promotions(wh, write(tmp_path, "a.json",
                              {"promotions": [promotion("P1", "2025-01-14T08:00:00Z", [product("B01", 3)])]}))
    before = (wh.query(f"SELECT * EXCLUDE (_loaded_at) FROM {PROMOTIONS.table}"),
              wh.query(f"SELECT * EXCLUDE (_loaded_at) FROM {CHILD}"))
    bad = {"promotions": [promotion("P9", "2025-01-15T08:00:00Z", [product("B01", 1), product("B07", "lots")])]}
    with pytest.raises(MalformedReportError) as info:
        land_promotions(wh, write(tmp_path, "bad.json", bad), report_id="R2")
    assert (info.value.table, info.value.column, info.value.value) == (CHILD, "product_units_sold", "lots")
    assert (wh.query(f"SELECT * EXCLUDE (_loaded_at) FROM {PROMOTIONS.table}"),
            wh.query(f"SELECT * EXCLUDE (_loaded_at) FROM {CHILD}")) == before


def test_grandchildren_carry_every_ancestor_key_and_position(wh, tmp_path):
    e = entry("vendor_coupon_performance")
    doc = {"campaigns": [
        {"campaignId": "C1", "campaignName": "Spring", "totalBudget": 500, "coupons": [
            {"couponId": "K1", "clips": 9, "asins": [{"asin": "B01"}, {"asin": "B02"}]},
            {"couponId": "K2", "clips": 1, "asins": [{"asin": "B03"}]}]},
        {"campaignId": "C2", "campaignName": "Empty"}]}
    res = wh.land(e.table, write(tmp_path, "v.json", doc), e.columns, fmt="json", json_records=e.json_records,
                  lineage=lineage(), replace=Replace.window(e.cursor, day(14), day(15), US),
                  children=e.children, inherited=e.inherited)
    assert (res.rows, [(c.table, c.rows) for c in res.children]) == (
        2, [("raw_vendor_coupon_performance__coupons", 2), ("raw_vendor_coupon_performance__coupons__asins", 3)])
    assert wh.query("SELECT campaign_id, coupons_position, coupon_id, clips "
                    "FROM raw_vendor_coupon_performance__coupons ORDER BY 2") == [("C1", 1, "K1", 9), ("C1", 2, "K2", 1)]
    assert wh.query("SELECT campaign_id, coupons_position, asins_position, asin "
                    "FROM raw_vendor_coupon_performance__coupons__asins ORDER BY 2, 3") == [
        ("C1", 1, 1, "B01"), ("C1", 1, 2, "B02"), ("C1", 2, 1, "B03")]


def test_a_top_level_array_lands_beside_the_records(wh, tmp_path):
    e = entry("vendor_sales")
    money = {"amount": 20.5, "currencyCode": "USD"}
    doc = {"salesAggregate": [{"startDate": "2025-01-14", "endDate": "2025-01-14", "orderedUnits": 9,
                               "orderedRevenue": money}],
           "salesByAsin": [{"startDate": "2025-01-14", "endDate": "2025-01-14", "asin": "B01", "orderedUnits": 4,
                            "orderedRevenue": money}]}
    res = wh.land(e.table, write(tmp_path, "s.json", doc), e.columns, fmt="json", json_records=e.json_records,
                  lineage=lineage(), replace=Replace.window(e.cursor, day(14), day(15), US),
                  children=e.children, inherited=e.inherited)
    assert (res.rows, [(c.table, c.rows) for c in res.children]) == (1, [("raw_vendor_sales__sales_aggregate", 1)])
    assert wh.query("SELECT sales_aggregate_position, start_date, ordered_units, ordered_revenue_amount, "
                    "ordered_revenue_currency_code FROM raw_vendor_sales__sales_aggregate") == [
        (1, date(2025, 1, 14), 9, Decimal("20.5"), "USD")]
    assert "asin" not in dict(wh.columns("raw_vendor_sales__sales_aggregate"))


def test_no_document_creates_every_table_and_deletes_nothing(wh):
    res = wh.land_empty(PROMOTIONS.table, PROMOTIONS.columns, lineage=lineage(), replace=None,
                        children=PROMOTIONS.children, inherited=PROMOTIONS.inherited)
    assert [c.table for c in res.children] == [CHILD]
    assert wh.exists(CHILD) and wh.row_count(CHILD) == 0
