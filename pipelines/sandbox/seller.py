"""A deterministic synthetic seller: the single source of truth behind every
sandbox report and Data Kiosk dataset.

Everything is derived from ``(seed, marketplace, day)`` with its own RNG, so
any window can be produced lazily, in any order, in any process, and always
gives the same rows.

Facts change after the fact, as on Amazon: an order is ``Pending`` (no price
yet) until its last update, when it becomes ``Shipped`` or ``Cancelled``.
``seller.at(moment)`` is the seller as observed at that moment; a report
requested today shows yesterday's late orders as pending, and a re-pull a few
days later shows their final state. That restatement is what the pipeline's
lookback corrects. Reports and datasets are *views* of these facts, which is
what makes them agree with each other (units in the orders report equal units
in sales-and-traffic, a return follows a shipment, a settlement pays the
shipped items, ...).

>>> s = SyntheticSeller(orders_per_day=10)
>>> items = s.order_items("ATVPDKIKX0DER", date(2025, 1, 1))
>>> items == s.order_items("ATVPDKIKX0DER", date(2025, 1, 1))
True
"""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from pipelines.sandbox.formats import pacific_zone

UTC = timezone.utc
CENT = Decimal("0.01")
ZERO_MONEY = Decimal("0.00")

# Settlement periods are 14 days long, counted from this Monday.
SETTLEMENT_EPOCH = date(2024, 1, 1)
SETTLEMENT_DAYS = 14


@dataclass(frozen=True)
class Marketplace:
    id: str
    country: str
    currency: str
    charset: str  # charset named in the document's Content-Type, as Amazon names it
    sales_channel: str
    region: str  # na | eu | fe
    order_prefix: str
    volume: float  # share of orders_per_day this marketplace gets
    decimals: int  # JPY has no minor unit


MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        Marketplace("ATVPDKIKX0DER", "US", "USD", "UTF-8", "Amazon.com", "na", "111", 1.0, 2),
        Marketplace("A1PA6795UKMFR9", "DE", "EUR", "Cp1252", "Amazon.de", "eu", "302", 0.5, 2),
        Marketplace("A1VC38T7YXB528", "JP", "JPY", "Shift_JIS", "Amazon.co.jp", "fe", "503", 0.4, 0),
    )
}

# Localized product names: accented (cp1252) and Japanese (Shift_JIS) text must
# survive the whole path into DuckDB.
_NAMES = {
    "US": ["Bamboo Cutting Board", "Stainless Water Bottle", "Cotton Tote Bag", "LED Desk Lamp",
           "Ceramic Coffee Mug", "Yoga Mat", "Wireless Charger", "Chef's Knife"],
    "DE": ["Schneidebrett aus Bambus", "Trinkflasche – Edelstahl", "Baumwolltasche groß",
           "LED-Schreibtischlampe", "Kaffeebecher aus Keramik", "Yogamatte rutschfest",
           "Kabelloses Ladegerät", "Küchenmesser (Größe M)"],
    "JP": ["竹製まな板", "ステンレス水筒", "コットントートバッグ", "LEDデスクライト",
           "陶器マグカップ", "ヨガマット", "ワイヤレス充電器", "牛刀包丁"],
}
_VARIANTS = {"US": ["Small", "Medium", "Large"], "DE": ["Klein", "Mittel", "Groß"],
             "JP": ["小", "中", "大"]}
_BASE_PRICE = {"USD": Decimal("14.99"), "EUR": Decimal("12.99"), "JPY": Decimal("1980")}
_FBA_FEE = {"USD": Decimal("3.22"), "EUR": Decimal("2.90"), "JPY": Decimal("318")}
_CITIES = {
    "US": [("Austin", "TX", "78701"), ("Seattle", "WA", "98101"), ("Miami", "FLORIDA", "33101"),
           ("Boston", "MA", "02108")],
    "DE": [("München", "BY", "80331"), ("Köln", "NW", "50667"), ("Düsseldorf", "NW", "40213")],
    "JP": [("東京都", "東京", "100-0001"), ("大阪市", "大阪", "530-0001")],
}
_FCS = {"US": ["PHX6", "SDF8", "BFI4"], "DE": ["FRA3", "MUC3"], "JP": ["NRT1", "KIX1"]}


@dataclass(frozen=True)
class Product:
    sku: str
    asin: str
    parent_asin: str
    fnsku: str
    marketplace_id: str
    name: str
    price: Decimal  # unit price in the marketplace currency
    open_date: datetime
    fulfillment: str  # "AFN" (FBA) or "MFN"


