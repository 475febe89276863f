"""Coupon and promotion performance JSON reports from the synthetic seller's deals
(``SyntheticSeller.coupons`` / ``promotions``).

A deal's units, redemptions and revenue are the shipped order items of its ASINs
purchased while it ran, up to the day before the report: "If a selected promotion
is in progress when you request a report, the report will contain cumulative data
for the promotion up until the day prior to your report request" (reportType values,
Promotions Performance Report).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from pipelines.sandbox.report_facts import ZERO, Request, amount, days, midnight, utc_z
from pipelines.sandbox.schema_fill import OMIT
from pipelines.sandbox.seller import MARKETPLACES, Coupon, OrderItem, Promotion
from pipelines.sandbox.validation import parse_time

# "Currently, three promotion types are supported for vendors (Best Deal, Lightning Deal, and
# Price Discount), and two promotion types are supported for sellers (Best Deal and Lightning
# Deal)." (reportType values, Promotions Performance Report)
SELLER_PROMOTIONS = ("BEST_DEAL", "LIGHTNING_DEAL")


def _sold(req: Request, mp: str, asins: tuple[str, ...], start: datetime, end: datetime) -> list[OrderItem]:
    cut = min(end, midnight(req.today))
    if cut <= start:
        return []
    return [i for i in req.seller.order_items_between(mp, start, cut) if i.shipped and i.asin in asins]


def _range(req: Request, prefix: str) -> tuple[datetime, datetime]:
    return (parse_time(req.options[f"{prefix}StartDateFrom"], f"{prefix}StartDateFrom"),
            parse_time(req.options[f"{prefix}StartDateTo"], f"{prefix}StartDateTo"))


def _coupon(req: Request, c: Coupon, vendor: bool) -> dict:
    currency = MARKETPLACES[c.marketplace_id].currency
    items = _sold(req, c.marketplace_id, c.asins, c.start, c.end)
    sales = sum((i.item_price or ZERO for i in items), ZERO)
    discount = sales * c.discount_percent / 100
    spent = min(discount, c.budget)
    clips = 3 * len(items) + random.Random(f"{req.seller.seed}:clips:{c.coupon_id}").randrange(20)
    out = {"couponId": c.coupon_id, "name": c.name, "websiteMessage": f"Save {c.discount_percent}% with a coupon",
           "startDateTime": utc_z(c.start), "endDateTime": utc_z(c.end),
           "customerSegment": c.customer_segment, "clips": clips, "redemptions": len(items),
           "budget": amount(c.budget, currency)["amount"], "totalDiscount": amount(discount, currency)["amount"],
           "budgetSpent": amount(spent, currency)["amount"],
           "budgetRemaining": amount(c.budget - spent, currency)["amount"],
           "budgetPercentageUsed": round(float(100 * spent / c.budget), 2)}
    off = {"discountType": "PERCENT_OFF_LIST_PRICE", "discountAmount": float(c.discount_percent)}
    if vendor:
        return {**out, "isOncePerCustomer": True, "asins": [{"asin": a, **off} for a in c.asins]}
    return {**out, **off, "merchantId": req.seller.seller_id, "marketplaceId": c.marketplace_id,
            "currencyCode": currency, "sales": amount(sales, currency)["amount"],
            "asins": [{"asin": a} for a in c.asins]}


def coupons(req: Request) -> dict:
    """GET_COUPON_PERFORMANCE_REPORT: a seller's coupons, or a vendor's coupon campaigns, that started in the
    ``couponStartDateFrom``..``couponStartDateTo`` (vendor: ``campaignStartDate*``) range."""
    start_from, start_to = _range(req, "campaign" if req.vendor else "coupon")
    found = [c for mp in req.marketplace_ids for c in req.seller.coupons(mp, start_from, start_to)]
    if not req.vendor:
        return {"coupons": [_coupon(req, c, vendor=False) for c in found]}
    campaigns: dict[str, list[Coupon]] = {}
    for c in found:
        campaigns.setdefault(c.campaign_id, []).append(c)
    out = []
    for group in campaigns.values():
        first, currency = group[0], MARKETPLACES[group[0].marketplace_id].currency
        details = [_coupon(req, c, vendor=True) for c in group]
        spent = sum(Decimal(str(d["budgetSpent"])) for d in details)
        out.append({"campaignId": first.campaign_id, "campaignName": first.campaign_name,
                    "marketplaceId": first.marketplace_id, "creationDateTime": utc_z(first.created),
                    "lastUpdatedDateTime": utc_z(max(c.created for c in group)), "isSubscribeAndSave": False,
                    "budgetType": "PER_INDIVIDUAL_COUPON", "currencyCode": currency,
                    "totalClips": sum(d["clips"] for d in details),
                    "totalRedemptions": sum(d["redemptions"] for d in details),
                    # "Only present when budgetType is SHARED_BUDGET" (vendor coupon schema)
                    "totalBudget": OMIT, "totalBudgetRemaining": OMIT,
                    "totalBudgetSpent": amount(spent, currency)["amount"], "coupons": details})
    return {"campaigns": out}


def _promotion(req: Request, p: Promotion) -> dict:
    currency = MARKETPLACES[p.marketplace_id].currency
    items = _sold(req, p.marketplace_id, p.asins, p.start, p.end)
    shown = list(days(p.start.date(), (min(p.end, midnight(req.today)) - timedelta(seconds=1)).date()))
    products = {x.asin: x for x in req.seller.products(p.marketplace_id)}
    included = []
    for asin in p.asins:
        mine = [i for i in items if i.asin == asin]
        revenue = sum((i.item_price or ZERO for i in mine), ZERO)
        included.append({
            "asin": asin, "productName": products[asin].name,
            "productGlanceViews": sum(req.seller.traffic(p.marketplace_id, d, asin).page_views for d in shown),
            "productUnitsSold": sum(i.quantity for i in mine),
            "productAmountSpent": amount(revenue * p.discount_percent / 100, currency)["amount"],
            "productAmountSpentCurrencyCode": currency,
            "productRevenue": amount(revenue, currency)["amount"], "productRevenueCurrencyCode": currency})
    revenue = sum((Decimal(str(x["productRevenue"])) for x in included), ZERO)
    account = {"merchantId": OMIT} if req.vendor else \
        {"merchantId": req.seller.seller_id, "vendorCode": OMIT, "fundingAgreementId": OMIT}
    return {
        "promotionId": p.promotion_id, "promotionName": p.name, **account,
        "unitsSold": sum(x["productUnitsSold"] for x in included),
        "amountSpent": amount(revenue * p.discount_percent / 100, currency)["amount"],
        "amountSpentCurrencyCode": currency, "revenue": amount(revenue, currency)["amount"],
        "revenueCurrencyCode": currency, "startDateTime": utc_z(p.start), "endDateTime": utc_z(p.end), "type": p.kind,
        "status": "APPROVED", "creationChannel": "SELF-SERVICE", "marketplaceId": p.marketplace_id,
        "glanceViews": sum(x["productGlanceViews"] for x in included), "createdDateTime": utc_z(p.created),
        "lastUpdatedDateTime": utc_z(p.created), "includedProducts": included,
    }


def promotions(req: Request) -> dict:
    """GET_PROMOTION_PERFORMANCE_REPORT: promotions that started in the promotionStartDateFrom..To range."""
    start_from, start_to = _range(req, "promotion")
    found = [p for mp in req.marketplace_ids for p in req.seller.promotions(mp, start_from, start_to)
             if req.vendor or p.kind in SELLER_PROMOTIONS]
    return {"promotions": [_promotion(req, p) for p in found]}
