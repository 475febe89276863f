"""MARKETPLACE_ASIN_PAGE_VIEW_METRICS from the synthetic seller: page views (glance views) per
ASIN and day, for the ASINs of one Amazon product type, in the EU-8 and UK marketplaces.

What the schema (``marketplaceAsinPageViewMetrics.json``) says, and how the sandbox reads it:

- "data available up to the last seven days": a day is available once it is over;
  "If the start date of the report is more than seven days ago, the report will be
  cancelled", and so is a report whose end date "is not within the seven days from start
  date" (CANCELLED: no document). "the time component is ignored": days are UTC dates.
- "If no dates are specified, the report will provide the data for the latest available
  day": a request whose window holds no finished day (createReport without dates covers
  the moment of the request) gets yesterday.
- "All ASINs with the productType will be included": every item family of the seller's
  catalogue has a product type (``PRODUCT_TYPES``, by its position, as the names cycle).
- "where the seller does not have a meaningful presence (40 units sold), the report will
  not return any data": the schema names no period; the sandbox counts the product
  type's shipped units in the marketplace over the PRESENCE_DAYS days before the request.

A day's page views are the seller's traffic of that ASIN and day, the ``pageViews`` the
Sales and Traffic report shows for the same child ASIN and day.
"""
from __future__ import annotations

from datetime import date, timedelta, timezone

from pipelines.sandbox.report_facts import Request, days, midnight, utc_z

UTC = timezone.utc
COUNTRIES = ("DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "UK")  # "EU(8) or UK"
AVAILABLE_DAYS = 7
MIN_UNITS = 40
PRESENCE_DAYS = 30
# The product type of each item family (cutting boards, bottles, totes, lamps, mugs, mats, chargers, knives).
PRODUCT_TYPES = ("CUTTING_BOARD", "BOTTLE", "HANDBAG", "LAMP", "DRINKING_CUP", "EXERCISE_MAT", "CHARGING_ADAPTER",
                 "KITCHEN_KNIFE")


def product_asins(req: Request, marketplace_id: str, product_type: str) -> list[str]:
    """The ASINs of ``product_type`` in the seller's catalogue, in catalogue order."""
    return [p.asin for n, family in enumerate(req.seller.families(marketplace_id))
            if PRODUCT_TYPES[n % len(PRODUCT_TYPES)] == product_type for p in family]


def report_days(req: Request) -> list[date]:
    """The finished days the report covers (none: the report is cancelled)."""
    first, last = req.start.astimezone(UTC).date(), req.end.astimezone(UTC).date()
    latest = req.today - timedelta(days=1)
    if first < req.today - timedelta(days=AVAILABLE_DAYS) or last > first + timedelta(days=AVAILABLE_DAYS - 1):
        return []
    if first > latest:  # no finished day asked for: the latest available one
        return [latest]
    return list(days(first, min(last, latest)))


def _present(req: Request, marketplace_id: str, asins: list[str]) -> bool:
    wanted, units = set(asins), 0
    for day in days(req.today - timedelta(days=PRESENCE_DAYS), req.today - timedelta(days=1)):
        units += sum(i.quantity for i in req.seller.order_items(marketplace_id, day) if i.shipped and i.asin in wanted)
    return units >= MIN_UNITS


def page_views(req: Request) -> dict:
    """The page views of every ASIN of the ``productType`` option, per marketplace and day."""
    rows = []
    covered = report_days(req)
    for mp in req.marketplace_ids:
        asins = product_asins(req, mp, req.options["productType"])
        if not asins or not _present(req, mp, asins):
            continue
        for day in covered:
            start = midnight(day)
            for asin in asins:
                rows.append({"startTime": utc_z(start), "endTime": utc_z(start + timedelta(days=1)),
                             "marketplaceId": mp, "asin": asin,
                             "pageViews": req.seller.traffic(mp, day, asin).page_views})
    return {"marketplaceAsinPageViewMetrics": rows}