@dataclass(frozen=True)
class OrderItem:
    amazon_order_id: str
    order_item_id: str  # 14-digit amazon-order-item-id
    marketplace_id: str
    purchase_date: datetime
    last_updated_date: datetime
    order_status: str  # Shipped | Cancelled (flat-file spelling)
    fulfillment_channel: str  # Amazon | Merchant
    sku: str
    asin: str
    parent_asin: str
    fnsku: str
    product_name: str
    quantity: int  # 0 on cancelled lines, as in the report
    currency: str
    item_price: Decimal | None  # line total; None when cancelled or still pending
    item_tax: Decimal | None
    shipping_price: Decimal | None
    promotion_discount: Decimal | None
    is_business_order: bool
    ship_city: str
    ship_state: str
    ship_postal_code: str
    ship_country: str
    ship_service_level: str
    ordered_quantity: int = 0  # what the buyer ordered (cancelled lines report 0 in ``quantity``)

    @property
    def shipped(self) -> bool:
        return self.order_status == "Shipped"

    @property
    def item_status(self) -> str:
        """The line's status as the orders report spells it: Shipped, Unshipped or Cancelled."""
        return "Unshipped" if self.order_status == "Pending" else self.order_status

    @property
    def shipping_tax(self) -> Decimal | None:
        return None if self.item_price is None else ZERO_MONEY

    @property
    def ship_promotion_discount(self) -> Decimal | None:
        return None if self.item_price is None else ZERO_MONEY

    @property
    def price_designation(self) -> str:
        return "BusinessPrice" if self.is_business_order else ""

    def pending(self) -> "OrderItem":
        """This line before its last update: ordered, not yet priced, shipped or cancelled."""
        return replace(self, order_status="Pending", last_updated_date=self.purchase_date,
                       quantity=self.ordered_quantity, currency="", item_price=None, item_tax=None,
                       shipping_price=None, promotion_discount=None)


@dataclass(frozen=True)
class Shipment:
    item: OrderItem
    shipment_id: str
    shipment_item_id: str
    shipment_date: datetime
    reporting_date: datetime
    fulfillment_center_id: str
    carrier: str
    tracking_number: str
    estimated_arrival_date: datetime

    @property
    def payments_date(self) -> datetime:
        return self.item.purchase_date  # paid when ordered


@dataclass(frozen=True)
class Return:
    shipment: Shipment
    return_date: datetime
    quantity: int
    detailed_disposition: str
    reason: str
    status: str
    license_plate_number: str


@dataclass(frozen=True)
class Reimbursement:
    approval_date: datetime
    reimbursement_id: str
    amazon_order_id: str
    reason: str
    product: Product
    currency: str
    amount_per_unit: Decimal
    quantity_cash: int
    quantity_inventory: int

    @property
    def amount_total(self) -> Decimal:
        return self.amount_per_unit * self.quantity_cash

    @property
    def quantity_total(self) -> int:
        return self.quantity_cash + self.quantity_inventory


@dataclass(frozen=True)
class Traffic:
    browser_sessions: int
    mobile_sessions: int
    browser_page_views: int
    mobile_page_views: int
    buy_box_percentage: float

    @property
    def sessions(self) -> int:
        return self.browser_sessions + self.mobile_sessions

    @property
    def page_views(self) -> int:
        return self.browser_page_views + self.mobile_page_views


@dataclass(frozen=True)
class Listing:
    product: Product
    listing_id: str
    quantity: int | None  # merchant-fulfilled stock; None for FBA listings (Amazon holds the stock)
    fulfillment_channel: str  # DEFAULT (merchant) or AMAZON_NA / AMAZON_EU / AMAZON_FE
    pending_quantity: int = 0


@dataclass(frozen=True)
class InventoryRecord:
    """One FBA SKU's quantities at a moment (the MYI report's numbers)."""

    product: Product
    fulfillable: int
    unsellable: int
    reserved: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    researching: int
    fc_transfer: int  # reserved units moving between fulfilment centres
    mfn_listing_exists: bool = False
    afn_listing_exists: bool = True
    mfn_fulfillable: int | None = None
    reserved_future_supply: int = 0
    future_supply_buyable: int = 0

    @property
    def warehouse(self) -> int:
        return self.fulfillable + self.unsellable + self.reserved

    @property
    def total(self) -> int:
        return self.warehouse + self.inbound_working + self.inbound_shipped + self.inbound_receiving

    @property
    def onhand_buyable(self) -> int:
        return self.fulfillable


