"""Seller account JSON reports from the synthetic seller: account health
(GET_V2_SELLER_PERFORMANCE_REPORT) and the two B2B product opportunity reports.

Account health counts the seller's own orders of the last REPORTING_DAYS days (up
to yesterday): an order is late when its last update (its shipment) comes more than
HANDLING_HOURS after purchase; cancellation, tracking and delivery rates of the
merchant-fulfilled orders, order defect rates of both channels.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from pipelines.sandbox.report_facts import Request, amount, days
from pipelines.sandbox.schema_fill import OMIT
from pipelines.sandbox.seller import MARKETPLACES, OrderItem

REPORTING_DAYS = 30  # the span of the schema's example reportingDateRange (2020-10-20..2020-11-18)
RATING_DAYS = 181  # the span of the schema's example accountHealthRating range (dateOffset duration 181)
HANDLING_HOURS = 48
# Seller Central's targets: (target, condition) of each rate.
TARGETS = {"invoiceDefectRate": (0.05, "LESS_THAN"), "lateShipmentRate": (0.04, "LESS_THAN"),
           "orderDefectRate": (0.01, "LESS_THAN"), "onTimeDeliveryRate": (0.9, "GREATER_THAN"),
           "unitOnTimeDeliveryRate": (0.9, "GREATER_THAN"), "validTrackingRate": (0.95, "GREATER_THAN"),
           "preFulfillmentCancellationRate": (0.025, "LESS_THAN")}
LISTING_METRICS = ("listingPolicyViolations", "productAuthenticityCustomerComplaints",
                   "productConditionCustomerComplaints", "productSafetyCustomerComplaints",
                   "receivedIntellectualPropertyComplaints", "restrictedProductPolicyViolations",
                   "suspectedIntellectualPropertyViolations", "foodAndProductSafetyIssues", "otherPolicyViolations",
                   "documentRequests")


def _rate(metric: str, part: int, whole: int, date_range: dict) -> dict:
    target, condition = TARGETS[metric]
    rate = round(part / whole, 4) if whole else 0.0
    good = rate < target if condition == "LESS_THAN" else (rate > target or not whole)
    return {"reportingDateRange": date_range, "status": "GOOD" if good else "BAD", "rate": rate,
            "targetValue": target, "targetCondition": condition}


def _date_range(first, last) -> dict:
    return {"reportingDateFrom": f"{first.isoformat()}T00:00Z", "reportingDateTo": f"{last.isoformat()}T23:59Z"}


def _late(order: list[OrderItem]) -> bool:
    return order[0].last_updated_date - order[0].purchase_date > timedelta(hours=HANDLING_HOURS)


def _metrics(req: Request, mp: str) -> dict:
    last = req.today - timedelta(days=1)
    first = last - timedelta(days=REPORTING_DAYS - 1)
    span = _date_range(first, last)
    orders: dict[str, list[OrderItem]] = defaultdict(list)
    for day in days(first, last):
        for item in req.seller.order_items(mp, day):
            orders[item.amazon_order_id].append(item)
    mfn = [o for o in orders.values() if o[0].fulfillment_channel == "Merchant"]
    afn = [o for o in orders.values() if o[0].fulfillment_channel == "Amazon"]
    shipped = [o for o in mfn if o[0].shipped]
    on_time = [o for o in shipped if not _late(o)]
    units = sum(i.quantity for o in shipped for i in o)
    on_time_units = sum(i.quantity for o in on_time for i in o)
    cancelled = sum(1 for o in mfn if o[0].order_status == "Cancelled")
    business = sum(1 for o in orders.values() if o[0].is_business_order)
    none = {"count": 0, "status": "GOOD"}

    def defects(channel: str, count: int) -> dict:
        return {**_rate("orderDefectRate", 0, count, span), "orderCount": count, "orderWithDefects": none,
                "claims": none, "chargebacks": none, "negativeFeedback": none, "fulfillmentType": channel}

    return {
        "marketplaceId": mp,
        "invoiceDefectRate": {**_rate("invoiceDefectRate", 0, business, span), "orderCount": business,
                              "invoiceDefect": none, "missingInvoice": none, "lateInvoice": none},
        "lateShipmentRate": {**_rate("lateShipmentRate", len(shipped) - len(on_time), len(shipped), span),
                             "orderCount": len(shipped), "lateShipmentCount": len(shipped) - len(on_time)},
        # ``fulfillmentType`` is required and undefined; the schema's example writes "mfn".
        "orderDefectRate": {"mfn": defects("mfn", len(mfn)), "afn": defects("afn", len(afn))},
        "onTimeDeliveryRate": {**_rate("onTimeDeliveryRate", len(on_time), len(shipped), span),
                               "shipmentCountWithValidTracking": len(shipped), "onTimeDeliveryCount": len(on_time)},
        "unitOnTimeDeliveryRate": {**_rate("unitOnTimeDeliveryRate", on_time_units, units, span),
                                   "unitOnTimeDeliveryCount": on_time_units, "totalUnitCount": units},
        "validTrackingRate": {**_rate("validTrackingRate", len(shipped), len(shipped), span),
                              "shipmentCount": len(shipped), "validTrackingCount": len(shipped)},
        "preFulfillmentCancellationRate": {**_rate("preFulfillmentCancellationRate", cancelled, len(mfn), span),
                                           "orderCount": len(mfn), "cancellationCount": cancelled},
        "warningStates": [],
        # The schema requires ``ahrStatus`` (its example's name) and defines ``accountHealthRatingStatus``.
        "accountHealthRating": {"ahrStatus": "GREAT", "accountHealthRatingStatus": "GREAT",
                                "reportingDateRange": _date_range(last - timedelta(days=RATING_DAYS - 1), last)},
        **{name: {"reportingDateRange": span, "defectsCount": 0, "status": "GOOD", "targetValue": 0,
                  "targetCondition": "EQUALS"} for name in LISTING_METRICS},
    }


def account_health(req: Request) -> dict:
    """GET_V2_SELLER_PERFORMANCE_REPORT: account status and performance metrics of each requested marketplace."""
    return {"accountStatuses": [{"marketplaceId": mp, "status": "NORMAL"} for mp in req.marketplace_ids],
            "performanceMetrics": [_metrics(req, mp) for mp in req.marketplace_ids]}


# Each item family (by its position in the catalogue, as the product names cycle) belongs to a category.
CATEGORIES = (("Home & Kitchen", "Cutting Boards"), ("Sports & Outdoors", "Water Bottles"),
              ("Clothing, Shoes & Jewelry", "Tote Bags"), ("Office Products", "Desk Lamps"),
              ("Home & Kitchen", "Mugs"), ("Sports & Outdoors", "Yoga Mats"), ("Electronics", "Chargers"),
              ("Home & Kitchen", "Kitchen Knives"))
# What a depersonalized report recommends: default items, not based on the seller's catalogue.
DEFAULT_CATEGORIES = (("Office Products", "Paper"), ("Industrial & Scientific", "Safety Gloves"),
                      ("Health & Household", "Hand Sanitizer"))
_BRANDS = ("Northwind", "Contoso", "Fabrikam", "Tailspin")
_INDUSTRIES = ("Education", "Healthcare", "Hospitality", "Manufacturing", "Government")


def _opportunities(req: Request, per_category: int) -> list[tuple[int, str, str, str]]:
    """(number, item words, category, subcategory) of the opportunities the options select."""
    if req.options.get("depersonalized", "false") == "true":
        pool = [(sub, cat, sub) for cat, sub in DEFAULT_CATEGORIES]
    else:
        families = req.seller.families(req.marketplace_id)
        pool = [(f[0].name.rsplit(" ", 1)[0], *CATEGORIES[n % len(CATEGORIES)]) for n, f in enumerate(families)]
    picked = req.options.get("subCategories") or req.options.get("categories")
    if picked:
        names, column = set(picked.split(";")), 2 if req.options.get("subCategories") else 1
        include = req.options.get("filterMode", "include") == "include"
        pool = [entry for entry in pool if (entry[column] in names) == include]
    return [(n * per_category + k, words, cat, sub) for n, (words, cat, sub) in enumerate(pool)
            for k in range(per_category)]


def recommended_for_you(req: Request) -> dict:
    """GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU: items on Amazon the seller does not offer yet."""
    mp = MARKETPLACES[req.marketplace_id]
    domain = mp.sales_channel.lower()
    prices = sorted(p.price for p in req.products())
    rows = []
    for n, words, category, sub in _opportunities(req, per_category=3):
        rng = random.Random(f"{req.seller.seed}:b2b:{req.marketplace_id}:{n}")
        asin = f"B0R{req.seller.seed % 100:02d}{n:05d}"
        rows.append({"asin": asin, "itemName": f"{words} ({('Set', 'Pro', 'Bulk Pack')[n % 3]})",
                     "link": f"https://www.{domain}/dp/{asin}", "brand": rng.choice(_BRANDS),
                     "category": category, "subCategory": sub,
                     "lowestPriceInTheLastWeek": amount(prices[rng.randrange(len(prices))] * (1 + n % 3),
                                                        mp.currency),
                     "isBrandYouOffer": False, "isCategoryYouOffer": (category, sub) in CATEGORIES,
                     "isProductOnAmazon": True})
    return {"recommendations": rows}


def not_yet_on_amazon(req: Request) -> dict:
    """GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON: items business buyers asked for that Amazon does not list."""
    rows = []
    for n, words, category, _ in _opportunities(req, per_category=2):
        rng = random.Random(f"{req.seller.seed}:b2b-new:{req.marketplace_id}:{n}")
        rows.append({"itemName": f"{words} ({('Commercial', 'Industrial')[n % 2]})", "brand": rng.choice(_BRANDS),
                     "category": category, "initialB2bBuyerIndustry": rng.choice(_INDUSTRIES),
                     "isbn": OMIT,  # not a book
                     # a day, written as the schema's example writes it ("2020-11-14 00:00:00")
                     "initialB2bBuyerRequestedDate":
                         f"{req.today - timedelta(days=rng.randrange(7, 90))} 00:00:00"})
    return {"recommendations": rows}
