"""Vendor retail analytics JSON reports from the synthetic seller (seen as a vendor):
sales, traffic, inventory, net pure product margin, forecasting and the real-time
sales, traffic and inventory reports.

Units and revenue are the seller's order items (shipped units by purchase day, as in
the Sales and Traffic report), glance views its page views, on-hand inventory its
fulfillable FBA stock. ``*Aggregate`` rows are not built here: ``json_reports`` sums
the by-ASIN rows of each period into them.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from pipelines.sandbox.report_facts import (
    Request,
    amount,
    midnight,
    period_of,
    sales_by_asin,
    utc_z,
    visits_by_asin,
)

COST_SHARE = Decimal("0.62")  # what Amazon paid the vendor, as a share of the list price (as in Data Kiosk)
FORECAST_WEEKS = 26  # "+26 weeks of Amazon's consumer demand forecast" (reportType values, Demand Forecast)
_PROGRAMS = {"RETAIL": lambda item: True, "BUSINESS": lambda item: item.is_business_order,
             "FRESH": lambda item: False}  # the seller sells no Amazon Fresh items


def _dates(first, last) -> dict:
    return {"startDate": first.isoformat(), "endDate": last.isoformat()}


def _aggregates(req: Request) -> list[dict]:
    return [_dates(first, last) for first, last in req.periods]


def sales(req: Request) -> dict:
    """GET_VENDOR_SALES_REPORT: ordered and shipped units and revenue, returns, per ASIN and period."""
    keep = _PROGRAMS[req.options["sellingProgram"]]
    mp, currency = req.marketplace_id, req.currency
    rows = []
    for first, last in req.periods:
        sold = sales_by_asin(req.seller, mp, first, last, keep)
        returned: dict[str, int] = defaultdict(int)
        for r in req.seller.returns_between(mp, midnight(first), midnight(last + timedelta(days=1))):
            if keep(r.shipment.item):
                returned[r.shipment.item.asin] += r.quantity
        for asin, s in sold.items():
            if s.ordered_units or returned[asin]:
                rows.append({**_dates(first, last), "asin": asin, "customerReturns": returned[asin],
                             "orderedRevenue": amount(s.ordered_sales, currency), "orderedUnits": s.ordered_units,
                             "shippedCogs": amount(s.sales * COST_SHARE, currency),
                             "shippedRevenue": amount(s.sales, currency), "shippedUnits": s.units})
    return {"salesAggregate": _aggregates(req), "salesByAsin": rows}


def traffic(req: Request) -> dict:
    """GET_VENDOR_TRAFFIC_REPORT: glance views (page views) per ASIN and period."""
    rows = []
    for first, last in req.periods:
        for asin, v in visits_by_asin(req.seller, req.marketplace_id, first, last).items():
            rows.append({**_dates(first, last), "asin": asin, "glanceViews": v.page_views})
    return {"trafficAggregate": _aggregates(req), "trafficByAsin": rows}


def inventory(req: Request) -> dict:
    """GET_VENDOR_INVENTORY_REPORT: Amazon's on-hand stock of each ASIN it holds, at the end of each period."""
    if req.options["sellingProgram"] == "FRESH":
        return {"inventoryAggregate": _aggregates(req), "inventoryByAsin": []}
    rows = []
    for first, last in req.periods:
        sold = sales_by_asin(req.seller, req.marketplace_id, first, last)
        for stock in req.seller.inventory(req.marketplace_id, min(last, req.today)):
            cost, s = stock.product.price * COST_SHARE, sold[stock.product.asin]
            aged = stock.fulfillable // 10
            rows.append({**_dates(first, last), "asin": stock.product.asin,
                         # Amazon bought what it shipped; what it could not ship went unfilled.
                         "netReceivedInventoryUnits": s.units,
                         "netReceivedInventoryCost": amount(cost * s.units, req.currency),
                         "unfilledCustomerOrderedUnits": s.ordered_units - s.units,
                         "sellableOnHandInventoryUnits": stock.fulfillable,
                         "sellableOnHandInventoryCost": amount(cost * stock.fulfillable, req.currency),
                         "unsellableOnHandInventoryUnits": stock.unsellable,
                         "unsellableOnHandInventoryCost": amount(cost * stock.unsellable, req.currency),
                         "aged90PlusDaysSellableInventoryUnits": aged,
                         "aged90PlusDaysSellableInventoryCost": amount(cost * aged, req.currency),
                         "unhealthyInventoryUnits": stock.unsellable,
                         "unhealthyInventoryCost": amount(cost * stock.unsellable, req.currency)})
    return {"inventoryAggregate": _aggregates(req), "inventoryByAsin": rows}