@dataclass(frozen=True)
class LedgerEvent:
    """One inventory movement (customer shipments out, customer returns in)."""

    time: datetime
    fnsku: str
    asin: str
    sku: str
    title: str
    event_type: str  # Shipments | CustomerReturns
    reference_id: str
    quantity: int  # signed: shipments leave the warehouse
    fulfillment_center: str
    disposition: str
    country: str

    @property
    def date(self) -> date:
        return self.time.astimezone(UTC).date()

    @property
    def day_start_pacific(self) -> datetime:
        """The start of the event's day in US Pacific time (the production ledger's ``Date and Time``)."""
        return datetime.combine(self.date, time(), pacific_zone(datetime.combine(self.date, time(8), UTC)))


@dataclass(frozen=True)
class SettlementLine:
    """One row of a settlement: its summary (totals and dates) or one money movement."""

    settlement_id: str
    marketplace_name: str = ""
    start: datetime | None = None  # summary only, as the start, end, deposit date, total and currency
    end: datetime | None = None
    deposit_date: datetime | None = None
    total: Decimal | None = None
    currency: str = ""
    transaction_type: str = ""  # empty on the summary
    order_id: str = ""
    adjustment_id: str = ""
    shipment_id: str = ""
    amount_type: str = ""
    amount_description: str = ""
    amount: Decimal | None = None
    fulfillment_id: str = ""
    posted: datetime | None = None
    order_item_code: str = ""
    sku: str = ""
    quantity: int | None = None

    @property
    def posted_day(self) -> date | None:
        return None if self.posted is None else self.posted.astimezone(UTC).date()


# Deals: a promotion starts every PROMOTION_EVERY days and a coupon every COUPON_EVERY days,
# counted from these dates, in every marketplace.
DEALS_EPOCH = date(2024, 1, 7)  # a Sunday
PROMOTION_EVERY = 5
COUPON_EVERY = 7
PROMOTION_KINDS = ("BEST_DEAL", "LIGHTNING_DEAL", "PRICE_DISCOUNT")
_PROMOTION_HOURS = {"BEST_DEAL": 7 * 24, "LIGHTNING_DEAL": 12, "PRICE_DISCOUNT": 14 * 24}
_SEGMENTS = ("All (Default)", "Amazon Prime", "Amazon Student")


@dataclass(frozen=True)
class Promotion:
    promotion_id: str
    marketplace_id: str
    kind: str  # one of PROMOTION_KINDS
    name: str
    created: datetime
    start: datetime
    end: datetime
    asins: tuple[str, ...]
    discount_percent: int


@dataclass(frozen=True)
class Coupon:
    coupon_id: str
    campaign_id: str  # two consecutive coupons share a campaign
    campaign_name: str
    marketplace_id: str
    name: str
    created: datetime
    start: datetime
    end: datetime
    asins: tuple[str, ...]
    discount_percent: int
    budget: Decimal
    customer_segment: str


def _money(value: float | Decimal, decimals: int) -> Decimal:
    q = CENT if decimals == 2 else Decimal(1)
    return Decimal(str(value)).quantize(q)


