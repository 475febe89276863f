"""Execute Data Kiosk GraphQL queries for real, over the synthetic seller.

The submitted query is parsed, validated and executed by graphql-core against
the official dataset schema (``pipelines/spec/``); resolvers read
the same ``SyntheticSeller`` facts the sandbox reports are built from, so the
numbers agree: units by SKU for a day are the order quantities of that day,
ordered product sales the sum of item prices, sessions and page views come
from ``seller.traffic``, fees from ``seller.referral_fee``/``seller.fba_fee``.

``records`` are the elements of the queried list, one per JSONL line of the
data document (no ``data``/dataset wrappers), as Data Kiosk documents hold.

>>> from pipelines.sandbox.seller import SyntheticSeller
>>> engine = DataKioskEngine(SyntheticSeller(orders_per_day=5), today=date(2025, 3, 1))
>>> res = engine.execute('{analytics_salesAndTraffic_2024_04_24{salesAndTrafficByDate(startDate:"2025-01-01" '
...                      'endDate:"2025-01-02" aggregateBy:DAY marketplaceIds:["ATVPDKIKX0DER"]){startDate}}}')
>>> res.errors, res.records
(None, [{'startDate': '2025-01-01'}, {'startDate': '2025-01-02'}])
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from graphql import GraphQLError, execute, parse, validate

from pipelines.sandbox.seller import MARKETPLACES, OrderItem, Product, SyntheticSeller
from pipelines.spec.datakiosk import dataset_schemas, minify, schema_for, two_years_before
from pipelines.spec.models import MAX_QUERY_CHARS

UTC = timezone.utc
ZERO = Decimal(0)
ACCESS_DENIED = "Access to requested resource is denied."
# Fixed conversion rates (USD per unit) for vendor amounts, which Amazon reports in one currency.
_USD_PER_UNIT = {"USD": Decimal("1"), "EUR": Decimal("1.08"), "JPY": Decimal("0.0067")}
_DECIMALS = {"USD": 2, "EUR": 2, "JPY": 0}


@dataclass(frozen=True)
class EngineResult:
    """What a Data Kiosk query produced: records (JSONL lines) or errors (FATAL).

    ``records == []`` means DONE with no data document. ``access_denied`` marks
    errors Amazon answers with 403 Unauthorized (dataset not available to the account).
    """

    records: list[dict] | None
    errors: list[str] | None
    access_denied: bool = False


class DataKioskEngine:
    """Runs Data Kiosk queries against the official schemas over a synthetic seller."""

    def __init__(self, seller: SyntheticSeller, vendor: bool = False, today: date | None = None):
        self.seller = seller
        self.vendor = vendor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or datetime.now(UTC).date()

    def execute(self, query_text: str, now: datetime | None = None) -> EngineResult:
        """Run one query; with ``now``, over the seller as observed at that moment
        (late orders still pending), as Amazon answers it."""
        try:
            document = parse(query_text)
        except GraphQLError as e:
            return EngineResult(None, [_format(e)])
        if len(minify(query_text)) > MAX_QUERY_CHARS:
            return EngineResult(None, [f"The query is longer than {MAX_QUERY_CHARS} characters after unnecessary "
                                       "whitespace is removed."])
        target = schema_for(document)
        if target is None:
            return EngineResult(None, ["Query did not have a versioned domain field; known: "
                                       + ", ".join(sorted(dataset_schemas()))])
        root, schema = target
        problems = validate(schema, document)
        if problems:
            return EngineResult(None, [_format(e) for e in problems])
        if "vendor" in root.lower() and not self.vendor:
            return EngineResult(None, [f"{ACCESS_DENIED} {root} is available to vendor accounts only."],
                                access_denied=True)
        facts = _Facts(self.seller.at(now) if now else self.seller, now.date() if now else self.today)
        resolvers = {
            "analytics_salesAndTraffic_2024_04_24": _SalesAndTraffic(facts),
            "analytics_economics_2024_03_15": _Economics(facts),
            "analytics_vendorAnalytics_2024_09_30": _VendorAnalytics(facts),
        }
        result = execute(schema, document, root_value=resolvers)
        if result.errors:
            return EngineResult(None, [_format(e) for e in result.errors])
        records: list[dict] = []
        for dataset in (result.data or {}).values():
            for rows in (dataset or {}).values():
                records.extend(r for r in rows or () if r is not None)
        return EngineResult(records, None)


def _format(error: GraphQLError) -> str:
    where = ", ".join(f"line {loc.line}, column {loc.column}" for loc in error.locations or ())
    return f"{error.message} ({where})" if where else error.message


# ---- shared helpers -----------------------------------------------------------------

def _periods(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    """Split ``[start, end]`` (inclusive) by DAY, WEEK (Sunday-Saturday), MONTH or RANGE.

    A partial first/last week or month is dropped, as Data Kiosk moves the start
    to the following Sunday / 1st and the end to the preceding Saturday / month end.
    """
    if granularity == "RANGE":
        return [(start, end)]
    if granularity == "DAY":
        return [(start + timedelta(d), start + timedelta(d)) for d in range((end - start).days + 1)]
    out = []
    if granularity == "WEEK":
        first = start + timedelta((6 - start.weekday()) % 7)  # weekday(): Monday=0 … Sunday=6
        while first + timedelta(6) <= end:
            out.append((first, first + timedelta(6)))
            first += timedelta(7)
        return out
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(4)).replace(day=1)
    while True:
        last = (first.replace(day=28) + timedelta(4)).replace(day=1) - timedelta(1)
        if last > end:
            return out
        out.append((first, last))
        first = last + timedelta(1)


def _money(value: Decimal, currency: str) -> dict:
    return {"amount": float(value), "currencyCode": currency}


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _ratio(part, whole, currency: str) -> dict | None:
    if not whole:
        return None
    q = Decimal(1) if _DECIMALS.get(currency, 2) == 0 else Decimal("0.01")
    return _money((Decimal(part) / Decimal(whole)).quantize(q), currency)


@dataclass
class _Tally:
    """Sales facts of a group of order items and returns (one product, a marketplace, …)."""

    units: int = 0
    units_b2b: int = 0
    sales: Decimal = ZERO
    sales_b2b: Decimal = ZERO
    items: int = 0
    items_b2b: int = 0
    orders: set = field(default_factory=set)
    orders_b2b: set = field(default_factory=set)
    refunded_units: int = 0
    refunded_units_b2b: int = 0
    refunded_sales: Decimal = ZERO
    referral_fees: Decimal = ZERO
    fba_fees: Decimal = ZERO
    fba_units: int = 0

    def add_item(self, item: OrderItem, seller: SyntheticSeller) -> None:
        if not item.shipped:
            return  # cancelled lines carry no units or price
        self.units += item.quantity
        self.sales += item.item_price or ZERO
        self.items += 1
        self.orders.add(item.amazon_order_id)
        if item.is_business_order:
            self.units_b2b += item.quantity
            self.sales_b2b += item.item_price or ZERO
            self.items_b2b += 1
            self.orders_b2b.add(item.amazon_order_id)
        self.referral_fees += seller.referral_fee(item)
        fba = seller.fba_fee(item)
        if fba:
            self.fba_fees += fba
            self.fba_units += item.quantity

    def add_return(self, quantity: int, price: Decimal, business: bool) -> None:
        self.refunded_units += quantity
        self.refunded_sales += price * quantity
        if business:
            self.refunded_units_b2b += quantity


@dataclass
class _Visits:
    browser_sessions: int = 0
    mobile_sessions: int = 0
    browser_views: int = 0
    mobile_views: int = 0
    buy_box_weight: float = 0.0  # buy-box % × page views, for a page-view weighted average

    def add(self, t) -> None:
        self.browser_sessions += t.browser_sessions
        self.mobile_sessions += t.mobile_sessions
        self.browser_views += t.browser_page_views
        self.mobile_views += t.mobile_page_views
        self.buy_box_weight += t.buy_box_percentage * t.page_views

    def __iadd__(self, other: "_Visits") -> "_Visits":
        for name in ("browser_sessions", "mobile_sessions", "browser_views", "mobile_views", "buy_box_weight"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def sessions(self) -> int:
        return self.browser_sessions + self.mobile_sessions

    @property
    def views(self) -> int:
        return self.browser_views + self.mobile_views

    @property
    def buy_box(self) -> float:
        return round(self.buy_box_weight / self.views, 2) if self.views else 0.0


class _Facts:
    """Per-query cache of seller facts by (marketplace, day, product)."""

    def __init__(self, seller: SyntheticSeller, today: date):
        self.seller = seller
        self.today = today
        self._returns: dict[tuple[str, date], dict[str, list]] = {}

    def check_window(self, start_raw: str, end_raw: str) -> tuple[date, date]:
        try:
            start, end = date.fromisoformat(start_raw), date.fromisoformat(end_raw)
        except (TypeError, ValueError):
            raise GraphQLError(f"Invalid date range {start_raw!r}..{end_raw!r}: expected YYYY-MM-DD.") from None
        if end < start:
            raise GraphQLError(f"The endDate {end} must not be before the startDate {start}.")
        if start < two_years_before(self.today):
            raise GraphQLError(f"The startDate {start} must be no more than two years ago.")
        return start, end

    def check_marketplaces(self, marketplace_ids) -> list[str]:
        unknown = [m for m in marketplace_ids if m not in self.seller.marketplace_ids]
        if unknown or not marketplace_ids:
            raise GraphQLError(f"Invalid marketplaceIds {unknown or marketplace_ids}: the selling partner "
                               f"participates in {list(self.seller.marketplace_ids)}.")
        return list(dict.fromkeys(marketplace_ids))

    def days(self, start: date, end: date):
        """Days of the window for which data exists (nothing after today)."""
        day = start
        while day <= min(end, self.today):
            yield day
            day += timedelta(1)

    def returns(self, mp: str, day: date) -> dict[str, list]:
        """Returns received on ``day`` by SKU (computed a window at a time: returns_between is costly)."""
        if (mp, day) not in self._returns:
            start = datetime.combine(day, time(), UTC)
            end = start + timedelta(days=31)
            for d in range(31):
                self._returns[(mp, day + timedelta(d))] = defaultdict(list)
            for r in self.seller.returns_between(mp, start, end):
                self._returns[(mp, r.return_date.date())][r.shipment.item.sku].append(r)
        return self._returns[(mp, day)]

    def tally(self, mp: str, days, group) -> dict[object, _Tally]:
        """Sales tallies over ``days`` keyed by ``group(product)``."""
        products = {p.sku: p for p in self.seller.products(mp)}
        out: dict[object, _Tally] = defaultdict(_Tally)
        for day in days:
            for item in self.seller.order_items(mp, day):
                out[group(products[item.sku])].add_item(item, self.seller)
            for sku, rets in self.returns(mp, day).items():
                for r in rets:
                    out[group(products[sku])].add_return(r.quantity, products[sku].price,
                                                         r.shipment.item.is_business_order)
        return out

    def visits(self, mp: str, days, group) -> dict[object, _Visits]:
        out: dict[object, _Visits] = defaultdict(_Visits)
        for day in days:
            for p in self.seller.products(mp):
                out[group(p)].add(self.seller.traffic(mp, day, p.asin))
        return out


_ASIN_GROUPS = {
    "SKU": lambda p: p.sku,
    "CHILD": lambda p: p.asin,
    "PARENT": lambda p: p.parent_asin,
}


# ---- analytics_salesAndTraffic_2024_04_24 -------------------------------------------------

class _SalesAndTraffic:
    def __init__(self, facts: _Facts):
        self.facts = facts

    def salesAndTrafficByDate(self, info, aggregateBy, startDate, endDate, marketplaceIds):
        start, end = self.facts.check_window(startDate, endDate)
        out = []
        for mp in self.facts.check_marketplaces(marketplaceIds):
            currency = MARKETPLACES[mp].currency
            products = self.facts.seller.products(mp)
            for p_start, p_end in _periods(start, end, aggregateBy):
                days = list(self.facts.days(p_start, p_end))
                if not days:
                    continue
                t = self.facts.tally(mp, days, lambda p: "all")["all"]
                v = self.facts.visits(mp, days, lambda p: "all")["all"]
                out.append({
                    "startDate": p_start.isoformat(), "endDate": p_end.isoformat(), "marketplaceId": mp,
                    "sales": _date_sales(t, currency, self.facts, mp, days),
                    "traffic": _date_traffic(t, v, products, self.facts, mp, days),
                })
        return out

    def salesAndTrafficByAsin(self, info, aggregateBy, startDate, endDate, marketplaceIds):
        start, end = self.facts.check_window(startDate, endDate)
        out = []
        for mp in self.facts.check_marketplaces(marketplaceIds):
            days = list(self.facts.days(start, end))
            if days:
                out.extend(self._by_asin(mp, days, start, end, aggregateBy))
        return out

    def salesAndTrafficTrends(self, info, asinAggregation, dateAggregation, startDate, endDate, filters):
        start, end = self.facts.check_window(startDate, endDate)
        out = []
        for f in filters:
            mp = self.facts.check_marketplaces([f["marketplaceId"]])[0]
            if len(f["asins"]) > 30:
                raise GraphQLError("A filter can include at most 30 child ASINs.")
            for p_start, p_end in _periods(start, end, dateAggregation):
                days = list(self.facts.days(p_start, p_end))
                if days:
                    rows = self._by_asin(mp, days, p_start, p_end, asinAggregation)
                    out.extend(dict(r, asinAggregation=asinAggregation) for r in rows
                               if r["childAsin"] in f["asins"])
        return out

    def _by_asin(self, mp: str, days: list[date], start: date, end: date, aggregate: str) -> list[dict]:
        group = _ASIN_GROUPS[aggregate]
        currency = MARKETPLACES[mp].currency
        tallies = self.facts.tally(mp, days, group)
        visits = self.facts.visits(mp, days, group)
        total = _Visits()
        for v in visits.values():
            total += v
        rows, seen = [], set()
        for p in self.facts.seller.products(mp):
            key = group(p)
            if key in seen:
                continue
            seen.add(key)
            t, v = tallies[key], visits[key]
            rows.append({
                "startDate": start.isoformat(), "endDate": end.isoformat(), "marketplaceId": mp,
                "parentAsin": p.parent_asin,
                "childAsin": p.asin if aggregate != "PARENT" else None,
                "sku": p.sku if aggregate == "SKU" else None,
                "sales": _common_sales(t, currency),
                "traffic": _asin_traffic(t, v, total),
            })
        return rows


def _common_sales(t: _Tally, currency: str) -> dict:
    return {
        "orderedProductSales": _money(t.sales, currency),
        "orderedProductSalesB2B": _money(t.sales_b2b, currency),
        "shippedProductSales": _money(t.sales, currency),
        "shippedProductSalesB2B": _money(t.sales_b2b, currency),
        "unitsOrdered": t.units, "unitsOrderedB2B": t.units_b2b,
        "unitsShipped": t.units, "unitsShippedB2B": t.units_b2b,
        "unitsRefunded": t.refunded_units, "unitsRefundedB2B": t.refunded_units_b2b,
        "refundRate": _pct(t.refunded_units, t.units), "refundRateB2B": _pct(t.refunded_units_b2b, t.units_b2b),
        "ordersShipped": len(t.orders), "ordersShippedB2B": len(t.orders_b2b),
        "totalOrderItems": t.items, "totalOrderItemsB2B": t.items_b2b,
    }


def _date_sales(t: _Tally, currency: str, facts: _Facts, mp: str, days: list[date]) -> dict:
    claims = sum(_feedback(facts, mp, d)[2] for d in days)
    return dict(
        _common_sales(t, currency),
        averageSalesPerOrderItem=_ratio(t.sales, t.items, currency) or _money(ZERO, currency),
        averageSalesPerOrderItemB2B=_ratio(t.sales_b2b, t.items_b2b, currency),
        averageSellingPrice=_ratio(t.sales, t.units, currency) or _money(ZERO, currency),
        averageSellingPriceB2B=_ratio(t.sales_b2b, t.units_b2b, currency),
        averageUnitsPerOrderItem=round(t.units / t.items, 2) if t.items else 0.0,
        averageUnitsPerOrderItemB2B=round(t.units_b2b / t.items_b2b, 2) if t.items_b2b else None,
        claimsGranted=claims, claimsGrantedB2B=0,
        claimsAmount=_ratio(t.sales * claims, max(t.items, 1), currency) or _money(ZERO, currency),
        claimsAmountB2B=_money(ZERO, currency),
    )


def _b2b(n: int) -> int:
    """Amazon Business share of traffic (the synthetic seller has no separate B2B visits)."""
    return n // 10


def _traffic_base(t: _Tally, v: _Visits) -> dict:
    return {
        "browserSessions": v.browser_sessions, "browserSessionsB2B": _b2b(v.browser_sessions),
        "mobileAppSessions": v.mobile_sessions, "mobileAppSessionsB2B": _b2b(v.mobile_sessions),
        "sessions": v.sessions, "sessionsB2B": _b2b(v.browser_sessions) + _b2b(v.mobile_sessions),
        "browserPageViews": v.browser_views, "browserPageViewsB2B": _b2b(v.browser_views),
        "mobileAppPageViews": v.mobile_views, "mobileAppPageViewsB2B": _b2b(v.mobile_views),
        "pageViews": v.views, "pageViewsB2B": _b2b(v.browser_views) + _b2b(v.mobile_views),
        "buyBoxPercentage": v.buy_box, "buyBoxPercentageB2B": v.buy_box,
        "unitSessionPercentage": _pct(t.units, v.sessions),
        "unitSessionPercentageB2B": _pct(t.units_b2b, _b2b(v.browser_sessions) + _b2b(v.mobile_sessions)),
    }


def _asin_traffic(t: _Tally, v: _Visits, total: _Visits) -> dict:
    b2b_total = _b2b(total.browser_sessions) + _b2b(total.mobile_sessions)
    b2b_views = _b2b(total.browser_views) + _b2b(total.mobile_views)
    base = _traffic_base(t, v)
    return dict(
        base,
        browserPageViewsPercentage=_pct(v.browser_views, total.browser_views),
        browserPageViewsPercentageB2B=_pct(_b2b(v.browser_views), _b2b(total.browser_views)),
        browserSessionPercentage=_pct(v.browser_sessions, total.browser_sessions),
        browserSessionPercentageB2B=_pct(_b2b(v.browser_sessions), _b2b(total.browser_sessions)),
        mobileAppPageViewsPercentage=_pct(v.mobile_views, total.mobile_views),
        mobileAppPageViewsPercentageB2B=_pct(_b2b(v.mobile_views), _b2b(total.mobile_views)),
        mobileAppSessionPercentage=_pct(v.mobile_sessions, total.mobile_sessions),
        mobileAppSessionPercentageB2B=_pct(_b2b(v.mobile_sessions), _b2b(total.mobile_sessions)),
        pageViewsPercentage=_pct(v.views, total.views),
        pageViewsPercentageB2B=_pct(base["pageViewsB2B"], b2b_views),
        sessionPercentage=_pct(v.sessions, total.sessions),
        sessionPercentageB2B=_pct(base["sessionsB2B"], b2b_total),
    )


def _feedback(facts: _Facts, mp: str, day: date) -> tuple[int, int, int]:
    """(feedback received, negative feedback, A-to-z claims granted) for a marketplace day."""
    rng = random.Random(f"{facts.seller.seed}:feedback:{mp}:{day.isoformat()}")
    received = rng.randrange(0, 6)
    negative = min(received, int(rng.random() < 0.15))
    return received, negative, int(rng.random() < 0.05)


def _date_traffic(t: _Tally, v: _Visits, products: list[Product], facts: _Facts, mp: str,
                  days: list[date]) -> dict:
    received = negative = 0
    for d in days:
        r, n, _ = _feedback(facts, mp, d)
        received, negative = received + r, negative + n
    return dict(
        _traffic_base(t, v),
        averageOfferCount=len(products),
        averageParentItems=len({p.parent_asin for p in products}),
        feedbackReceived=received, feedbackReceivedB2B=0,
        negativeFeedbackReceived=negative, negativeFeedbackReceivedB2B=0,
        receivedNegativeFeedbackRate=_pct(negative, len(t.orders)), receivedNegativeFeedbackRateB2B=0.0,
        orderItemSessionPercentage=_pct(t.items, v.sessions),
        orderItemSessionPercentageB2B=_pct(t.items_b2b, _b2b(v.browser_sessions) + _b2b(v.mobile_sessions)),
    )


# ---- analytics_economics_2024_03_15 ------------------------------------------------------

_ECON_GROUPS = {"MSKU": lambda p: p.sku, "CHILD_ASIN": lambda p: p.asin, "PARENT_ASIN": lambda p: p.parent_asin}


class _Economics:
    def __init__(self, facts: _Facts):
        self.facts = facts

    def economics(self, info, startDate, endDate, marketplaceIds, aggregateBy=None,
                  includeComponentsForFeeTypes=None):
        start, end = self.facts.check_window(startDate, endDate)
        aggregate = aggregateBy or {}
        granularity, product_id = aggregate.get("date") or "DAY", aggregate.get("productId") or "MSKU"
        components = set(includeComponentsForFeeTypes or ())
        group = _ECON_GROUPS[product_id]
        out = []
        for mp in self.facts.check_marketplaces(marketplaceIds):
            currency = MARKETPLACES[mp].currency
            for p_start, p_end in _periods(start, end, granularity):
                days = list(self.facts.days(p_start, p_end))
                tallies = self.facts.tally(mp, days, group)
                seen = set()
                for p in self.facts.seller.products(mp):
                    key = group(p)
                    t = tallies.get(key)
                    if key in seen or t is None or not (t.units or t.refunded_units):
                        continue
                    seen.add(key)
                    out.append(_economics_row(p, product_id, t, mp, currency, p_start, p_end, components))
        return out

    def economicsPreview(self, info, **_):
        raise GraphQLError("economicsPreview is not available in the sandbox; use economics.")

    def economicsSimulation(self, info, **_):
        raise GraphQLError("economicsSimulation is not available in the sandbox; use economics.")


def _detail(total: Decimal, quantity: int | None, currency: str) -> dict:
    return {
        "amount": _money(total, currency),
        "amountPerUnit": _ratio(total, quantity, currency) if quantity else None,
        "amountPerUnitDelta": None,
        "promotionAmount": _money(ZERO, currency),
        "quantity": float(quantity) if quantity is not None else None,
        "taxAmount": _money(ZERO, currency),
        "totalAmount": _money(total, currency),
    }


def _fee(name: str, identifier: str, total: Decimal, quantity: int, currency: str, start: date, end: date,
         properties: list[dict], components: list[dict] | None) -> dict:
    charge = {"aggregatedDetail": _detail(total, quantity, currency), "components": components,
              "identifier": identifier, "startDate": start.isoformat(), "endDate": end.isoformat(),
              "properties": properties}
    return {"feeTypeName": name, "charge": charge, "charges": [charge]}


def _economics_row(p: Product, product_id: str, t: _Tally, mp: str, currency: str, start: date, end: date,
                   components: set) -> dict:
    fees = [_fee("Referral fees", "REFERRAL_FEE", t.referral_fees, t.units, currency, start, end,
                 [{"propertyName": "Referral fee rate", "propertyValue": "15%"}], None)]
    if p.fulfillment == "AFN":
        base = [{"name": "Base fulfillment fee", "aggregatedDetail": _detail(t.fba_fees, t.fba_units, currency),
                 "properties": None}] if "FBA_FULFILLMENT_FEE" in components else None
        fees.append(_fee("FBA fulfillment fees", "FBA_FULFILLMENT_FEE", t.fba_fees, t.fba_units, currency, start,
                         end, [{"propertyName": "Product size tier", "propertyValue": "Small standard-size"}], base))
    net_sales = t.sales - t.refunded_sales
    net_units = t.units - t.refunded_units
    proceeds = net_sales - t.referral_fees - t.fba_fees
    return {
        "startDate": start.isoformat(), "endDate": end.isoformat(), "marketplaceId": mp,
        "msku": p.sku if product_id == "MSKU" else None,
        "fnsku": p.fnsku if product_id == "MSKU" else None,
        "childAsin": p.asin if product_id != "PARENT_ASIN" else None,
        "parentAsin": p.parent_asin,
        "sales": {
            "orderedProductSales": _money(t.sales, currency),
            "netProductSales": _money(net_sales, currency),
            "refundedProductSales": _money(t.refunded_sales, currency),
            "averageSellingPrice": _ratio(t.sales, t.units, currency),
            "unitsOrdered": t.units, "unitsRefunded": t.refunded_units, "netUnitsSold": net_units,
        },
        "fees": fees,
        "ads": [],
        "cost": None,  # the seller entered no costs in SKU Central
        "netProceeds": {"total": _money(proceeds, currency), "perUnit": _ratio(proceeds, net_units, currency)},
    }


# ---- analytics_vendorAnalytics_2024_09_30 ------------------------------------------------

@dataclass
class _VendorNumbers:
    """Summable vendor facts of one ASIN (or the catalog) for one period, in the report currency."""

    units: int = 0
    revenue: Decimal = ZERO
    returns: int = 0
    sellable_units: int = 0
    sellable_value: Decimal = ZERO
    unsellable_units: int = 0
    unsellable_value: Decimal = ZERO
    confirmed: int = 0
    received: int = 0
    received_value: Decimal = ZERO
    open_po: int = 0
    glance_views: int = 0
    buy_box_weight: float = 0.0
    lead_time_weight: float = 0.0

    def __iadd__(self, other: "_VendorNumbers") -> "_VendorNumbers":
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


class _VendorAnalytics:
    def __init__(self, facts: _Facts):
        self.facts = facts

    def manufacturingView(self, info, aggregateBy, startDate, endDate, currencyCode=None):
        return self._view(aggregateBy, startDate, endDate, currencyCode, manufacturing=True)

    def sourcingView(self, info, aggregateBy, startDate, endDate, currencyCode=None):
        return self._view(aggregateBy, startDate, endDate, currencyCode, manufacturing=False)

    def _view(self, granularity, start_raw, end_raw, currency, manufacturing: bool) -> list[dict]:
        start, end = self.facts.check_window(start_raw, end_raw)
        currency = currency or "USD"
        if currency not in _USD_PER_UNIT:
            raise GraphQLError(f"Unsupported currencyCode {currency!r}; supported: {sorted(_USD_PER_UNIT)}.")
        out = []
        for mp in self.facts.seller.marketplace_ids:
            for p_start, p_end in _periods(start, end, granularity):
                days = list(self.facts.days(p_start, p_end))
                if not days:
                    continue
                per_asin = self._numbers(mp, days, p_end, currency)
                totals = _VendorNumbers()
                metrics = []
                for p, n in per_asin:
                    totals += n
                    metrics.append({"groupByKey": _group_key(p, mp, currency),
                                    "metrics": _vendor_metrics(n, currency, manufacturing, p_end, len(days))})
                out.append({"startDate": p_start.isoformat(), "endDate": p_end.isoformat(), "marketplaceId": mp,
                            "totals": _vendor_metrics(totals, currency, manufacturing, p_end, len(days)),
                            "metrics": metrics})
        return out

    def _numbers(self, mp: str, days: list[date], last: date, currency: str) -> list[tuple[Product, _VendorNumbers]]:
        seller = self.facts.seller
        local = MARKETPLACES[mp].currency
        tallies = self.facts.tally(mp, days, lambda p: p.asin)
        visits = self.facts.visits(mp, days, lambda p: p.asin)
        out = []
        for p in seller.products(mp):
            t, v = tallies[p.asin], visits[p.asin]
            rng = random.Random(f"{seller.seed}:vendor:{mp}:{p.asin}:{days[0].isoformat()}:{last.isoformat()}")
            cost = _convert(p.price * Decimal("0.62"), local, currency)
            sellable, unsellable = rng.randrange(40, 400), rng.randrange(0, 6)
            confirmed = t.units + rng.randrange(0, 20)
            received = max(0, confirmed - rng.randrange(0, 4))
            out.append((p, _VendorNumbers(
                units=t.units, revenue=_convert(t.sales, local, currency), returns=t.refunded_units,
                sellable_units=sellable, sellable_value=cost * sellable,
                unsellable_units=unsellable, unsellable_value=cost * unsellable,
                confirmed=confirmed, received=received, received_value=cost * received,
                open_po=rng.randrange(0, 60), glance_views=v.views, buy_box_weight=v.buy_box_weight,
                lead_time_weight=rng.uniform(7, 21) * max(confirmed, 1),
            )))
        return out


def _convert(value: Decimal, source: str, target: str) -> Decimal:
    q = Decimal(1) if _DECIMALS[target] == 0 else Decimal("0.01")
    return (value * _USD_PER_UNIT[source] / _USD_PER_UNIT[target]).quantize(q)


def _group_key(p: Product, mp: str, currency: str) -> dict:
    return {
        "asin": p.asin, "parentAsin": p.parent_asin, "productTitle": p.name,
        "brand": "Sandbox Home", "brandCode": "SBXHM", "manufacturerCode": "SBXMF", "vendorCode": "SBXV1",
        "modelNumber": p.sku, "msrp": _money(_convert(p.price, MARKETPLACES[mp].currency, currency), currency),
        "binding": None, "color": None, "ean": None, "isbn13": None, "upc": None,
        "prepInstructions": None, "prepInstructionsPerformedBy": None, "productGroup": "Home",
        "releaseDate": p.open_date.date().isoformat(), "replenishmentCategory": "Planned replenishment",
        "shipToCity": None, "shipToCountryCode": None, "shipToStateOrProvince": None, "shipToZipCode": None,
    }


def _units_value(units: int, value: Decimal, currency: str) -> dict:
    return {"units": units, "value": _money(value, currency)}


def _vendor_metrics(n: _VendorNumbers, currency: str, manufacturing: bool, last: date, n_days: int) -> dict:
    cogs = (n.revenue * Decimal("0.62")).quantize(Decimal("0.01"))
    contra = (n.revenue * Decimal("0.03")).quantize(Decimal("0.01"))
    discount = (n.revenue * Decimal("0.01")).quantize(Decimal("0.01"))
    views = n.glance_views
    metrics = {
        "costs": {
            "shippedCogs": _money(cogs, currency), "contraCogs": _money(contra, currency),
            "salesDiscount": _money(discount, currency),
            "averageSalesDiscount": _ratio(discount, n.units, currency),
            "contraCogsPerUnit": _ratio(contra, n.units, currency),
            "netPPM": round(float((n.revenue - cogs + contra - discount) / n.revenue), 4) if n.revenue else None,
        },
        "customerSatisfaction": {"customerReturns": n.returns, "customerReturnTopics": None,
                                 "customerReviews": None},
        "productAvailability": {
            "sellableOnHandInventory": _units_value(n.sellable_units, n.sellable_value, currency),
            "unsellableOnHandInventory": _units_value(n.unsellable_units, n.unsellable_value, currency),
            "aged90DaysSellableInventory": _units_value(n.sellable_units // 10, n.sellable_value / 10, currency),
            "unhealthyInventory": None,
            "sellThroughRate": round(n.units / (n.sellable_units + n.received), 4)
            if n.sellable_units + n.received else None,
            "sellableInTransitInventory": n.open_po // 2, "unsellableInTransitInventory": 0,
            "sourceableROOS": round(100 - n.buy_box_weight / views, 2) if views else None,
            "ultraFastTrack": None,
        },
        "shippedOrders": {
            "shippedUnitsWithRevenue": _units_value(n.units, n.revenue, currency),
            "averageSellingPrice": _ratio(n.revenue, n.units, currency),
        },
        "sourcing": {
            "confirmedUnits": n.confirmed, "mostRecentSubmitted": n.confirmed,
            "netReceived": _units_value(n.received, n.received_value, currency),
            "openPurchaseOrderQuantity": n.open_po,
            "overallVendorLeadTime": round(n.lead_time_weight / max(n.confirmed, 1), 1),
            "procurableProductOOS": None,
            "receivedFillRate": round(n.received / n.confirmed, 4) if n.confirmed else None,
            "vendorConfirmationRate": 1.0 if n.confirmed else None,
        },
    }
    if manufacturing:
        weekly = n.units * 7 // max(n_days, 1)
        metrics.update({
            "orders": {
                "orderedUnitsWithRevenue": _units_value(n.units, n.revenue, currency),
                "netOrderedGMS": _money(n.revenue, currency), "netShipmentGMS": _money(n.revenue, currency),
                "unfilledOrderedUnits": 0,
            },
            "traffic": {"glanceViews": views,
                        "lostFeaturedOffer": round(100 - n.buy_box_weight / views, 2) if views else None},
            "forecasting": [
                {"weekNumber": w + 1, "startDate": (last + timedelta(1 + 7 * w)).isoformat(),
                 "endDate": (last + timedelta(7 + 7 * w)).isoformat(),
                 "demand": {"mean": weekly, "p70": weekly * 11 // 10, "p80": weekly * 12 // 10,
                            "p90": weekly * 14 // 10}}
                for w in range(4)
            ],
        })
    return metrics