def net_pure_product_margin(req: Request) -> dict:
    """GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT: a margin for every ASIN sold in each period."""
    rows = []
    for first, last in req.periods:
        for asin, s in sales_by_asin(req.seller, req.marketplace_id, first, last).items():
            if s.units:
                rows.append({**_dates(first, last), "asin": asin})
    return {"netPureProductMarginAggregate": _aggregates(req), "netPureProductMarginByAsin": rows}


def forecasting(req: Request) -> dict:
    """GET_VENDOR_FORECASTING_REPORT: weekly demand for the coming weeks from the last four weeks' units."""
    if req.options["sellingProgram"] == "FRESH":
        return {"forecastByAsin": []}
    today = req.today
    recent = sales_by_asin(req.seller, req.marketplace_id, today - timedelta(days=28), today - timedelta(days=1))
    week = period_of(today, "WEEK")[1] + timedelta(days=1)  # the next Sunday
    rows = []
    for asin, s in recent.items():
        mean = round(s.units / 4, 2)
        for w in range(FORECAST_WEEKS):
            first = week + timedelta(days=7 * w)
            rows.append({"forecastGenerationDate": today.isoformat(), "asin": asin,
                         **_dates(first, first + timedelta(days=6)), "meanForecastUnits": mean,
                         "p70ForecastUnits": round(mean * 1.1, 2), "p80ForecastUnits": round(mean * 1.2, 2),
                         "p90ForecastUnits": round(mean * 1.4, 2)})
    return {"forecastByAsin": rows}


def full_hours(req: Request) -> list[datetime]:
    """Starts of the whole hours inside the window (``dataEndTime`` is inclusive to the second)."""
    hour = req.start.replace(minute=0, second=0, microsecond=0)
    if hour < req.start:
        hour += timedelta(hours=1)
    out = []
    while hour + timedelta(hours=1) <= req.end + timedelta(seconds=1):
        out.append(hour)
        hour += timedelta(hours=1)
    return out


def _hour_row(hour: datetime, asin: str) -> dict:
    return {"startTime": utc_z(hour), "endTime": utc_z(hour + timedelta(hours=1)), "asin": asin}


def real_time_sales(req: Request) -> dict:
    """GET_VENDOR_REAL_TIME_SALES_REPORT: units ordered per ASIN and hour (pending orders included)."""
    hours = full_hours(req)
    prices = {p.asin: p.price for p in req.products()}
    units: dict[tuple, int] = defaultdict(int)
    if hours:
        for item in req.seller.order_items_between(req.marketplace_id, hours[0], hours[-1] + timedelta(hours=1)):
            units[(item.purchase_date.replace(minute=0, second=0, microsecond=0), item.asin)] += item.quantity
    currency = req.options["currencyCode"]
    rows = [{**_hour_row(hour, asin), "orderedUnits": n, "orderedRevenue": amount(prices[asin] * n, currency)["amount"]}
            for (hour, asin), n in sorted(units.items()) if n]
    return {"reportData": rows}


def real_time_traffic(req: Request) -> dict:
    """GET_VENDOR_REAL_TIME_TRAFFIC_REPORT: the day's glance views of each ASIN spread evenly over its hours."""
    rows = []
    for hour in full_hours(req):
        for p in req.products():
            views = req.seller.traffic(req.marketplace_id, hour.date(), p.asin).page_views
            n = views // 24 + (1 if hour.hour < views % 24 else 0)
            if n:
                rows.append({**_hour_row(hour, p.asin), "glanceViews": n})
    return {"reportData": rows}


def real_time_inventory(req: Request) -> dict:
    """GET_VENDOR_REAL_TIME_INVENTORY_REPORT: the day's opening FBA stock less the units ordered since."""
    hours, rows = full_hours(req), []
    for day in sorted({h.date() for h in hours}):
        stock = {s.product.asin: s.fulfillable for s in req.seller.inventory(req.marketplace_id, day)}
        items = req.seller.order_items(req.marketplace_id, day)
        for hour in (h for h in hours if h.date() == day):
            end = hour + timedelta(hours=1)
            for asin, opening in stock.items():
                sold = sum(i.quantity for i in items if i.asin == asin and i.purchase_date < end)
                rows.append({**_hour_row(hour, asin), "highlyAvailableInventory": max(0, opening - sold)})
    return {"reportData": rows}
