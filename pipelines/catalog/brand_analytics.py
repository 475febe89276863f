"""Brand Analytics reports (JSON, official schemas), aggregated by Amazon per week.

Weeks run Sunday to Saturday: each request starts on a Sunday and ends on a
Saturday, as Amazon requires for ``reportPeriod=WEEK``. Search terms, search
query and search catalog performance "cannot span multiple periods" (one week
per request); market basket and repeat purchase "can span multiple reporting
periods". Brand Analytics reports can be requested by sellers and vendors, one
marketplace per report. A scheduled sync requests a week on the four days after
it ends (lookback 3 days), in case Amazon publishes it late.
"""
from pipelines.catalog.json_schema import json_entry

WEEK = {"reportPeriod": "WEEK"}
_COMMON = dict(account="any", group="brand_analytics", lookback_days=3, report_options=WEEK)

ENTRIES = (
    json_entry(
        "sellingPartnerSearchTermsReport.json", "dataByDepartmentAndSearchTerm",
        report_type="GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
        name="brand_analytics_search_terms",
        description="Top three clicked ASINs per search term and department, per week (Sunday to Saturday). "
                    "The records carry no date: each row belongs to its request's week (_window_start).",
        cursor="_window_start",
        key=("department_name", "search_term", "click_share_rank", "_window_start"),
        **_COMMON,
    ),
    json_entry(
        "sellingPartnerMarketBasketAnalysisReport.json", "dataByAsin",
        report_type="GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT",
        name="brand_analytics_market_basket",
        description="Items most often bought together with each of the brand's ASINs, per week.",
        cursor="start_date",
        key=("start_date", "asin", "purchased_with_rank"),
        periods_per_request=4,
        **_COMMON,
    ),
    json_entry(
        "sellingPartnerRepeatPurchaseReport.json", "dataByAsin",
        report_type="GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT",
        name="brand_analytics_repeat_purchase",
        description="Orders, unique and repeat customers and repeat purchase revenue per ASIN, per week.",
        cursor="start_date",
        key=("start_date", "asin"),
        periods_per_request=4,
        **_COMMON,
    ),
    json_entry(
        "sellingPartnerSearchQueryPerformanceReport.json", "dataByAsin",
        report_type="GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
        name="brand_analytics_search_query_performance",
        description="Impressions, clicks, cart adds and purchases per search query for the ASINs named in "
                    "the run config (report_options.asin: space-separated, at most 200 characters), per week.",
        cursor="start_date",
        key=("start_date", "asin", "search_query_data_search_query"),
        required_options=("asin",),
        **_COMMON,
    ),
    json_entry(
        "sellingPartnerSearchCatalogPerformanceReport.json", "dataByAsin",
        report_type="GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT",
        name="brand_analytics_search_catalog_performance",
        description="Search impressions, clicks, cart adds and purchases per ASIN of the brand, per week.",
        cursor="start_date",
        key=("start_date", "asin"),
        **_COMMON,
    ),
)
