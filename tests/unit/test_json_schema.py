"""JSON report columns and child tables come from the official report schemas."""
import json

import pytest

from pipelines.catalog import ChildTable, Column, entry, json_report_columns, json_schema
from pipelines.catalog.json_schema import json_entry, records_shape


def test_repeat_purchase_columns_are_the_schema_leaves():
    # sellingPartnerRepeatPurchaseReport.json, definitions.DataByAsin, in schema order
    assert entry("brand_analytics_repeat_purchase").columns == (
        Column("startDate", "date"),                       # "format": "date"
        Column("endDate", "date"),
        Column("asin", "text"),
        Column("orders", "int"),                           # "type": "integer"
        Column("uniqueCustomers", "int"),
        Column("repeatCustomersPctTotal", "float"),        # a fraction: "type": "number"
        Column("repeatPurchaseRevenue.amount", "decimal"),  # a money object: amount + currencyCode
        Column("repeatPurchaseRevenue.currencyCode", "text"),
        Column("repeatPurchaseRevenuePctTotal", "float"),
    )
    assert [c.name for c in entry("brand_analytics_repeat_purchase").columns][6:8] == [
        "repeat_purchase_revenue_amount", "repeat_purchase_revenue_currency_code"]


def test_refs_are_followed_to_money_objects_and_enums():
    # clickData is {"$ref": SearchCatalogPerformanceClickData}; its clickedMedianPrice a $ref to CurrencyAmount
    columns = {c.source: c.kind for c in entry("brand_analytics_search_catalog_performance").columns}
    assert columns["clickData.clickCount"] == "int" and columns["clickData.clickRate"] == "float"
    assert columns["clickData.clickedMedianPrice.amount"] == "decimal"
    assert columns["clickData.clickedMedianPrice.currencyCode"] == "text"
    health = {c.source: c.kind for c in entry("seller_performance").columns}
    # orderCount is a $ref to an integer definition, status a $ref to an enum (GOOD, BAD, NONE)
    assert health["orderDefectRate.afn.orderCount"] == "int"
    assert health["orderDefectRate.afn.status"] == "text"
    assert health["accountHealthRating.accountHealthRatingStatus"] == "text"


def test_arrays_of_objects_become_child_tables():
    shape = records_shape("promotionReport.json", "promotions")
    kinds = {c.source: c.kind for c in shape.columns}
    # a number with a <name>CurrencyCode sibling is money; date-time strings are timestamps
    assert (kinds["amountSpent"], kinds["revenue"], kinds["startDateTime"]) == ("decimal", "decimal", "timestamptz")
    assert shape.children == (ChildTable("includedProducts", (
        Column("asin"), Column("productName"), Column("productGlanceViews", "int"), Column("productUnitsSold", "int"),
        Column("productAmountSpent", "decimal"), Column("productAmountSpentCurrencyCode"),
        Column("productRevenue", "decimal"), Column("productRevenueCurrencyCode"))),)
    coupons = entry("vendor_coupon_performance").children
    assert [(c.array, [g.array for g in c.children]) for c in coupons] == [("coupons", ["asins"])]


def test_top_level_arrays_and_kind_overrides():
    traffic = entry("vendor_traffic")
    assert [(c.array, c.top_level) for c in traffic.children] == [("trafficAggregate", True)]
    # trafficByAsin.startDate has no "format" in the schema: the entry overrides it to date
    assert traffic.column("start_date").kind == "date"
    assert traffic.tables == ("raw_vendor_traffic", "raw_vendor_traffic__traffic_aggregate")
    with pytest.raises(ValueError, match=r"kind overrides \['trafficAggregat.startDate'\] name no array"):
        json_entry("vendorTrafficReport.json", "trafficByAsin", kinds={"trafficAggregat.startDate": "date"},
                   report_type="X", name="x", description="x")


def test_a_top_level_table_without_the_cursor_is_refused():
    with pytest.raises(ValueError, match=r"x: top-level tables \['salesAggregate'\] have no cursor column 'asin'"):
        json_entry("vendorSalesReport.json", "salesByAsin", also=("salesAggregate",), cursor="asin",
                   report_type="X", name="x", description="x")


def test_unknown_records_and_a_definition_with_arrays_are_refused():
    with pytest.raises(ValueError, match="has no top-level property 'dataByAsn'; it has: reportSpecification, dataByAsin"):
        records_shape("sellingPartnerRepeatPurchaseReport.json", "dataByAsn")
    with pytest.raises(ValueError, match="arrays of objects .*includedProducts.*json_entry"):
        json_report_columns("promotionReport.json", "DetailsByPromotion")


def test_external_refs_and_loops_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(json_schema, "SPEC_DIR", tmp_path)
    (tmp_path / "h6_ext.json").write_text(json.dumps({"properties": {"rows": {"type": "array", "items": {
        "type": "object", "properties": {"a": {"$ref": "other.json#/definitions/A"}}}}}}))
    with pytest.raises(ValueError, match=r"h6_ext.json rows.a: only local \$ref are supported"):
        records_shape("h6_ext.json", "rows")
    (tmp_path / "h6_loop.json").write_text(json.dumps({"definitions": {"A": {"$ref": "#/definitions/B"},
                                                                       "B": {"$ref": "#/definitions/A"}},
                                                       "properties": {"rows": {"type": "array",
                                                                               "items": {"$ref": "#/definitions/A"}}}}))
    with pytest.raises(ValueError, match=r"\$ref loop #/definitions/A -> #/definitions/B -> #/definitions/A"):
        records_shape("h6_loop.json", "rows")
