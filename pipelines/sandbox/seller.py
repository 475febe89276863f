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
import itertools
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

    @property
    def fc_processing(self) -> int:
        """Reserved units being processed at the fulfilment centre."""
        return (self.reserved - self.fc_transfer) // 3

    @property
    def customer_orders(self) -> int:
        """Reserved units waiting to ship to buyers: reserved = customer orders + FC transfer + FC processing."""
        return self.reserved - self.fc_transfer - self.fc_processing


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


# ---- further seller facts: FBA fees and storage, removals, MFN returns, replacements,
# feedback, listings that left the catalogue, buyers (the further flat-file reports) ----

# FBA storage: a monthly rate per unit of volume (January-September, October-December), the
# aged-inventory surcharge per unit of volume on units 365+ days old, and the storage limit
# (units of volume) above which the overage fee rate applies. Synthetic figures.
_STORAGE_RATE = {"USD": (Decimal("0.78"), Decimal("2.40")), "EUR": (Decimal("26.00"), Decimal("36.00")),
                 "JPY": (Decimal("5160"), Decimal("9170"))}
_AGED_RATE = {"USD": Decimal("6.90"), "EUR": Decimal("170.00"), "JPY": Decimal("17773")}
_OVERAGE_RATE = {"USD": Decimal("10.00"), "EUR": Decimal("280.00"), "JPY": Decimal("29000")}
_REMOVAL_FEE = {"USD": Decimal("1.04"), "EUR": Decimal("0.50"), "JPY": Decimal("54")}
_RETURN_LABEL = {"USD": Decimal("6.49"), "EUR": Decimal("4.99"), "JPY": Decimal("700")}
_CARRIERS = {"US": "UPS", "DE": "DHL", "JP": "Yamato"}
# Inventory age buckets (days in the warehouse) the planning report and the aged-inventory charge read.
AGE_BUCKETS = ("0-30", "31-60", "61-90", "91-180", "181-270", "271-330", "331-365", "365+")
_AGE_WEIGHTS = (40, 22, 13, 10, 6, 4, 2, 3)
REMOVAL_EPOCH = date(2024, 1, 3)
REMOVAL_EVERY = 2  # days between two removal orders of a marketplace
_BUYER_NAMES = {"US": ["Jordan Smith", "Avery Johnson", "Casey Brown", "Riley Davis"],
                "DE": ["Jonas Müller", "Lea Schäfer", "Lukas Weiß", "Anna Groß"],
                "JP": ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲"]}
_STREETS = {"US": ["Main St", "Oak Ave", "Pine Rd"], "DE": ["Hauptstraße", "Gartenweg", "Lindenallee"],
            "JP": ["1-2-3 丸の内", "4-5-6 梅田", "7-8-9 栄"]}
_FEEDBACK = {"US": ["Arrived late.", "Box was damaged.", "Not as described."],
             "DE": ["Lieferung kam zu spät.", "Verpackung beschädigt.", "Nicht wie beschrieben."],
             "JP": ["配送が遅れました。", "箱が破損していました。", "説明と違いました。"]}


@dataclass(frozen=True)
class Package:
    """A product's packaged size as its marketplace measures it (inches, pounds and cubic feet in
    NA; centimetres, grams and cubic metres elsewhere)."""

    longest_side: Decimal
    median_side: Decimal
    shortest_side: Decimal
    dimension_unit: str  # inches | centimeters
    weight: Decimal
    weight_unit: str  # pounds | grams
    volume: Decimal  # one unit
    volume_unit: str  # cubic feet | cubic meters
    size_tier: str  # Standard | Oversize

    @property
    def length_and_girth(self) -> Decimal:
        return self.longest_side + 2 * (self.median_side + self.shortest_side)

    @property
    def volume_text(self) -> str:
        """The restock report's ``Unit storage size`` (``0.1736 ft3``)."""
        return f"{self.volume} {'ft3' if self.volume_unit == 'cubic feet' else 'm3'}"


@dataclass(frozen=True)
class FeePreview:
    """The FBA fees Amazon expects for one unit of a product (the fee preview's numbers): the
    referral fee as settlements charge it and the FBA fee settlements charge per unit."""

    product: Product
    package: Package
    store: str  # the marketplace's country
    currency: str
    referral_fee: Decimal
    fulfillment_fee: Decimal
    variable_closing_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.referral_fee + self.fulfillment_fee + self.variable_closing_fee


@dataclass(frozen=True)
class InventoryAge:
    """A SKU's fulfillable units on a day by days spent in the warehouse (``AGE_BUCKETS``)."""

    product: Product
    day: date
    units: tuple[int, ...]

    def bucket(self, name: str) -> int:
        return self.units[AGE_BUCKETS.index(name)]

    def between(self, first: str, last: str) -> int:
        """Units of the buckets ``first`` to ``last`` (inclusive)."""
        return sum(self.units[AGE_BUCKETS.index(first):AGE_BUCKETS.index(last) + 1])


@dataclass(frozen=True)
class StorageFee:
    """One SKU's monthly storage charge at its fulfilment centre."""

    product: Product
    package: Package
    month: date  # the month's first day
    fulfillment_center: str
    country: str
    currency: str
    average_on_hand: Decimal  # daily average of the warehouse quantity
    average_pending_removal: Decimal
    average_customer_orders: Decimal
    rate: Decimal  # per unit of volume

    @property
    def total_volume(self) -> Decimal:
        return (self.package.volume * self.average_on_hand).quantize(Decimal("0.0001"))

    @property
    def fee(self) -> Decimal:
        return _money(self.total_volume * self.rate, MARKETPLACES[self.product.marketplace_id].decimals)


@dataclass(frozen=True)
class AgedInventoryCharge:
    """The monthly aged-inventory (long-term storage) charge of one SKU's units aged 365+ days."""

    product: Product
    package: Package
    snapshot: datetime  # the 15th of the month, when Amazon counts the units
    country: str
    currency: str
    quantity: int
    rate: Decimal  # per unit of volume
    age_tier: str = "365+"

    @property
    def volume_unit(self) -> str:
        return self.package.volume_unit.replace(" ", "_")  # cubic_feet

    @property
    def amount(self) -> Decimal:
        mp = MARKETPLACES[self.product.marketplace_id]
        return _money(self.package.volume * self.quantity * self.rate, mp.decimals)


@dataclass(frozen=True)
class StorageOverage:
    """A month in which the marketplace's stored volume of one storage type exceeded its limit."""

    charged: datetime
    country: str
    storage_type: str
    rate: Decimal
    usage: Decimal
    limit: Decimal
    volume_unit: str
    currency: str

    @property
    def charged_day(self) -> date:
        return self.charged.astimezone(UTC).date()

    @property
    def overage(self) -> Decimal:
        return self.usage - self.limit

    @property
    def fee(self) -> Decimal:
        return _money(self.overage * self.rate, 0 if self.currency == "JPY" else 2)


@dataclass(frozen=True)
class RemovalOrderItem:
    """One SKU of a removal order (units Amazon returns to the seller or disposes of), as of a moment."""

    order_id: str
    request_date: datetime
    order_type: str  # Return | Disposal
    order_status: str  # Pending | Completed
    last_updated_date: datetime
    completed: datetime  # when the units leave (shipped or disposed)
    product: Product
    disposition: str  # Sellable | Unsellable
    requested: int
    cancelled: int
    shipped: int
    disposed: int
    in_process: int
    fee_per_unit: Decimal
    currency: str
    carrier: str
    tracking_number: str

    @property
    def removal_fee(self) -> Decimal:
        return self.fee_per_unit * (self.requested - self.cancelled)

    def pending(self) -> "RemovalOrderItem":
        """This item before its order completed: every requested unit still in process."""
        return replace(self, order_status="Pending", last_updated_date=self.request_date, shipped=0, disposed=0,
                       in_process=self.requested - self.cancelled)


@dataclass(frozen=True)
class MerchantReturn:
    """A buyer's return of a merchant-fulfilled order item (the MFN returns report), as of a moment."""

    item: OrderItem
    requested_at: datetime
    status: str  # Approved | Completed
    rma_id: str
    label_type: str
    label_cost: Decimal
    tracking_id: str
    a_to_z_claim: bool
    is_prime: bool
    quantity: int
    reason: str
    in_policy: bool
    resolution: str
    delivered: date | None  # at the seller; None until then
    refunded_amount: Decimal | None  # None until delivered
    carrier: str

    @property
    def order_day(self) -> date:
        return self.item.purchase_date.astimezone(UTC).date()

    @property
    def request_day(self) -> date:
        return self.requested_at.astimezone(UTC).date()


@dataclass(frozen=True)
class Replacement:
    """A replacement unit Amazon shipped for an FBA shipment (lost or damaged on its way)."""

    original: Shipment
    replacement_order_id: str
    shipment_date: datetime
    fulfillment_center_id: str
    reason_code: str

    @property
    def quantity(self) -> int:
        return self.original.item.quantity


@dataclass(frozen=True)
class PromotedShipment:
    """An FBA shipment of an item bought while a promotion of its ASIN ran, and the promotion's discount."""

    shipment: Shipment
    promotion: Promotion
    discount: Decimal

    @property
    def rule(self) -> str:
        return f"{self.promotion.discount_percent}% off"


@dataclass(frozen=True)
class Buyer:
    """Who bought an order, as restricted (PII) reports show them."""

    name: str
    email: str
    phone: str
    address_1: str
    address_2: str
    address_3: str = ""


@dataclass(frozen=True)
class UnshippedItem:
    """A merchant-fulfilled order item still to ship at ``now`` (the actionable orders report)."""

    item: OrderItem  # as observed at ``now`` (pending)
    buyer: Buyer
    now: datetime

    @property
    def payments_date(self) -> datetime:
        return self.item.purchase_date  # fulfillable once paid, paid when ordered

    @property
    def promise_date(self) -> datetime:
        return self.item.purchase_date + timedelta(days=3)

    @property
    def days_past_promise(self) -> int:
        return (self.now.astimezone(UTC).date() - self.promise_date.astimezone(UTC).date()).days

    @property
    def is_prime(self) -> bool:
        return self.item.ship_service_level == "Expedited"

    @property
    def quantity_shipped(self) -> int:
        return 0

    @property
    def quantity_to_ship(self) -> int:
        return self.item.ordered_quantity


@dataclass(frozen=True)
class Feedback:
    """A buyer's neutral or negative seller feedback on an order."""

    item: OrderItem  # the order's first line
    day: date
    rating: int  # 1-3
    comments: str
    response: str
    rater_email: str


@dataclass(frozen=True)
class ListingIssue:
    """A listing Amazon suppressed from search, and why."""

    product: Product
    status: str
    reason: str
    changed: date
    description: str


@dataclass(frozen=True)
class Transaction:
    """One money movement of the Date Range transaction report: a settlement's lines of one order
    item (or refund) summed by kind."""

    posted: datetime
    settlement_id: str
    type: str  # Order | Refund
    order_id: str
    sku: str
    description: str
    quantity: int | None
    marketplace: str
    fulfillment: str  # Amazon | Seller
    city: str
    state: str
    postal: str
    product_sales: Decimal
    product_sales_tax: Decimal
    shipping_credits: Decimal
    selling_fees: Decimal
    fba_fees: Decimal
    zero: Decimal  # the amounts this seller never has (gift wrap, rebates, withheld tax, other)

    @property
    def total(self) -> Decimal:
        return self.product_sales + self.product_sales_tax + self.shipping_credits + self.selling_fees + self.fba_fees


def _money(value: float | Decimal, decimals: int) -> Decimal:
    q = CENT if decimals == 2 else Decimal(1)
    return Decimal(str(value)).quantize(q)


class SyntheticSeller:
    """A seller account with products in several marketplaces and a steady
    stream of orders. ``orders_per_day`` is the US volume; DE and JP get a
    fixed share of it."""

    def __init__(self, seed: int = 7, orders_per_day: int = 40, skus: int = 24,
                 marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES), seller_id: str = "A2SANDBOXSELLER",
                 order_block: int = 0):
        unknown = [m for m in marketplace_ids if m not in MARKETPLACES]
        if unknown:
            raise ValueError(f"unknown sandbox marketplace ids {unknown}; known: {sorted(MARKETPLACES)}")
        self.seed = seed
        self.orders_per_day = orders_per_day
        self.sku_count = skus
        self.marketplace_ids = marketplace_ids
        self.seller_id = seller_id
        self.order_block = order_block  # sellers of one sandbox number their orders in different blocks
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
            number = self.order_block * 100_000 + o
            order_id = f"{mp.order_prefix}-{day.toordinal() % 10_000_000:07d}-{number:07d}"
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
                    order_item_id=f"{day.toordinal() % 100000:05d}{number:07d}{line:02d}",
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


    # ---- FBA fees and storage ------------------------------------------------------------
    def package(self, product: Product) -> Package:
        """The product's packaged size in its marketplace's units (a fixed fact of the SKU)."""
        mp = MARKETPLACES[product.marketplace_id]
        i = int(product.sku.rsplit("-", 1)[1].lstrip("CR") or 0)
        cm = sorted((Decimal(12 + (i * 7) % 38), Decimal(8 + (i * 5) % 20), Decimal(2 + (i * 3) % 9)), reverse=True)
        grams = 120 + (i * 137) % 1900
        oversize = cm[0] > 45 or grams > 9000
        tier = "Oversize" if oversize else "Standard"
        if mp.region == "na":
            inches = [(c / Decimal("2.54")).quantize(CENT) for c in cm]
            cubic_feet = (inches[0] * inches[1] * inches[2] / 1728).quantize(Decimal("0.0001"))
            return Package(*inches, "inches", (Decimal(grams) / Decimal("453.59237")).quantize(CENT), "pounds",
                           cubic_feet, "cubic feet", tier)
        cubic_meters = (cm[0] * cm[1] * cm[2] / 1_000_000).quantize(Decimal("0.000001"))
        return Package(*[c.quantize(CENT) for c in cm], "centimeters", Decimal(grams), "grams", cubic_meters,
                       "cubic meters", tier)

    def fee_preview(self, marketplace_id: str) -> list[FeePreview]:
        """The expected fees of one unit of every FBA product at its current price."""
        mp = MARKETPLACES[marketplace_id]
        return [FeePreview(p, self.package(p), mp.country, mp.currency,
                           referral_fee=_money(p.price * Decimal("0.15"), mp.decimals),
                           fulfillment_fee=_FBA_FEE[mp.currency], variable_closing_fee=_money(0, mp.decimals))
                for p in self.products(marketplace_id) if p.fulfillment == "AFN"]

    def storage_rate(self, marketplace_id: str, month: date) -> Decimal:
        """The monthly storage fee per unit of volume (higher from October to December)."""
        return _STORAGE_RATE[MARKETPLACES[marketplace_id].currency][0 if month.month < 10 else 1]

    def aged_inventory_rate(self, marketplace_id: str) -> Decimal:
        """The aged-inventory (long-term storage) charge per unit of volume aged 365+ days."""
        return _AGED_RATE[MARKETPLACES[marketplace_id].currency]

    def home_fulfillment_center(self, product: Product) -> str:
        """The fulfilment centre that stores the product (storage is charged there)."""
        fcs = _FCS[MARKETPLACES[product.marketplace_id].country]
        return fcs[int(product.sku.rsplit("-", 1)[1].lstrip("CR") or 0) % len(fcs)]

    def inventory_age(self, marketplace_id: str, day: date) -> list[InventoryAge]:
        """Each FBA SKU's fulfillable units on ``day`` (``inventory``) split by age (``AGE_BUCKETS``)."""
        out = []
        for record in self.inventory(marketplace_id, day):
            rng = random.Random(f"{self.seed}:age:{marketplace_id}:{record.product.sku}:{day.isoformat()}")
            weights = [w * rng.uniform(0.5, 1.5) for w in _AGE_WEIGHTS]
            shares = [int(record.fulfillable * w / sum(weights)) for w in weights]
            shares[0] += record.fulfillable - sum(shares)
            out.append(InventoryAge(record.product, day, tuple(shares)))
        return out

    def storage_fees(self, marketplace_id: str, month: date) -> list[StorageFee]:
        """The month's storage charge of every FBA SKU: its daily average warehouse quantity times its
        unit volume times the month's rate."""
        mp = MARKETPLACES[marketplace_id]
        first = month.replace(day=1)
        days = list(_days(datetime.combine(first, time(), UTC), datetime.combine(_next_month(first), time(), UTC)))
        on_hand: dict[str, int] = {}
        orders: dict[str, int] = {}
        for d in days:
            for r in self.inventory(marketplace_id, d):
                on_hand[r.product.sku] = on_hand.get(r.product.sku, 0) + r.warehouse
                orders[r.product.sku] = orders.get(r.product.sku, 0) + r.customer_orders
        pending = self._pending_removal_units(marketplace_id, days)
        rate = self.storage_rate(marketplace_id, first)
        n = Decimal(len(days))
        return [StorageFee(p, self.package(p), first, self.home_fulfillment_center(p), mp.country, mp.currency,
                           average_on_hand=(on_hand[p.sku] / n).quantize(CENT),
                           average_pending_removal=(pending.get(p.sku, 0) / n).quantize(CENT),
                           average_customer_orders=(orders[p.sku] / n).quantize(CENT), rate=rate)
                for p in self.products(marketplace_id) if p.sku in on_hand]

    def aged_inventory_charges(self, marketplace_id: str, month: date) -> list[AgedInventoryCharge]:
        """The month's aged-inventory charges: units aged 365+ days on the 15th (``inventory_age``)."""
        mp = MARKETPLACES[marketplace_id]
        snapshot = datetime.combine(month.replace(day=15), time(), UTC)
        return [AgedInventoryCharge(a.product, self.package(a.product), snapshot, mp.country, mp.currency,
                                    a.bucket("365+"), self.aged_inventory_rate(marketplace_id))
                for a in self.inventory_age(marketplace_id, snapshot.date()) if a.bucket("365+")]

    def storage_limit(self, marketplace_id: str) -> Decimal:
        """The standard-size storage volume the marketplace's seller may use (in its volume unit)."""
        fees = self.storage_fees(marketplace_id, REMOVAL_EPOCH)  # sized on the first month of the seller's history
        return sum((f.package.volume * 195 for f in fees if f.package.size_tier == "Standard"),
                   Decimal(0)).quantize(Decimal("0.01"))

    def storage_overages(self, marketplace_id: str, month: date) -> list[StorageOverage]:
        """The month's overage charge: the standard-size volume stored on average above ``storage_limit``."""
        mp = MARKETPLACES[marketplace_id]
        fees = [f for f in self.storage_fees(marketplace_id, month) if f.package.size_tier == "Standard"]
        usage = sum((f.total_volume for f in fees), Decimal(0))
        limit = self.storage_limit(marketplace_id)
        if not fees or usage <= limit:
            return []
        charged = datetime.combine(_next_month(month.replace(day=1)), time(), UTC) + timedelta(days=6)
        return [StorageOverage(charged, mp.country, "Standard", _OVERAGE_RATE[mp.currency], usage, limit,
                               fees[0].package.volume_unit, mp.currency)]

    # ---- removals ------------------------------------------------------------------------
    def removal_orders(self, marketplace_id: str, start: datetime, end: datetime) -> list[RemovalOrderItem]:
        """Items of the removal orders requested in ``[start, end)``, as of ``self.as_of``: one order every
        REMOVAL_EVERY days returning sellable or disposing of unsellable units of one or two FBA SKUs."""
        mp = MARKETPLACES[marketplace_id]
        afn = [p for p in self.products(marketplace_id) if p.fulfillment == "AFN"]
        out = []
        first = max(0, (start.date() - REMOVAL_EPOCH).days // REMOVAL_EVERY)
        for n in range(first, max(first, (end.date() - REMOVAL_EPOCH).days // REMOVAL_EVERY + 1)):
            rng = random.Random(f"{self.seed}:removal:{marketplace_id}:{n}")
            requested_at = datetime.combine(REMOVAL_EPOCH + timedelta(days=REMOVAL_EVERY * n), time(), UTC) \
                + timedelta(seconds=rng.randrange(86400))
            if not start <= requested_at < end or (self.as_of is not None and requested_at > self.as_of):
                continue
            disposal = rng.random() < 0.25
            completed = requested_at + timedelta(days=rng.randrange(4, 13), hours=rng.randrange(24))
            order_id = f"{'D' if disposal else 'R'}{mp.country}{self.seed % 100:02d}{n:06d}"
            for line, p in enumerate(rng.sample(afn, min(len(afn), 1 + (rng.random() < 0.3)))):
                requested = rng.randrange(1, 5) if disposal else rng.randrange(2, 11)
                cancelled = 1 if rng.random() < 0.15 else 0
                done = requested - cancelled
                item = RemovalOrderItem(
                    order_id=order_id, request_date=requested_at, order_type="Disposal" if disposal else "Return",
                    order_status="Completed", last_updated_date=completed, completed=completed, product=p,
                    disposition="Unsellable" if disposal else "Sellable", requested=requested, cancelled=cancelled,
                    shipped=0 if disposal else done, disposed=done if disposal else 0, in_process=0,
                    fee_per_unit=_REMOVAL_FEE[mp.currency], currency=mp.currency, carrier=_CARRIERS[mp.country],
                    tracking_number="" if disposal else f"1Z{rng.randrange(10**12):012d}{line}")
                out.append(item if self.as_of is None or completed <= self.as_of else item.pending())
        return out

    def removal_shipments(self, marketplace_id: str, start: datetime, end: datetime) -> list[RemovalOrderItem]:
        """Returned (not disposed) removal items shipped in ``[start, end)``, as of ``self.as_of``."""
        found = self.removal_orders(marketplace_id, start - timedelta(days=14), end)
        return sorted((r for r in found if r.order_type == "Return" and r.order_status == "Completed"
                       and start <= r.completed < end), key=lambda r: r.completed)

    def _pending_removal_units(self, marketplace_id: str, days: list[date]) -> dict[str, int]:
        """Per SKU, the units of removal orders in process summed over ``days`` (at each day's end)."""
        if not days:
            return {}
        lo = datetime.combine(days[0], time(), UTC) - timedelta(days=14)
        hi = datetime.combine(days[-1], time(), UTC) + timedelta(days=1)
        orders = self.at(None).removal_orders(marketplace_id, lo, hi)
        out: dict[str, int] = {}
        for d in days:
            moment = datetime.combine(d, time(), UTC) + timedelta(days=1)
            for r in orders:
                if r.request_date < moment < r.completed:
                    out[r.product.sku] = out.get(r.product.sku, 0) + r.requested - r.cancelled
        return out

    def pending_removal(self, marketplace_id: str, moment: datetime) -> dict[str, int]:
        """Per SKU, the units of removal orders in process at ``moment``."""
        orders = self.at(None).removal_orders(marketplace_id, moment - timedelta(days=14), moment)
        out: dict[str, int] = {}
        for r in orders:
            if r.request_date <= moment < r.completed:
                out[r.product.sku] = out.get(r.product.sku, 0) + r.requested - r.cancelled
        return out

    # ---- merchant-fulfilled returns, replacements, promotions ---------------------------------
    def merchant_returns(self, marketplace_id: str, purchase_day: date) -> list[MerchantReturn]:
        """Returns of merchant-fulfilled items purchased on ``purchase_day`` (about 8%), as of ``self.as_of``."""
        mp = MARKETPLACES[marketplace_id]
        q = CENT if mp.decimals else Decimal(1)
        out = []
        for item in self.at(None).order_items(marketplace_id, purchase_day):
            if item.fulfillment_channel != "Merchant" or not item.shipped:
                continue
            rng = random.Random(f"{self.seed}:mfn-return:{item.order_item_id}:{marketplace_id}")
            if rng.random() >= 0.08:
                continue
            requested = item.purchase_date + timedelta(days=rng.randrange(4, 25), seconds=rng.randrange(86400))
            if self.as_of is not None and requested > self.as_of:
                continue
            delivered = requested + timedelta(days=rng.randrange(3, 9))
            arrived = self.as_of is None or delivered <= self.as_of
            quantity = 1 if item.quantity > 1 and rng.random() < 0.5 else item.quantity
            defective = rng.random() < 0.4
            out.append(MerchantReturn(
                item=item, requested_at=requested, status="Completed" if arrived else "Approved",
                rma_id=f"D{rng.randrange(16**8):08x}RMA", label_type="AmazonPrePaidLabel" if defective
                else "AmazonUnPaidLabel", label_cost=_RETURN_LABEL[mp.currency],
                tracking_id=f"1Z{rng.randrange(10**14):014d}", a_to_z_claim=False,
                is_prime=item.ship_service_level == "Expedited", quantity=quantity,
                reason="CR-DEFECTIVE" if defective else rng.choice(["CR-ORDERED_WRONG_ITEM", "CR-MISSING_PARTS"]),
                in_policy=True, resolution="StandardRefund",
                delivered=delivered.date() if arrived else None,
                refunded_amount=(item.item_price * quantity / item.quantity).quantize(q) if arrived else None,
                carrier=_CARRIERS[mp.country]))
        return out

    def merchant_returns_between(self, marketplace_id: str, first: date, last: date) -> list[MerchantReturn]:
        """MFN returns requested on the days ``first`` to ``last`` (UTC), in request order."""
        lo, hi = datetime.combine(first, time(), UTC), datetime.combine(last, time(), UTC) + timedelta(days=1)
        found = [r for d in _days(lo - timedelta(days=25), hi) for r in self.merchant_returns(marketplace_id, d)
                 if lo <= r.requested_at < hi]
        return sorted(found, key=lambda r: r.requested_at)

    def replacements_between(self, marketplace_id: str, start: datetime, end: datetime) -> list[Replacement]:
        """Replacement units shipped in ``[start, end)`` for about 3% of FBA shipments, 3-9 days later."""
        mp = MARKETPLACES[marketplace_id]
        out = []
        for s in self.shipments_between(marketplace_id, start - timedelta(days=10), end):
            rng = random.Random(f"{self.seed}:replacement:{s.shipment_item_id}")
            if rng.random() >= 0.03:
                continue
            shipped = s.shipment_date + timedelta(days=rng.randrange(3, 10), seconds=rng.randrange(86400))
            if not start <= shipped < end:
                continue
            prefix, day_part, _ = s.item.amazon_order_id.split("-")
            out.append(Replacement(s, f"{prefix}-{day_part}-{9_000_000 + rng.randrange(10**6):07d}", shipped,
                                   rng.choice(_FCS[mp.country]), rng.choice(["LOST_IN_TRANSIT", "DAMAGED_IN_TRANSIT"])))
        return sorted(out, key=lambda r: r.shipment_date)

    def promoted_shipments(self, marketplace_id: str, start: datetime, end: datetime,
                           kinds: tuple[str, ...] = PROMOTION_KINDS) -> list[PromotedShipment]:
        """FBA shipments in ``[start, end)`` of items purchased while a promotion (of ``kinds``) of their
        ASIN ran; the discount is the promotion's percentage of the item price."""
        mp = MARKETPLACES[marketplace_id]
        shipments = self.shipments_between(marketplace_id, start, end)
        if not shipments:
            return []
        longest = timedelta(hours=max(_PROMOTION_HOURS.values()))
        running = [p for p in self.promotions(marketplace_id, start - timedelta(days=3) - longest, end)
                   if p.kind in kinds]
        out = []
        for s in shipments:
            for p in running:
                if s.item.asin in p.asins and p.start <= s.item.purchase_date < p.end:
                    out.append(PromotedShipment(s, p, _money(s.item.item_price * p.discount_percent / 100,
                                                             mp.decimals)))
        return out

    # ---- buyers, unshipped orders, feedback -------------------------------------------------
    def buyer(self, item: OrderItem) -> Buyer:
        """The (synthetic) buyer of the item's order."""
        country = MARKETPLACES[item.marketplace_id].country
        rng = random.Random(f"{self.seed}:buyer:{item.amazon_order_id}")
        name = rng.choice(_BUYER_NAMES[country])
        phone = {"US": f"+1 206-555-{rng.randrange(10**4):04d}", "DE": f"+49 30 {rng.randrange(10**7):07d}",
                 "JP": f"+81 3-{rng.randrange(10**4):04d}-{rng.randrange(10**4):04d}"}[country]
        return Buyer(name, f"{rng.randrange(16**12):012x}@marketplace.amazon.com", phone,
                     f"{rng.randrange(1, 999)} {rng.choice(_STREETS[country])}",
                     f"Apt {rng.randrange(1, 60)}" if rng.random() < 0.3 else "")

    def unshipped_items(self, marketplace_id: str, start: datetime, end: datetime) -> list[UnshippedItem]:
        """Merchant-fulfilled items still to ship at ``self.as_of`` that became fulfillable in ``[start, end)``."""
        now = self.as_of or datetime.now(UTC)
        return [UnshippedItem(i, self.buyer(i), now)
                for i in self.at(now).order_items_between(marketplace_id, start, min(end, now))
                if i.fulfillment_channel == "Merchant" and i.order_status == "Pending"]

    def feedback_between(self, marketplace_id: str, first: date, last: date) -> list[Feedback]:
        """Neutral or negative feedback left on the days ``first`` to ``last`` (about 3% of shipped orders,
        2-14 days after their last update), as of ``self.as_of``."""
        country = MARKETPLACES[marketplace_id].country
        out = []
        for d in _days(datetime.combine(first, time(), UTC) - timedelta(days=18),
                       datetime.combine(last, time(), UTC) + timedelta(days=1)):
            seen: set[str] = set()
            for i in self.at(None).order_items(marketplace_id, d):
                if i.amazon_order_id in seen or not i.shipped:
                    continue
                seen.add(i.amazon_order_id)
                rng = random.Random(f"{self.seed}:feedback:{i.amazon_order_id}")
                if rng.random() >= 0.03:
                    continue
                left = i.last_updated_date + timedelta(days=rng.randrange(2, 15))
                if not first <= left.date() <= last or (self.as_of is not None and left > self.as_of):
                    continue
                rating = rng.randrange(1, 4)
                out.append(Feedback(i, left.date(), rating, rng.choice(_FEEDBACK[country]),
                                    "We are sorry and have contacted you." if rating == 1 else "",
                                    f"{rng.randrange(16**12):012x}@marketplace.amazon.com"))
        return sorted(out, key=lambda f: (f.day, f.item.amazon_order_id))

    # ---- listings beyond the active catalogue ------------------------------------------------
    def retired_products(self, marketplace_id: str) -> list[Product]:
        """Products the seller stopped selling: even ones are inactive listings (FBA units still
        stored), odd ones cancelled (closed, nothing stored). They never get orders."""
        mp = MARKETPLACES[marketplace_id]
        rng = random.Random(f"{self.seed}:retired:{marketplace_id}")
        names = _NAMES[mp.country]
        return [Product(sku=f"SKU-R{i:04d}", asin=f"B0{self.seed % 100:02d}9{i:05d}",
                        parent_asin=f"B0P{self.seed % 100:02d}9{i:04d}", fnsku=f"X00{self.seed % 100:02d}9{i:04d}",
                        marketplace_id=marketplace_id, name=f"{names[i % len(names)]} (2022)",
                        price=_money(_BASE_PRICE[mp.currency] * Decimal(1 + i % 3), mp.decimals),
                        open_date=datetime(2022, 3, 1, tzinfo=UTC) + timedelta(days=rng.randrange(200)),
                        fulfillment="AFN" if i % 4 < 2 else "MFN")
                for i in range(max(2, self.sku_count // 6))]

    def inactive_listings(self, marketplace_id: str) -> list[Listing]:
        return self._retired_listings(marketplace_id, 0)

    def cancelled_listings(self, marketplace_id: str) -> list[Listing]:
        return self._retired_listings(marketplace_id, 1)

    def _retired_listings(self, marketplace_id: str, parity: int) -> list[Listing]:
        region = MARKETPLACES[marketplace_id].region.upper()
        return [Listing(p, f"{p.open_date:%m%d}{self.seed % 100:02d}9{n:04d}", None if p.fulfillment == "AFN" else 0,
                        f"AMAZON_{region}" if p.fulfillment == "AFN" else "DEFAULT")
                for n, p in enumerate(self.retired_products(marketplace_id)) if n % 2 == parity]

    def retired_inventory(self, marketplace_id: str, as_of: date) -> list[InventoryRecord]:
        """FBA units of retired products: stranded under inactive listings, none under cancelled ones."""
        out = []
        for n, p in enumerate(self.retired_products(marketplace_id)):
            if p.fulfillment != "AFN":
                continue
            rng = random.Random(f"{self.seed}:retired-inv:{marketplace_id}:{p.sku}:{as_of.isoformat()}")
            inactive = n % 2 == 0
            out.append(InventoryRecord(p, fulfillable=rng.randrange(5, 60) if inactive else 0,
                                       unsellable=rng.randrange(0, 4) if inactive else 0, reserved=0,
                                       inbound_working=0, inbound_shipped=0, inbound_receiving=0, researching=0,
                                       fc_transfer=0, afn_listing_exists=inactive))
        return out

    def listing_issues(self, marketplace_id: str) -> list[ListingIssue]:
        """Active listings Amazon suppressed from search (every sixth product), with the missing attribute."""
        attributes = ("brand", "item_type_keyword", "color")
        return [ListingIssue(p, "Search Suppressed", "Missing info", (p.open_date + timedelta(days=30 + n)).date(),
                             f"'[{attributes[n % 3]}]' is required but not supplied.")
                for n, p in enumerate(self.products(marketplace_id)) if n % 6 == 2]

    # ---- Date Range transactions ------------------------------------------------------------
    def settlement_period(self, moment: datetime) -> tuple[datetime, datetime]:
        """The settlement period (14 days from SETTLEMENT_EPOCH) holding ``moment``."""
        n = (moment.astimezone(UTC).date() - SETTLEMENT_EPOCH).days // SETTLEMENT_DAYS
        start = datetime.combine(SETTLEMENT_EPOCH + timedelta(days=SETTLEMENT_DAYS * n), time(), UTC)
        return start, start + timedelta(days=SETTLEMENT_DAYS)

    def transactions(self, marketplace_id: str, start: datetime, end: datetime) -> Iterator[Transaction]:
        """Settlement movements posted in ``[start, end)``, one per order item and kind (Order, Refund), in
        settlement order: the Date Range report's rows, which add up to the settlements' amounts."""
        mp = MARKETPLACES[marketplace_id]
        items = {i.order_item_id: i for d in _days(start - timedelta(days=30), end)
                 for i in self.order_items(marketplace_id, d)}
        zero = _money(0, mp.decimals)
        period_start, _ = self.settlement_period(start)
        while period_start < end:
            period_end = period_start + timedelta(days=SETTLEMENT_DAYS)
            sid = self.settlement_id(marketplace_id, period_start)
            lines = (line for line in self._settlement_movements(marketplace_id, sid, period_start, period_end)
                     if start <= line.posted < end)
            for _, group in itertools.groupby(lines, key=lambda x: (x.transaction_type, x.order_item_code,
                                                                    x.adjustment_id, x.posted)):
                group = list(group)
                first, item = group[0], items[group[0].order_item_code]
                amounts = {(g.amount_type, g.amount_description): g.amount or zero for g in group}
                yield Transaction(
                    posted=first.posted, settlement_id=sid, type=first.transaction_type, order_id=first.order_id,
                    sku=first.sku, description=item.product_name, quantity=first.quantity,
                    marketplace=mp.sales_channel.lower(),
                    fulfillment="Amazon" if first.fulfillment_id == "AFN" else "Seller", city=item.ship_city,
                    state=item.ship_state, postal=item.ship_postal_code,
                    product_sales=amounts.get(("ItemPrice", "Principal"), zero),
                    product_sales_tax=amounts.get(("ItemPrice", "Tax"), zero),
                    shipping_credits=amounts.get(("ItemPrice", "Shipping"), zero),
                    selling_fees=amounts.get(("ItemFees", "Commission"), zero),
                    fba_fees=amounts.get(("ItemFees", "FBAPerUnitFulfillmentFee"), zero), zero=zero)
            period_start = period_end

def _deal_numbers(start_from: datetime, start_to: datetime, every: int) -> range:
    """Numbers of the deals (one every ``every`` days from DEALS_EPOCH) that may start in the range."""
    first = max(0, (start_from.date() - DEALS_EPOCH).days // every)
    return range(first, max(first, (start_to.date() - DEALS_EPOCH).days // every + 1))


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


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
