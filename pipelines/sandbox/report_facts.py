"""What the JSON report renderers read from the synthetic seller: the request, its
``reportPeriod`` periods, and per-ASIN tallies of order items and traffic.

Periods are Amazon's reporting periods: DAY, WEEK (Sunday to Saturday), MONTH,
QUARTER and YEAR (calendar).

>>> period_of(date(2025, 1, 8), "WEEK"), period_of(date(2025, 2, 14), "QUARTER")
((datetime.date(2025, 1, 5), datetime.date(2025, 1, 11)), (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)))
>>> split(date(2025, 1, 5), date(2025, 1, 18), "WEEK")
[(datetime.date(2025, 1, 5), datetime.date(2025, 1, 11)), (datetime.date(2025, 1, 12), datetime.date(2025, 1, 18))]
>>> split(date(2025, 1, 6), date(2025, 1, 11), "WEEK")
'dataStartTime 2025-01-06 is not the first day of a WEEK (Sunday to Saturday)'
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Callable, Iterator

from pipelines.sandbox.seller import MARKETPLACES, OrderItem, Product, SyntheticSeller

UTC = timezone.utc
ZERO = Decimal(0)
DECIMALS = {m.currency: m.decimals for m in MARKETPLACES.values()}
PERIOD_NAMES = {"DAY": "DAY", "WEEK": "WEEK (Sunday to Saturday)", "MONTH": "MONTH (calendar month)",
                "QUARTER": "QUARTER (calendar quarter)", "YEAR": "YEAR (calendar year)"}


@dataclass(frozen=True)
class Request:
    """One report request as the renderers see it."""

    seller: SyntheticSeller  # as observed when the report is made
    report_type: str
    marketplace_ids: tuple[str, ...]
    start: datetime  # dataStartTime, as requested
    end: datetime  # dataEndTime, as requested (inclusive to the second)
    options: dict[str, str]
    now: datetime
    vendor: bool
    periods: tuple[tuple[date, date], ...] = ()  # the reportPeriod's periods of the window, if it has one

    @property
    def marketplace_id(self) -> str:
        return self.marketplace_ids[0]

    @property
    def currency(self) -> str:
        return MARKETPLACES[self.marketplace_id].currency

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()

    def products(self, marketplace_id: str | None = None) -> list[Product]:
        return self.seller.products(marketplace_id or self.marketplace_id)


def period_of(day: date, period: str) -> tuple[date, date]:
    """The reporting period holding ``day``: its first and last day."""
    if period == "DAY":
        return day, day
    if period == "WEEK":
        first = day - timedelta(days=(day.weekday() + 1) % 7)  # weekday(): Monday=0 … Sunday=6
        return first, first + timedelta(days=6)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    first = date(day.year, (day.month - 1) // months * months + 1, 1)
    after = first.month - 1 + months
    return first, date(first.year + after // 12, after % 12 + 1, 1) - timedelta(days=1)


def split(first: date, last: date, period: str) -> list[tuple[date, date]] | str:
    """The periods making up ``[first, last]``, or why the window does not fit the period's boundaries."""
    if period_of(first, period)[0] != first:
        return f"dataStartTime {first} is not the first day of a {PERIOD_NAMES[period]}"
    if period_of(last, period)[1] != last:
        return f"dataEndTime {last} is not the last day of a {PERIOD_NAMES[period]}"
    out = []
    while first <= last:
        out.append(period_of(first, period))
        first = out[-1][1] + timedelta(days=1)
    return out


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def utc_z(t: datetime) -> str:
    """A date-time as the report schemas show it: ``2025-01-05T20:00:00Z``."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def amount(value: Decimal | float, currency: str) -> dict:
    """A money object (``amount`` + ``currencyCode``) in the currency's minor unit."""
    return {"amount": float(round(Decimal(str(value)), DECIMALS[currency])), "currencyCode": currency}


def share(part: float, whole: float) -> float:
    """``part / whole`` as a fraction with 4 decimals (0 when ``whole`` is 0)."""
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Sales:
    """Order items of one ASIN over some days."""

    units: int = 0  # shipped units
    sales: Decimal = ZERO  # shipped item prices
    lines: int = 0  # shipped order items
    ordered_units: int = 0  # every ordered unit, cancelled and pending lines included
    ordered_sales: Decimal = ZERO  # ordered units at the list price
    orders: dict[str, Decimal] = field(default_factory=dict)  # shipped order id → its sales of this ASIN

    def add(self, item: OrderItem, price: Decimal) -> None:
        self.ordered_units += item.ordered_quantity
        self.ordered_sales += price * item.ordered_quantity
        if item.shipped:
            self.units += item.quantity
            self.sales += item.item_price or ZERO
            self.lines += 1
            self.orders[item.amazon_order_id] = self.orders.get(item.amazon_order_id, ZERO) + (item.item_price or ZERO)


def sales_by_asin(seller: SyntheticSeller, mp: str, first: date, last: date,
                  keep: Callable[[OrderItem], bool] = lambda item: True) -> dict[str, Sales]:
    """Order items purchased from ``first`` to ``last`` (inclusive), by ASIN; every ASIN of the catalogue is a key."""
    prices = {p.asin: p.price for p in seller.products(mp)}
    out = {asin: Sales() for asin in prices}
    for day in days(first, last):
        for item in seller.order_items(mp, day):
            if keep(item):
                out[item.asin].add(item, prices[item.asin])
    return out


@dataclass
class Visits:
    sessions: int = 0
    page_views: int = 0


def visits_by_asin(seller: SyntheticSeller, mp: str, first: date, last: date) -> dict[str, Visits]:
    """Sessions and page views (glance views) from ``first`` to ``last`` (inclusive), by ASIN."""
    out: dict[str, Visits] = defaultdict(Visits)
    for day in days(first, last):
        for p in seller.products(mp):
            t = seller.traffic(mp, day, p.asin)
            out[p.asin].sessions += t.sessions
            out[p.asin].page_views += t.page_views
    return out


def search_term(product: Product) -> str:
    """The words shoppers search to find a product: its item name without the variation."""
    return product.name.rsplit(" ", 1)[0].lower()


def speeds(count: int) -> tuple[int, int, int]:
    """Of ``count`` impressions/clicks/..., those with same-day, one-day and two-day shipping offers."""
    return count // 10, count * 3 // 10, count * 4 // 10
