"""Coupon and promotion performance reports (JSON, official schemas).

These reports take their window as report options (coupons or promotions whose
start date-time falls in it), not as dataStartTime/dataEndTime. A running
coupon or promotion keeps changing ("cumulative data ... up until the day prior
to your report request"), so a sync re-pulls the last 30 days of starts.
"""
from pipelines.catalog.json_schema import json_entry
from pipelines.catalog.model import ReportEntry

_COMMON = dict(group="promotions", lookback_days=30, max_window_days=30)
# Coupon amounts are numbers the schemas describe as "Currency value." (in the record's
# currencyCode, or the marketplace's): money, landed as decimal.
_COUPON_AMOUNTS = ("budget", "totalDiscount", "budgetSpent", "budgetRemaining")

ENTRIES: tuple[ReportEntry, ...] = (
    json_entry(
        "sellerCouponReport.json", "coupons",
        report_type="GET_COUPON_PERFORMANCE_REPORT",
        name="coupon_performance",
        description="Seller coupons started in the window: budget, clips, redemptions, discount and sales; "
                    "their ASINs land in __asins.",
        window_options=("couponStartDateFrom", "couponStartDateTo"),
        kinds={f"coupons.{name}": "decimal" for name in (*_COUPON_AMOUNTS, "sales")},
        cursor="start_date_time",
        key=("coupon_id",),
        **_COMMON,
    ),
    json_entry(
        "vendorCouponReport.json", "campaigns",
        report_type="GET_COUPON_PERFORMANCE_REPORT",
        name="vendor_coupon_performance",
        description="Vendor coupon campaigns with a coupon started in the window (__coupons, their ASINs in "
                    "__coupons__asins). Campaigns carry no start: rows belong to their request's window.",
        window_options=("campaignStartDateFrom", "campaignStartDateTo"),
        kinds={**{f"campaigns.{name}": "decimal" for name in ("totalBudget", "totalBudgetSpent",
                                                               "totalBudgetRemaining")},
               **{f"campaigns.coupons.{name}": "decimal" for name in _COUPON_AMOUNTS}},
        cursor="_window_start",
        key=("campaign_id", "_window_start"),
        account="vendor",
        **_COMMON,
    ),
    json_entry(
        "promotionReport.json", "promotions",
        report_type="GET_PROMOTION_PERFORMANCE_REPORT",
        name="promotion_performance",
        description="Promotions (Best Deal, Lightning Deal, Price Discount) started in the window: units sold, "
                    "revenue, spend and glance views; per-product figures land in __included_products.",
        window_options=("promotionStartDateFrom", "promotionStartDateTo"),
        cursor="start_date_time",
        key=("promotion_id",),
        account="any",
        **_COMMON,
    ),
)