class SyntheticSeller:
    """A seller account with products in several marketplaces and a steady
    stream of orders. ``orders_per_day`` is the US volume; DE and JP get a
    fixed share of it."""

    def __init__(self, seed: int = 7, orders_per_day: int = 40, skus: int = 24,
                 marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES), seller_id: str = "A2SANDBOXSELLER"):
        unknown = [m for m in marketplace_ids if m not in MARKETPLACES]
        if unknown:
            raise ValueError(f"unknown sandbox marketplace ids {unknown}; known: {sorted(MARKETPLACES)}")
        self.seed = seed
        self.orders_per_day = orders_per_day
        self.sku_count = skus
        self.marketplace_ids = marketplace_ids
        self.seller_id = seller_id
        self.as_of: datetime | None = None  # None: every order in its final state
        self._order_cache = lru_cache(maxsize=256)(self._generate_order_items)

    def at(self, moment: datetime | None) -> "SyntheticSeller":
        """The same seller observed at ``moment``: orders whose last update is later
        are still pending. Shares this seller's caches."""
        view = copy.copy(self)
        view.as_of = moment
        return view

    # ---- catalogue -------------------------------------------------------
    def marketplace(self, marketplace_id: str) -> Marketplace:
        return MARKETPLACES[marketplace_id]

    def products(self, marketplace_id: str) -> list[Product]:
        mp = MARKETPLACES[marketplace_id]
        rng = random.Random(f"{self.seed}:products:{marketplace_id}")
        names, variants = _NAMES[mp.country], _VARIANTS[mp.country]
        out = []
        for i in range(self.sku_count):
            family = i // 3
            out.append(Product(
                sku=f"SKU-{i:04d}",
                asin=f"B0{self.seed % 100:02d}{i:06d}",
                parent_asin=f"B0P{self.seed % 100:02d}{family:05d}",
                fnsku=f"X00{self.seed % 100:02d}{i:05d}",
                marketplace_id=marketplace_id,
                name=f"{names[family % len(names)]} {variants[i % 3]}",
                price=_money(_BASE_PRICE[mp.currency] * Decimal(1 + (i % 7) / 4), mp.decimals),
                open_date=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(300),
                                                                        seconds=rng.randrange(86400)),
                fulfillment="MFN" if i % 5 == 4 else "AFN",
            ))
        return out

    def product(self, marketplace_id: str, sku: str) -> Product:
        return next(p for p in self.products(marketplace_id) if p.sku == sku)

    # ---- orders ----------------------------------------------------------
    def order_items(self, marketplace_id: str, day: date) -> list[OrderItem]:
        """Every order item purchased on ``day`` (UTC) in the marketplace, as of ``self.as_of``."""
        items = self._order_cache(marketplace_id, day)
        if self.as_of is None or not items or items[-1].purchase_date + timedelta(hours=72) <= self.as_of:
            return items
        return [i if i.last_updated_date <= self.as_of else i.pending()
                for i in items if i.purchase_date <= self.as_of]

    def order_items_between(self, marketplace_id: str, start: datetime, end: datetime,
                            on: str = "purchase_date") -> list[OrderItem]:
        """Order items whose ``on`` timestamp is in ``[start, end)``."""
        first = (start - timedelta(days=4)).date() if on == "last_updated_date" else start.date()
        out = []
        day = first
        while datetime.combine(day, time(), UTC) < end:
            out.extend(i for i in self.order_items(marketplace_id, day) if start <= getattr(i, on) < end)
            day += timedelta(days=1)
        return out

    def _generate_order_items(self, marketplace_id: str, day: date) -> list[OrderItem]:
        mp = MARKETPLACES[marketplace_id]
        rng = random.Random(f"{self.seed}:orders:{marketplace_id}:{day.isoformat()}")
        products = self.products(marketplace_id)
        cities = _CITIES[mp.country]
        n_orders = max(1, round(self.orders_per_day * mp.volume))
        day_start = datetime.combine(day, time(), UTC)
        tax_rate = {"USD": Decimal("0.08"), "EUR": Decimal("0.19"), "JPY": Decimal("0.10")}[mp.currency]
        items: list[OrderItem] = []
        for o in range(n_orders):
            order_id = f"{mp.order_prefix}-{day.toordinal() % 10_000_000:07d}-{o:07d}"
            purchase = day_start + timedelta(seconds=rng.randrange(86400))
            cancelled = rng.random() < 0.04
            business = rng.random() < 0.1
            city, state, postal = cities[rng.randrange(len(cities))]
            service = "Expedited" if rng.random() < 0.2 else "Standard"
            updated = purchase + timedelta(hours=rng.randrange(1, 72))
            n_lines = 1 + (rng.random() < 0.25) + (rng.random() < 0.05)
            for line, product in enumerate(rng.sample(products, n_lines)):
                qty = 1 + (rng.random() < 0.2)
                price = None if cancelled else _money(product.price * qty, mp.decimals)
                items.append(OrderItem(
                    amazon_order_id=order_id,
                    order_item_id=f"{day.toordinal() % 100000:05d}{o:07d}{line:02d}",
                    marketplace_id=marketplace_id,
                    purchase_date=purchase,
                    last_updated_date=updated,
                    order_status="Cancelled" if cancelled else "Shipped",
                    fulfillment_channel="Amazon" if product.fulfillment == "AFN" else "Merchant",
                    sku=product.sku, asin=product.asin, parent_asin=product.parent_asin,
                    fnsku=product.fnsku, product_name=product.name,
                    quantity=0 if cancelled else qty,
                    currency="" if cancelled else mp.currency,
                    item_price=price,
                    item_tax=None if price is None else _money(price * tax_rate, mp.decimals),
                    shipping_price=None if price is None else _money(0 if service == "Standard" else
                                                                     _BASE_PRICE[mp.currency] / 3, mp.decimals),
                    promotion_discount=None if price is None else _money(0, mp.decimals),
                    is_business_order=business,
                    ship_city=city, ship_state=state, ship_postal_code=postal, ship_country=mp.country,
                    ship_service_level=service,
                    ordered_quantity=qty,
                ))
        items.sort(key=lambda i: (i.purchase_date, i.amazon_order_id, i.order_item_id))
        return items

    # ---- fulfilment and its consequences -------------------------------------
    def shipments(self, marketplace_id: str, day: date) -> list[Shipment]:
        """Amazon-fulfilled shipments of the items purchased on ``day``."""
        mp = MARKETPLACES[marketplace_id]
        out = []
        for item in self.order_items(marketplace_id, day):
            if not item.shipped or item.fulfillment_channel != "Amazon":
                continue
            rng = random.Random(f"{self.seed}:ship:{item.order_item_id}:{marketplace_id}")
            shipped = item.last_updated_date  # an order's last update is its shipment
            out.append(Shipment(
                item=item,
                shipment_id=f"D{rng.randrange(10**8):08d}",
                shipment_item_id=f"DI{item.order_item_id}",
                shipment_date=shipped,
                reporting_date=shipped + timedelta(hours=rng.randrange(1, 6)),
                fulfillment_center_id=rng.choice(_FCS[mp.country]),
                carrier=f"AMZN_{mp.country}",
                tracking_number=f"TBA{rng.randrange(10**11):011d}",
                estimated_arrival_date=shipped + timedelta(days=2),
            ))
        return out

    def shipments_between(self, marketplace_id: str, start: datetime, end: datetime) -> list[Shipment]:
        return [s for d in _days(start - timedelta(days=3), end)  # shipped up to 72h after purchase
                for s in self.shipments(marketplace_id, d) if start <= s.shipment_date < end]

    def returns(self, marketplace_id: str, purchase_day: date) -> list[Return]:
        """Customer returns of shipments purchased on ``purchase_day`` (about 5%)."""
        out = []
        for s in self.shipments(marketplace_id, purchase_day):
            rng = random.Random(f"{self.seed}:return:{s.shipment_item_id}")
            if rng.random() >= 0.05:
                continue
            sellable = rng.random() < 0.7
            out.append(Return(
                shipment=s,
                return_date=s.shipment_date + timedelta(days=rng.randrange(3, 20), hours=rng.randrange(24)),
                quantity=1,
                detailed_disposition="SELLABLE" if sellable else rng.choice(["DEFECTIVE", "CUSTOMER_DAMAGED"]),
                reason=rng.choice(["NOT_AS_DESCRIBED", "UNWANTED_ITEM", "DEFECTIVE", "SWITCHEROO"]),
                status="Unit returned to inventory" if sellable else "Unsellable",
                license_plate_number=f"LPN{rng.randrange(10**10):010d}",
            ))
        return out

    def returns_between(self, marketplace_id: str, start: datetime, end: datetime) -> list[Return]:
        return [r for d in _days(start - timedelta(days=21), end)
                for r in self.returns(marketplace_id, d) if start <= r.return_date < end]

    def reimbursements_between(self, marketplace_id: str, start: datetime, end: datetime) -> list[Reimbursement]:
        """Reimbursements for unsellable returns, approved 2-6 days after the return."""
        mp = MARKETPLACES[marketplace_id]
        out = []
        for r in self.returns_between(marketplace_id, start - timedelta(days=7), end):
            if r.detailed_disposition == "SELLABLE":
                continue
            rng = random.Random(f"{self.seed}:reimb:{r.license_plate_number}")
            approved = r.return_date + timedelta(days=rng.randrange(2, 7))
            if not start <= approved < end:
                continue
            product = self.product(marketplace_id, r.shipment.item.sku)
            out.append(Reimbursement(
                approval_date=approved,
                reimbursement_id=f"{rng.randrange(10**9, 10**10)}",
                amazon_order_id=r.shipment.item.amazon_order_id,
                reason="CustomerReturn",
                product=product,
                currency=mp.currency,
                amount_per_unit=product.price,
                quantity_cash=1,
                quantity_inventory=0,
            ))
        return out

    # ---- fees (shared by settlements and economics) --------------------------
    def referral_fee(self, item: OrderItem) -> Decimal:
        mp = MARKETPLACES[item.marketplace_id]
        return _money((item.item_price or 0) * Decimal("0.15"), mp.decimals)

    def fba_fee(self, item: OrderItem) -> Decimal:
        if item.fulfillment_channel != "Amazon" or not item.shipped:
            return Decimal(0)
        return _FBA_FEE[item.currency] * item.quantity

    # ---- settlements -------------------------------------------------------
    def settlement_periods(self, until: datetime) -> list[tuple[str, datetime, datetime]]:
        """``(settlement_id, start, end)`` for every closed 14-day period before ``until``."""
        out = []
        start = datetime.combine(SETTLEMENT_EPOCH, time(), UTC)
        n = 0
        while start + timedelta(days=SETTLEMENT_DAYS) <= until:
            end = start + timedelta(days=SETTLEMENT_DAYS)
            out.append((f"{10_000_000_000 + self.seed * 100_000 + n}", start, end))
            start, n = end, n + 1
        return out

    def settlement_id(self, marketplace_id: str, period_start: datetime) -> str:
        """The id of the marketplace's settlement for the period starting at ``period_start``
        (settlement ids are per marketplace account)."""
        n = (period_start.astimezone(UTC).date() - SETTLEMENT_EPOCH).days // SETTLEMENT_DAYS
        return str(10_000_000_000 + self.seed * 100_000 + n + 10_000 * list(MARKETPLACES).index(marketplace_id))

    def settlement_lines(self, marketplace_id: str, start: datetime, end: datetime) -> Iterator[SettlementLine]:
        """The settlement of ``[start, end)``: the summary first (dates, total, currency), then Order
        lines (principal, tax, shipping, commission, FBA fee) for items shipped in the period and
        Refund lines for its returns, with the seller's own fees. Two passes, nothing buffered."""
        mp = MARKETPLACES[marketplace_id]
        sid = self.settlement_id(marketplace_id, start)
        total = sum((line.amount for line in self._settlement_movements(marketplace_id, sid, start, end)),
                    Decimal(0))
        yield SettlementLine(sid, start=start, end=end, deposit_date=end + timedelta(days=1), total=total,
                             currency=mp.currency)
        yield from self._settlement_movements(marketplace_id, sid, start, end)

    def _settlement_movements(self, mp_id: str, sid: str, start: datetime, end: datetime) -> Iterator[SettlementLine]:
        channel = MARKETPLACES[mp_id].sales_channel
        for sh in self.shipments_between(mp_id, start, end):
            yield from self._order_lines(sid, channel, sh.item, sh.shipment_id, sh.shipment_date)
        for d in _days(start, end):  # merchant-fulfilled items ship on their purchase date
            for i in self.order_items(mp_id, d):
                if i.shipped and i.fulfillment_channel == "Merchant" and start <= i.purchase_date < end:
                    yield from self._order_lines(sid, channel, i, "", i.purchase_date)
        q = CENT if MARKETPLACES[mp_id].decimals else Decimal(1)
        for r in self.returns_between(mp_id, start, end):
            i = r.shipment.item
            share = Decimal(r.quantity) / Decimal(i.quantity)
            refund = dict(settlement_id=sid, marketplace_name=channel, transaction_type="Refund",
                          order_id=i.amazon_order_id, adjustment_id=f"ADJ{r.license_plate_number[3:]}",
                          fulfillment_id="AFN", posted=r.return_date, order_item_code=i.order_item_id, sku=i.sku,
                          quantity=r.quantity)
            yield SettlementLine(**refund, amount_type="ItemPrice", amount_description="Principal",
                                 amount=-(i.item_price * share).quantize(q))
            yield SettlementLine(**refund, amount_type="ItemFees", amount_description="Commission",
                                 amount=(self.referral_fee(i) * share).quantize(q))

    def _order_lines(self, sid: str, channel: str, i: OrderItem, shipment_id: str,
                     posted: datetime) -> Iterator[SettlementLine]:
        ff = "AFN" if i.fulfillment_channel == "Amazon" else "MFN"
        line = dict(settlement_id=sid, marketplace_name=channel, transaction_type="Order", order_id=i.amazon_order_id,
                    shipment_id=shipment_id, fulfillment_id=ff, posted=posted, order_item_code=i.order_item_id,
                    sku=i.sku, quantity=i.quantity)
        yield SettlementLine(**line, amount_type="ItemPrice", amount_description="Principal", amount=i.item_price)
        yield SettlementLine(**line, amount_type="ItemPrice", amount_description="Tax", amount=i.item_tax)
        if i.shipping_price:
            yield SettlementLine(**line, amount_type="ItemPrice", amount_description="Shipping",
                                 amount=i.shipping_price)
        yield SettlementLine(**line, amount_type="ItemFees", amount_description="Commission",
                             amount=-self.referral_fee(i))
        if ff == "AFN":
            yield SettlementLine(**line, amount_type="ItemFees", amount_description="FBAPerUnitFulfillmentFee",
                                 amount=-self.fba_fee(i))

    # ---- listings and inventory snapshots ----------------------------------------
    def listings(self, marketplace_id: str) -> list[Listing]:
        """Every listing of the marketplace (all active)."""
        mp = MARKETPLACES[marketplace_id]
        out = []
        for n, p in enumerate(self.products(marketplace_id)):
            afn = p.fulfillment == "AFN"
            out.append(Listing(product=p, listing_id=f"{p.open_date:%m%d}{self.seed % 100:02d}{n:05d}",
                               quantity=None if afn else 10 + n * 7 % 40,
                               fulfillment_channel=f"AMAZON_{mp.region.upper()}" if afn else "DEFAULT"))
        return out

    def inventory(self, marketplace_id: str, as_of: date) -> list[InventoryRecord]:
        """FBA quantities per SKU on ``as_of``."""
        out = []
        for p in self.products(marketplace_id):
            if p.fulfillment != "AFN":
                continue
            rng = random.Random(f"{self.seed}:inv:{marketplace_id}:{p.sku}:{as_of.isoformat()}")
            fulfillable, unsellable, reserved = rng.randrange(0, 400), rng.randrange(0, 5), rng.randrange(0, 30)
            working, shipped, receiving = rng.randrange(0, 50), rng.randrange(0, 50), rng.randrange(0, 20)
            researching = rng.randrange(0, 3)
            out.append(InventoryRecord(product=p, fulfillable=fulfillable, unsellable=unsellable, reserved=reserved,
                                       inbound_working=working, inbound_shipped=shipped, inbound_receiving=receiving,
                                       researching=researching, fc_transfer=min(reserved, rng.randrange(0, 10))))
        return out

    def ledger_events(self, marketplace_id: str, first: date, last: date) -> list[LedgerEvent]:
        """Inventory movements on the days ``first`` to ``last`` (UTC), in time order."""
        lo = datetime.combine(first, time(), UTC)
        hi = datetime.combine(last, time(), UTC) + timedelta(days=1)
        country = MARKETPLACES[marketplace_id].country
        events = [LedgerEvent(s.shipment_date, s.item.fnsku, s.item.asin, s.item.sku, s.item.product_name,
                              "Shipments", s.shipment_id, -s.item.quantity, s.fulfillment_center_id, "SELLABLE",
                              country)
                  for s in self.shipments_between(marketplace_id, lo, hi)]
        events += [LedgerEvent(r.return_date, r.shipment.item.fnsku, r.shipment.item.asin, r.shipment.item.sku,
                               r.shipment.item.product_name, "CustomerReturns", r.shipment.item.amazon_order_id,
                               r.quantity, r.shipment.fulfillment_center_id, r.detailed_disposition, country)
                   for r in self.returns_between(marketplace_id, lo, hi)]
        events.sort(key=lambda e: e.time)
        return events

    # ---- traffic ----------------------------------------------------------------
    def traffic(self, marketplace_id: str, day: date, asin: str) -> Traffic:
        units = sum(i.quantity for i in self.order_items(marketplace_id, day) if i.asin == asin)
        rng = random.Random(f"{self.seed}:traffic:{marketplace_id}:{day.isoformat()}:{asin}")
        sessions = units * rng.randrange(6, 12) + rng.randrange(1, 20)
        browser = sessions * rng.randrange(30, 60) // 100
        return Traffic(
            browser_sessions=browser,
            mobile_sessions=sessions - browser,
            browser_page_views=browser + browser // 3,
            mobile_page_views=(sessions - browser) + (sessions - browser) // 4,
            buy_box_percentage=round(rng.uniform(80, 100), 2),
        )

    # ---- deals (promotions and coupons) ---------------------------------------------
    def families(self, marketplace_id: str) -> list[list[Product]]:
        """Products grouped by parent ASIN (the variations of one item), in catalogue order."""
        groups: dict[str, list[Product]] = {}
        for p in self.products(marketplace_id):
            groups.setdefault(p.parent_asin, []).append(p)
        return list(groups.values())

    def promotions(self, marketplace_id: str, start_from: datetime, start_to: datetime) -> list[Promotion]:
        """Promotions whose start lies in ``[start_from, start_to]``: one every PROMOTION_EVERY days,
        the kinds in turn, each on all variations of one item."""
        families = self.families(marketplace_id)
        out = []
        for n in _deal_numbers(start_from, start_to, PROMOTION_EVERY):
            rng = random.Random(f"{self.seed}:promotion:{marketplace_id}:{n}")
            kind = PROMOTION_KINDS[n % len(PROMOTION_KINDS)]
            start = datetime.combine(DEALS_EPOCH + timedelta(days=PROMOTION_EVERY * n), time(), UTC) \
                + timedelta(hours=rng.randrange(24))
            if not start_from <= start <= start_to:
                continue
            family = families[n % len(families)]
            out.append(Promotion(
                promotion_id=f"{self.seed % 100:02d}{list(MARKETPLACES).index(marketplace_id)}{n:08d}",
                marketplace_id=marketplace_id, kind=kind,
                name=f"{kind.replace('_', ' ').title()}: {family[0].name.rsplit(' ', 1)[0]}",
                created=start - timedelta(days=rng.randrange(7, 21)), start=start,
                end=start + timedelta(hours=_PROMOTION_HOURS[kind]),
                asins=tuple(p.asin for p in family), discount_percent=rng.randrange(10, 35, 5),
            ))
        return out

    def coupons(self, marketplace_id: str, start_from: datetime, start_to: datetime) -> list[Coupon]:
        """Coupons whose start lies in ``[start_from, start_to]``: one every COUPON_EVERY days, 14 days
        long, on one or two variations of an item."""
        mp = MARKETPLACES[marketplace_id]
        families = self.families(marketplace_id)
        out = []
        for n in _deal_numbers(start_from, start_to, COUPON_EVERY):
            rng = random.Random(f"{self.seed}:coupon:{marketplace_id}:{n}")
            start = datetime.combine(DEALS_EPOCH + timedelta(days=COUPON_EVERY * n), time(), UTC) \
                + timedelta(hours=rng.randrange(24))
            if not start_from <= start <= start_to:
                continue
            family = families[(3 * n) % len(families)]
            products = family[:1 + rng.randrange(min(2, len(family)))]
            percent = rng.randrange(5, 30, 5)
            out.append(Coupon(
                coupon_id=f"C{self.seed % 100:02d}{mp.country}{n:08d}",
                campaign_id=f"CMP{self.seed % 100:02d}{mp.country}{n // 2:07d}",
                campaign_name=f"Campaign {n // 2}",
                marketplace_id=marketplace_id, name=f"{percent}% off {products[0].name}",
                created=start - timedelta(days=3), start=start, end=start + timedelta(days=14),
                asins=tuple(p.asin for p in products), discount_percent=percent,
                budget=_money(products[0].price * 200, mp.decimals),
                customer_segment=_SEGMENTS[0] if n % 4 else _SEGMENTS[1 + n // 4 % 2],
            ))
        return out


def _deal_numbers(start_from: datetime, start_to: datetime, every: int) -> range:
    """Numbers of the deals (one every ``every`` days from DEALS_EPOCH) that may start in the range."""
    first = max(0, (start_from.date() - DEALS_EPOCH).days // every)
    return range(first, max(first, (start_to.date() - DEALS_EPOCH).days // every + 1))


def window_days(start: datetime, end: datetime) -> list[date]:
    """Days whose midnight UTC lies in ``[start, end)`` (a day-valued window).

    >>> window_days(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC))
    [datetime.date(2025, 1, 1), datetime.date(2025, 1, 2)]
    >>> window_days(datetime(2025, 1, 1, 6, tzinfo=UTC), datetime(2025, 1, 2, 6, tzinfo=UTC))
    [datetime.date(2025, 1, 2)]
    """
    first = start.astimezone(UTC).date()
    if datetime.combine(first, time(), UTC) < start:
        first += timedelta(days=1)
    return list(_days(datetime.combine(first, time(), UTC), end))


def _days(start: datetime, end: datetime):
    day = start.date()
    while datetime.combine(day, time(), UTC) < end:
        yield day
        day += timedelta(days=1)
