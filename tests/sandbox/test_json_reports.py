"""JSON reports with an official schema (Brand Analytics, vendor, coupons, promotions, account
health, B2B, ASIN page views): every type requested from a sandbox, validated against its
schema, numbers checked against the synthetic seller, Amazon's option and period rules enforced."""
from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import jsonschema
import pytest

from pipelines.sandbox import json_reports, page_views
from pipelines.sandbox.seller import SyntheticSeller
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from pipelines.spec import SPEC_DIR
from tests.contract import _FORMATS

from .conftest import DE, FAST, US, make_api

UTC = timezone.utc
NOW = datetime.now(UTC)
WEEK = ("2025-01-05T00:00:00Z", "2025-01-11T23:59:59Z")  # Sunday to Saturday
CLIENT_ERROR = ("A client error occurred. Please double check that your parameters are valid and fulfill "
                "the requirements of the report type.")
DENIED = "Access to requested resource is denied."


def _z(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


LAST_60_DAYS = (_z(NOW - timedelta(days=60)), _z(NOW - timedelta(days=1)))
THIS_HOUR = NOW.replace(minute=0, second=0, microsecond=0)

# (report type, official schema, options, window); vendor reports are asked by a vendor account.
SELLER_REPORTS = [
    ("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "sellingPartnerSearchTermsReport.json",
     {"reportPeriod": "WEEK"}, WEEK),
    ("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", "sellingPartnerMarketBasketAnalysisReport.json",
     {"reportPeriod": "WEEK"}, ("2025-01-05T00:00:00Z", "2025-01-18T23:59:59Z")),
    ("GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", "sellingPartnerRepeatPurchaseReport.json",
     {"reportPeriod": "MONTH"}, ("2025-01-01T00:00:00Z", "2025-02-28T23:59:59Z")),
    ("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", "sellingPartnerSearchQueryPerformanceReport.json",
     {"reportPeriod": "WEEK", "asin": "B007000000 B007000003"}, WEEK),
    ("GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT", "sellingPartnerSearchCatalogPerformanceReport.json",
     {"reportPeriod": "QUARTER"}, ("2025-01-01T00:00:00Z", "2025-03-31T23:59:59Z")),
    ("GET_COUPON_PERFORMANCE_REPORT", "sellerCouponReport.json",
     {"couponStartDateFrom": LAST_60_DAYS[0], "couponStartDateTo": LAST_60_DAYS[1]}, None),
    ("GET_PROMOTION_PERFORMANCE_REPORT", "promotionReport.json",
     {"promotionStartDateFrom": LAST_60_DAYS[0], "promotionStartDateTo": LAST_60_DAYS[1]}, None),
    ("GET_V2_SELLER_PERFORMANCE_REPORT", "accountHealthReport-2020-11-18.json", {}, None),
    ("GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU",
     "b2bProductOpportunitiesRecommendedForYouReport-2020-11-19.json", {}, None),
    ("GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON",
     "b2bProductOpportunitiesNotYetOnAmazonReport-2020-11-19.json", {"filterMode": "exclude",
                                                                     "categories": "Electronics"}, None),
]
VENDOR_VIEW = {"distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
VENDOR_REPORTS = [
    ("GET_VENDOR_SALES_REPORT", "vendorSalesReport.json", {"reportPeriod": "DAY", **VENDOR_VIEW},
     ("2025-01-01T00:00:00Z", "2025-01-03T23:59:59Z")),
    ("GET_VENDOR_TRAFFIC_REPORT", "vendorTrafficReport.json", {"reportPeriod": "WEEK"}, WEEK),
    ("GET_VENDOR_INVENTORY_REPORT", "vendorInventoryReport.json", {"reportPeriod": "MONTH", **VENDOR_VIEW},
     ("2025-01-01T00:00:00Z", "2025-01-31T23:59:59Z")),
    ("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "vendorNetPureProductMarginReport.json", {"reportPeriod": "DAY"},
     ("2025-01-01T00:00:00Z", "2025-01-15T23:59:59Z")),
    ("GET_VENDOR_FORECASTING_REPORT", "vendorForecastingReport.json", {"sellingProgram": "RETAIL"}, None),
    ("GET_VENDOR_REAL_TIME_SALES_REPORT", "vendorRealTimeSalesReport.json", {},
     ("2025-01-01T00:00:00Z", "2025-01-01T05:59:59Z")),
    ("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "vendorRealTimeTrafficReport.json", {},
     ("2025-01-01T00:00:00Z", "2025-01-01T05:59:59Z")),
    ("GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "vendorRealTimeInventoryReport.json", {},
     (_z(THIS_HOUR - timedelta(hours=6)), _z(THIS_HOUR - timedelta(seconds=1)))),
    ("GET_COUPON_PERFORMANCE_REPORT", "vendorCouponReport.json",
     {"campaignStartDateFrom": LAST_60_DAYS[0], "campaignStartDateTo": LAST_60_DAYS[1]}, None),
    ("GET_PROMOTION_PERFORMANCE_REPORT", "promotionReport.json",
     {"promotionStartDateFrom": LAST_60_DAYS[0], "promotionStartDateTo": LAST_60_DAYS[1]}, None),
]


@pytest.fixture(scope="module")
def vendor_api():
    with SandboxServer(SandboxConfig(**FAST, vendor=True)) as sb:
        a = make_api(sb)
        yield a
        a.http.close()


def _window(window) -> dict:
    return dict(start=window[0], end=window[1]) if window else {}


def _finished(api, report_type, options, window, marketplaces=(US,)) -> tuple[dict, dict | None]:
    """(final report, its gunzipped JSON document or None)."""
    r = api.create_report(report_type, marketplaces, options=options or None, **_window(window))
    assert r.status_code == 202, r.text
    report = api.wait_report(r.json()["reportId"])
    if "reportDocumentId" not in report:
        return report, None
    download = httpx.get(api.document(report["reportDocumentId"])["url"])
    assert download.headers["content-type"] == "application/json; charset=UTF-8"
    return report, json.loads(gzip.decompress(download.content).decode("utf-8"))


def _document(api, report_type, options, window, marketplaces=(US,)) -> dict:
    report, doc = _finished(api, report_type, options, window, marketplaces)
    assert report["processingStatus"] == "DONE", (report, doc)
    return doc


def _valid(doc: dict, schema_file: str) -> None:
    schema = json.loads((SPEC_DIR / schema_file).read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema, format_checker=_FORMATS).iter_errors(doc), key=str)
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


def _records(doc: dict) -> int:
    return sum(len(v) for k, v in doc.items() if isinstance(v, list))


@pytest.mark.parametrize("report_type, schema_file, options, window", SELLER_REPORTS, ids=lambda v: str(v)[:40])
def test_every_seller_report_matches_its_official_schema(api, report_type, schema_file, options, window):
    doc = _document(api, report_type, options, window)
    _valid(doc, schema_file)
    assert _records(doc) > 0
    if "reportSpecification" in doc:
        assert doc["reportSpecification"]["reportOptions"] == options
        assert doc["reportSpecification"]["marketplaceIds"] == [US]


@pytest.mark.parametrize("report_type, schema_file, options, window", VENDOR_REPORTS, ids=lambda v: str(v)[:40])
def test_every_vendor_report_matches_its_official_schema(vendor_api, report_type, schema_file, options, window):
    doc = _document(vendor_api, report_type, options, window)
    _valid(doc, schema_file)
    assert _records(doc) > 0


def test_vendor_sales_are_the_sellers_shipped_order_items_and_do_not_change(vendor_api):
    options = {"reportPeriod": "DAY", **VENDOR_VIEW}
    window = ("2025-01-01T00:00:00Z", "2025-01-03T23:59:59Z")
    doc = _document(vendor_api, "GET_VENDOR_SALES_REPORT", options, window)
    seller = SyntheticSeller()
    for n, agg in enumerate(doc["salesAggregate"]):
        day = date(2025, 1, 1 + n)
        shipped = [i for i in seller.order_items(US, day) if i.shipped]
        assert (agg["startDate"], agg["endDate"]) == (day.isoformat(), day.isoformat())
        assert agg["shippedUnits"] == sum(i.quantity for i in shipped)
        assert agg["shippedRevenue"] == {"amount": float(sum(i.item_price for i in shipped)), "currencyCode": "USD"}
        assert agg["orderedUnits"] == sum(i.ordered_quantity for i in seller.order_items(US, day))
        by_asin = {r["asin"]: r["shippedUnits"] for r in doc["salesByAsin"] if r["startDate"] == day.isoformat()}
        units = Counter()
        for i in shipped:
            units[i.asin] += i.quantity
        assert {a: n for a, n in by_asin.items() if n} == dict(units)
    assert doc["reportSpecification"] == {"reportType": "GET_VENDOR_SALES_REPORT", "reportOptions": options,
                                          "lastUpdatedDate": NOW.date().isoformat(), "dataStartTime": "2025-01-01",
                                          "dataEndTime": "2025-01-03", "marketplaceIds": [US]}
    assert _document(vendor_api, "GET_VENDOR_SALES_REPORT", options, window) == doc


def test_search_query_purchases_are_the_asins_units_of_the_week(api):
    options = {"reportPeriod": "WEEK", "asin": "B007000000 B007000003"}
    doc = _document(api, "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT", options, WEEK)
    seller = SyntheticSeller()
    units = Counter()
    for d in range(5, 12):
        for i in seller.order_items(US, date(2025, 1, d)):
            if i.shipped:
                units[i.asin] += i.quantity
    got = {r["asin"]: (r["searchQueryData"]["searchQuery"], r["purchaseData"]["asinPurchaseCount"])
           for r in doc["dataByAsin"]}
    assert got == {"B007000000": ("bamboo cutting board", units["B007000000"]),
                   "B007000003": ("stainless water bottle", units["B007000003"])}


def test_market_basket_pairs_are_the_sellers_orders(api):
    doc = _document(api, "GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", {"reportPeriod": "WEEK"}, WEEK)
    baskets = defaultdict(set)
    for d in range(5, 12):
        for i in SyntheticSeller().order_items(US, date(2025, 1, d)):
            if i.shipped:
                baskets[i.amazon_order_id].add(i.asin)
    for row in doc["dataByAsin"]:
        with_asin = [b for b in baskets.values() if row["asin"] in b]
        both = [b for b in with_asin if row["purchasedWithAsin"] in b]
        assert row["combinationPct"] == round(len(both) / len(with_asin), 4)
    assert {r["asin"] for r in doc["dataByAsin"]} == {a for b in baskets.values() if len(b) > 1 for a in b}


def test_real_time_sales_are_the_units_ordered_each_hour(vendor_api):
    window = ("2025-01-01T00:30:00Z", "2025-01-01T03:59:59Z")  # whole hours 01:00 to 04:00
    doc = _document(vendor_api, "GET_VENDOR_REAL_TIME_SALES_REPORT", {}, window)
    units = Counter()
    for i in SyntheticSeller().order_items(US, date(2025, 1, 1)):
        if 1 <= i.purchase_date.hour < 4 and i.quantity:
            units[(f"2025-01-01T{i.purchase_date.hour:02d}:00:00Z", i.asin)] += i.quantity
    assert {(r["startTime"], r["asin"]): r["orderedUnits"] for r in doc["reportData"]} == dict(units)
    assert doc["reportSpecification"]["reportOptions"] == {"currencyCode": "USD"}


# ---- Amazon's rules -----------------------------------------------------------------------------

def _fatal_details(api, report_type, options, window, marketplaces=(US,)) -> str:
    report, doc = _finished(api, report_type, options, window, marketplaces)
    assert report["processingStatus"] == "FATAL", report
    return doc["errorDetails"]


def test_a_week_not_starting_on_sunday_ends_fatal(api):
    details = _fatal_details(api, "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", {"reportPeriod": "WEEK"},
                             ("2025-01-06T00:00:00Z", "2025-01-11T23:59:59Z"))
    assert details == f"{CLIENT_ERROR} (dataStartTime 2025-01-06 is not the first day of a WEEK (Sunday to Saturday))."


def test_a_month_must_end_on_its_last_day(api):
    details = _fatal_details(api, "GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", {"reportPeriod": "MONTH"},
                             ("2025-01-01T00:00:00Z", "2025-01-30T23:59:59Z"))
    assert details == f"{CLIENT_ERROR} (dataEndTime 2025-01-30 is not the last day of a MONTH (calendar month))."


def test_search_terms_cover_one_period_per_request(api):
    details = _fatal_details(api, "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", {"reportPeriod": "WEEK"},
                             ("2025-01-05T00:00:00Z", "2025-01-18T23:59:59Z"))
    assert details == (f"{CLIENT_ERROR} (the window spans 2 periods of WEEK; "
                       "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT covers one period per request).")


def test_search_query_performance_takes_one_marketplace(api):
    details = _fatal_details(api, "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
                             {"reportPeriod": "WEEK", "asin": "B007000000"}, WEEK, marketplaces=(US, DE))
    assert details == (f"{CLIENT_ERROR} (GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT takes one "
                       "marketplace id, got 2).")


def test_net_pure_product_margin_is_fatal_until_168_hours_after_the_day(vendor_api):
    yesterday = NOW.date() - timedelta(days=1)
    details = _fatal_details(vendor_api, "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", {"reportPeriod": "DAY"},
                             (f"{yesterday}T00:00:00Z", f"{yesterday}T23:59:59Z"))
    ready = datetime.combine(NOW.date(), datetime.min.time(), UTC) + timedelta(hours=168)
    assert details == f"{CLIENT_ERROR} (the data of {yesterday} is available from {ready.isoformat()} (168 hours " \
                      "after that day))."


def _error(response) -> tuple[int, dict]:
    return response.status_code, response.json()["errors"][0]


def test_a_vendor_report_on_a_seller_account_is_forbidden(api):
    r = api.create_report("GET_VENDOR_SALES_REPORT", options={"reportPeriod": "DAY", **VENDOR_VIEW},
                          start="2025-01-01T00:00:00Z", end="2025-01-01T23:59:59Z")
    assert _error(r) == (403, {"code": "Unauthorized", "message": DENIED, "details":
                               "GET_VENDOR_SALES_REPORT is available to vendor accounts only; this account is a "
                               "seller (SandboxConfig.vendor / spapi-sandbox --vendor)."})


def test_a_seller_report_on_a_vendor_account_is_forbidden(vendor_api):
    r = vendor_api.create_report("GET_V2_SELLER_PERFORMANCE_REPORT")
    assert _error(r) == (403, {"code": "Unauthorized", "message": DENIED, "details":
                               "GET_V2_SELLER_PERFORMANCE_REPORT is available to seller accounts only; this "
                               "account is a vendor (SandboxConfig.vendor / spapi-sandbox --vendor)."})


def test_a_required_report_option_is_refused_when_missing(api):
    r = api.create_report("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", start=WEEK[0], end=WEEK[1])
    assert _error(r) == (400, {"code": "InvalidInput", "message": "reportOptions.reportPeriod is required for "
                               "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "details": "Allowed: DAY, WEEK, MONTH, QUARTER"})


def test_an_option_outside_the_schemas_enum_is_refused(vendor_api):
    r = vendor_api.create_report("GET_VENDOR_SALES_REPORT", start=WEEK[0], end=WEEK[1], options={
        "reportPeriod": "WEEK", "distributorView": "MANUFACTURER", "sellingProgram": "RETAIL"})
    assert _error(r) == (400, {"code": "InvalidInput", "message": "Invalid reportOptions.distributorView "
                               "'MANUFACTURER' for GET_VENDOR_SALES_REPORT", "details": "Allowed: MANUFACTURING, SOURCING"})


def test_coupon_start_dates_reach_back_two_years_at_most(api):
    old = _z(NOW - timedelta(days=800))
    r = api.create_report("GET_COUPON_PERFORMANCE_REPORT",
                          options={"couponStartDateFrom": old, "couponStartDateTo": LAST_60_DAYS[1]})
    assert _error(r) == (400, {"code": "InvalidInput", "message": f"reportOptions.couponStartDateFrom {old} is more "
                               "than two years ago", "details": "This report supports start dates up to two years "
                               "before the current date."})


def test_vendor_units_follow_the_selling_program(vendor_api):
    window = ("2025-01-01T00:00:00Z", "2025-01-01T23:59:59Z")
    business = _document(vendor_api, "GET_VENDOR_SALES_REPORT", {"reportPeriod": "DAY", **VENDOR_VIEW,
                                                                 "sellingProgram": "BUSINESS"}, window)
    expected = sum(i.quantity for i in SyntheticSeller().order_items(US, date(2025, 1, 1))
                   if i.shipped and i.is_business_order)
    assert business["salesAggregate"][0]["shippedUnits"] == expected
    report, _ = _finished(vendor_api, "GET_VENDOR_SALES_REPORT", {"reportPeriod": "DAY", **VENDOR_VIEW,
                                                                  "sellingProgram": "FRESH"}, window)
    assert report["processingStatus"] == "CANCELLED"  # the seller sells no Fresh items: no data


def test_aggregates_are_the_sums_of_their_asins(vendor_api):
    doc = _document(vendor_api, "GET_VENDOR_INVENTORY_REPORT", {"reportPeriod": "WEEK", **VENDOR_VIEW}, WEEK)
    rows, (agg,) = doc["inventoryByAsin"], doc["inventoryAggregate"]
    assert agg["sellableOnHandInventoryUnits"] == sum(r["sellableOnHandInventoryUnits"] for r in rows)
    assert Decimal(str(agg["netReceivedInventoryCost"]["amount"])) == \
        sum(Decimal(str(r["netReceivedInventoryCost"]["amount"])) for r in rows)


# ---- ASIN page view metrics (EU-8 and UK) -------------------------------------------------------

PAGE_VIEWS = "MARKETPLACE_ASIN_PAGE_VIEW_METRICS"
TODAY = NOW.date()


def _day(day: date, days: int = 1) -> tuple[str, str]:
    """The window of ``days`` days from ``day``, as createReport takes it."""
    return f"{day}T00:00:00Z", f"{day + timedelta(days=days - 1)}T23:59:59Z"


def _asins_of(product_type: str, marketplace: str = DE) -> list[str]:
    families = SyntheticSeller().families(marketplace)
    return [p.asin for n, f in enumerate(families) if page_views.PRODUCT_TYPES[n % 8] == product_type for p in f]


def test_page_views_are_the_sales_and_traffic_page_views_of_each_asin_and_day(api):
    day = TODAY - timedelta(days=5)
    doc = _document(api, PAGE_VIEWS, {"productType": "BOTTLE"}, _day(day, 2), marketplaces=(DE,))
    _valid(doc, "marketplaceAsinPageViewMetrics.json")
    asins = _asins_of("BOTTLE")
    assert len(asins) == 3  # the three variations of the bottle family
    got = {(r["startTime"], r["endTime"], r["marketplaceId"], r["asin"]): r["pageViews"]
           for r in doc["marketplaceAsinPageViewMetrics"]}
    assert set(got) == {(f"{d}T00:00:00Z", f"{d + timedelta(days=1)}T00:00:00Z", DE, a)
                        for d in (day, day + timedelta(days=1)) for a in asins}
    for d in (day, day + timedelta(days=1)):  # the business report of that day shows the same page views
        traffic = _document(api, "GET_SALES_AND_TRAFFIC_REPORT", {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
                            _day(d), marketplaces=(DE,))
        shown = {r["childAsin"]: r["trafficByAsin"]["pageViews"] for r in traffic["salesAndTrafficByAsin"]}
        assert {a: got[(f"{d}T00:00:00Z", f"{d + timedelta(days=1)}T00:00:00Z", DE, a)] for a in asins} == \
            {a: shown[a] for a in asins}
    assert doc["reportSpecification"] == {"reportType": PAGE_VIEWS, "reportOptions": {"productType": "BOTTLE"},
                                          "dataStartTime": str(day), "dataEndTime": str(day + timedelta(days=1)),
                                          "marketplaceIds": [DE]}


def test_page_views_without_dates_are_the_latest_available_day(api):
    doc = _document(api, PAGE_VIEWS, {"productType": "LAMP"}, None, marketplaces=(DE,))
    yesterday = TODAY - timedelta(days=1)
    assert {(r["startTime"], r["asin"]) for r in doc["marketplaceAsinPageViewMetrics"]} == {
        (f"{yesterday}T00:00:00Z", a) for a in _asins_of("LAMP")}


@pytest.mark.parametrize("window", [_day(TODAY - timedelta(days=8), 2),  # "start date ... more than seven days ago"
                                    (_day(TODAY - timedelta(days=7))[0], _z(NOW))])  # end "not within the seven days"
def test_page_views_outside_the_last_seven_days_are_cancelled(api, window):
    report, doc = _finished(api, PAGE_VIEWS, {"productType": "BOTTLE"}, window, marketplaces=(DE,))
    assert (report["processingStatus"], doc) == ("CANCELLED", None)


def test_page_views_cover_the_eu_and_uk_marketplaces_only(api):
    details = _fatal_details(api, PAGE_VIEWS, {"productType": "BOTTLE"}, _day(TODAY - timedelta(days=3)),
                             marketplaces=(DE, US))
    assert details == (f"{CLIENT_ERROR} (MARKETPLACE_ASIN_PAGE_VIEW_METRICS is available in the DE, FR, IT, ES, NL, "
                       f"PL, SE, BE, UK marketplaces only, not in {US} (US)).")


def test_page_views_need_a_product_type(api):
    r = api.create_report(PAGE_VIEWS, (DE,), *_day(TODAY - timedelta(days=3)))
    assert _error(r) == (400, {"code": "InvalidInput",
                               "message": f"reportOptions.productType is required for {PAGE_VIEWS}"})


def _page_view_rows(seller: SyntheticSeller, product_type: str, first: date) -> list[dict]:
    start, end = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in _day(first))
    doc, rows = json_reports.document(seller, PAGE_VIEWS, [DE], start, end, {"productType": product_type},
                                      now=NOW, vendor=False)
    return doc["marketplaceAsinPageViewMetrics"][:rows]


def test_page_views_need_40_units_of_the_product_type_sold_in_30_days():
    day = TODAY - timedelta(days=2)
    for orders_per_day, product_type in ((40, "BOTTLE"), (1, "BOTTLE"), (40, "SHOES")):
        seller = SyntheticSeller(orders_per_day=orders_per_day)
        sold = sum(i.quantity for n in range(1, 31) for i in seller.order_items(DE, TODAY - timedelta(days=n))
                   if i.shipped and i.asin in _asins_of(product_type))
        rows = _page_view_rows(seller, product_type, day)
        assert len(rows) == (len(_asins_of(product_type)) if sold >= 40 else 0), (orders_per_day, product_type, sold)
    assert _page_view_rows(SyntheticSeller(orders_per_day=40), "BOTTLE", day)  # the first case has rows
    assert not _page_view_rows(SyntheticSeller(orders_per_day=1), "BOTTLE", day)


def test_vendor_campaigns_of_individual_coupon_budgets_have_no_total_budget(vendor_api):
    doc = _document(vendor_api, "GET_COUPON_PERFORMANCE_REPORT",
                    {"campaignStartDateFrom": LAST_60_DAYS[0], "campaignStartDateTo": LAST_60_DAYS[1]}, None)
    assert doc["campaigns"]
    for campaign in doc["campaigns"]:  # "Only present when budgetType is SHARED_BUDGET"
        assert campaign["budgetType"] == "PER_INDIVIDUAL_COUPON"
        assert "totalBudget" not in campaign and "totalBudgetRemaining" not in campaign
        assert campaign["totalBudgetSpent"] == float(sum(Decimal(str(c["budgetSpent"])) for c in campaign["coupons"]))
