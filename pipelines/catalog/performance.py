"""Account health and B2B opportunities (JSON, official schemas): current-state snapshots."""
from pipelines.catalog.json_schema import json_entry
from pipelines.catalog.model import ReportEntry

_SNAPSHOT = dict(windowed=False, snapshot=True, lookback_days=0)
# "This report is only available in these marketplaces: US, Spain, UK, France, Germany, Italy, India, Japan."
_B2B_COUNTRIES = ("US", "ES", "UK", "FR", "DE", "IT", "IN", "JP")

ENTRIES: tuple[ReportEntry, ...] = (
    json_entry(
        "accountHealthReport-2020-11-18.json", "performanceMetrics", also=("accountStatuses",),
        report_type="GET_V2_SELLER_PERFORMANCE_REPORT",
        name="seller_performance",
        description="Account health per marketplace: order defect, late shipment, cancellation, valid "
                    "tracking and on-time delivery rates, policy violations and the account health rating. "
                    "Warnings land in __warning_states, the account status in __account_statuses.",
        key=("marketplace_id",),
        group="performance",
        **_SNAPSHOT,
    ),
    json_entry(
        "b2bProductOpportunitiesRecommendedForYouReport-2020-11-19.json", "recommendations",
        report_type="GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU",
        name="b2b_product_opportunities_recommended_for_you",
        description="B2B products already on Amazon recommended to this seller (refreshed weekly by Amazon).",
        key=("asin",),
        countries=_B2B_COUNTRIES,
        group="b2b",
        **_SNAPSHOT,
    ),
    json_entry(
        "b2bProductOpportunitiesNotYetOnAmazonReport-2020-11-19.json", "recommendations",
        # "The date the product may not be on Amazon ...": a string without format, written
        # "2020-11-14 00:00:00" in the schema's example.
        kinds={"recommendations.initialB2bBuyerRequestedDate": "date"},
        report_type="GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON",
        name="b2b_product_opportunities_not_yet_on_amazon",
        description="Products B2B buyers ask for that are not yet on Amazon (refreshed weekly by Amazon).",
        countries=_B2B_COUNTRIES,
        group="b2b",
        **_SNAPSHOT,
    ),
    json_entry(
        "marketplaceAsinPageViewMetrics.json", "marketplaceAsinPageViewMetrics",
        report_type="MARKETPLACE_ASIN_PAGE_VIEW_METRICS",
        name="marketplace_asin_page_view_metrics",
        description="Page views per ASIN and day in the EU-8 and UK marketplaces, for the product type named "
                    "in the run config (report_options.productType). Amazon keeps the last seven days.",
        cursor="start_time",
        key=("start_time", "asin"),
        max_window_days=7,
        lookback_days=3,
        required_options=("productType",),
        countries=("DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "UK"),
        group="performance",
    ),
)
