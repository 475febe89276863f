"""GET_SALES_AND_TRAFFIC_REPORT: the JSON document of
``pipelines/spec/sellerSalesAndTrafficReport.json``, computed from the seller's orders,
returns and traffic so it agrees with the orders report (units ordered per day
equal the orders report's quantities for that day).

``dateGranularity`` DAY gives one ``salesAndTrafficByDate`` entry per window
day; ``asinGranularity`` PARENT / CHILD / SKU aggregates the window's days per
parent ASIN, child ASIN, or SKU.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from pipelines.sandbox.seller import SyntheticSeller, window_days

REPORT_TYPE = "GET_SALES_AND_TRAFFIC_REPORT"
DATE_GRANULARITIES = ("DAY",)
ASIN_GRANULARITIES = ("PARENT", "CHILD", "SKU")


def _amount(value: Decimal | float, currency: str) -> dict:
    return {"amount": round(float(value), 2), "currencyCode": currency}


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _day_sales(seller: SyntheticSeller, mp_id: str, day: date, currency: str) -> dict:
    items = [i for i in seller.order_items(mp_id, day) if i.shipped]
    sales = sum((i.item_price for i in items), Decimal(0))
    units = sum(i.quantity for i in items)
    lines = len(items)
    start = datetime.combine(day, datetime.min.time(), timezone.utc)
    refunded = sum(r.quantity for r in seller.returns_between(mp_id, start, start + timedelta(days=1)))
    zero = _amount(0, currency)
    return {
        "orderedProductSales": _amount(sales, currency),
        "unitsOrdered": units,
        "totalOrderItems": lines,
        "averageSalesPerOrderItem": _amount(sales / lines if lines else 0, currency),
        "averageUnitsPerOrderItem": round(units / lines, 2) if lines else 0.0,
        "averageSellingPrice": _amount(sales / units if units else 0, currency),
        "unitsRefunded": refunded,
        "refundRate": _pct(refunded, units),
        "claimsGranted": 0,
        "claimsAmount": zero,
        "shippedProductSales": _amount(sales, currency),
        "unitsShipped": units,
        "ordersShipped": len({i.amazon_order_id for i in items}),
    }


def _day_traffic(seller: SyntheticSeller, mp_id: str, day: date, lines: int, units: int) -> dict:
    products = seller.products(mp_id)
    traffic = [seller.traffic(mp_id, day, p.asin) for p in products]
    sessions = sum(t.sessions for t in traffic)
    page_views = sum(t.page_views for t in traffic)
    buy_box = sum(t.buy_box_percentage * t.page_views for t in traffic) / page_views if page_views else 0.0
    return {
        "browserPageViews": sum(t.browser_page_views for t in traffic),
        "mobileAppPageViews": sum(t.mobile_page_views for t in traffic),
        "pageViews": page_views,
        "browserSessions": sum(t.browser_sessions for t in traffic),
        "mobileAppSessions": sum(t.mobile_sessions for t in traffic),
        "sessions": sessions,
        "buyBoxPercentage": round(buy_box, 2),
        "orderItemSessionPercentage": _pct(lines, sessions),
        "unitSessionPercentage": _pct(units, sessions),
        "averageOfferCount": len(products),
        "averageParentItems": len({p.parent_asin for p in products}),
        "feedbackReceived": units // 20,
        "negativeFeedbackReceived": 0,
        "receivedNegativeFeedbackRate": 0.0,
    }


def _by_asin(seller: SyntheticSeller, mp_id: str, days: list[date], granularity: str, currency: str) -> list[dict]:
    keyed = {"PARENT": lambda p: (p.parent_asin,), "CHILD": lambda p: (p.parent_asin, p.asin),
             "SKU": lambda p: (p.parent_asin, p.asin, p.sku)}[granularity]
    products = seller.products(mp_id)
    groups: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))
    for day in days:
        per_asin: dict[str, list] = defaultdict(list)
        for i in seller.order_items(mp_id, day):
            if i.shipped:
                per_asin[i.asin].append(i)
        for p in products:
            g = groups[keyed(p)]
            items = per_asin.get(p.asin, [])
            t = seller.traffic(mp_id, day, p.asin)
            g["units"] += sum(i.quantity for i in items)
            g["sales"] += float(sum((i.item_price for i in items), Decimal(0)))
            g["lines"] += len(items)
            g["browser_sessions"] += t.browser_sessions
            g["mobile_sessions"] += t.mobile_sessions
            g["browser_views"] += t.browser_page_views
            g["mobile_views"] += t.mobile_page_views
            g["buy_box_weighted"] += t.buy_box_percentage * t.page_views
    totals = defaultdict(float)
    for g in groups.values():
        for k in ("browser_sessions", "mobile_sessions", "browser_views", "mobile_views"):
            totals[k] += g[k]
    out = []
    for key, g in groups.items():
        sessions = g["browser_sessions"] + g["mobile_sessions"]
        views = g["browser_views"] + g["mobile_views"]
        row: dict = {"parentAsin": key[0]}
        if len(key) > 1:
            row["childAsin"] = key[1]
        if len(key) > 2:
            row["sku"] = key[2]
        row["salesByAsin"] = {"unitsOrdered": int(g["units"]), "orderedProductSales": _amount(g["sales"], currency),
                              "totalOrderItems": int(g["lines"])}
        row["trafficByAsin"] = {
            "browserSessions": int(g["browser_sessions"]), "mobileAppSessions": int(g["mobile_sessions"]),
            "sessions": int(sessions),
            "browserSessionPercentage": _pct(g["browser_sessions"], totals["browser_sessions"]),
            "mobileAppSessionPercentage": _pct(g["mobile_sessions"], totals["mobile_sessions"]),
            "sessionPercentage": _pct(sessions, totals["browser_sessions"] + totals["mobile_sessions"]),
            "browserPageViews": int(g["browser_views"]), "mobileAppPageViews": int(g["mobile_views"]),
            "pageViews": int(views),
            "browserPageViewsPercentage": _pct(g["browser_views"], totals["browser_views"]),
            "mobileAppPageViewsPercentage": _pct(g["mobile_views"], totals["mobile_views"]),
            "pageViewsPercentage": _pct(views, totals["browser_views"] + totals["mobile_views"]),
            "buyBoxPercentage": round(g["buy_box_weighted"] / views, 2) if views else 0.0,
            "unitSessionPercentage": _pct(g["units"], sessions),
        }
        out.append(row)
    return out


def sales_and_traffic(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime,
                      options: dict[str, str]) -> dict | None:
    """The report document for one marketplace, or None when the window holds no day (no data)."""
    days = window_days(start, end)
    if not days:
        return None
    currency = seller.marketplace(mp_id).currency
    date_gran = options.get("dateGranularity", "DAY")
    asin_gran = options.get("asinGranularity", "PARENT")
    by_date = []
    for day in days:
        sales = _day_sales(seller, mp_id, day, currency)
        by_date.append({"date": day.isoformat(), "salesByDate": sales,
                        "trafficByDate": _day_traffic(seller, mp_id, day, sales["totalOrderItems"],
                                                      sales["unitsOrdered"])})
    return {
        "reportSpecification": {
            "reportType": REPORT_TYPE,
            "reportOptions": {"dateGranularity": date_gran, "asinGranularity": asin_gran},
            "dataStartTime": days[0].isoformat(),
            "dataEndTime": days[-1].isoformat(),
            "marketplaceIds": [mp_id],
        },
        "salesAndTrafficByDate": by_date,
        "salesAndTrafficByAsin": _by_asin(seller, mp_id, days, asin_gran, currency),
    }
