"""FBA inventory planning: the planning report and restock recommendations (snapshots as of now).

Headers: flat-file-columns.md §10 (GET_FBA_INVENTORY_PLANNING_DATA, 63 columns, Airbyte's
fixture; the production AIS columns are only named in part, so they are not served) and
flat-file-columns-2.md §14 (GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT, 30 Title-Case columns).

The numbers are the other reports' facts on the same day: quantities are the MYI snapshot's,
ages the aged-inventory charge's, shipped units and sales the Amazon-fulfilled shipments'
of the trailing days, pending removals the removal orders in process.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from pipelines.sandbox.formats import DAYS_OF_SUPPLY, ISO_DATE, SHIP_DATE_OR_NONE
from pipelines.sandbox.layouts.kinds import Measure
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
    Drift,
    Empty,
    FlatLayout,
    Fnsku,
    MarketplaceText,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
)
from pipelines.sandbox.seller import MARKETPLACES, InventoryAge, InventoryRecord, Package, SyntheticSeller

UTC = timezone.utc
TRAILING = (7, 30, 60, 90)  # days of shipped units and sales the reports show
RESTOCK_COVER_DAYS = 60  # a restock recommendation brings the units up to this many days of sales
ZERO = Decimal(0)


@dataclass(frozen=True)
class Shipped:
    """Units and sales of a SKU's FBA shipments in the days before a snapshot."""

    units: dict[int, int]
    sales: dict[int, Decimal]

    @property
    def daily_units(self) -> Decimal:
        return Decimal(self.units[30]) / 30


def _shipped(seller: SyntheticSeller, marketplace_id: str, day: date) -> dict[str, Shipped]:
    end = datetime.combine(day, time(), UTC)
    out: dict[str, Shipped] = {}
    for s in seller.shipments_between(marketplace_id, end - timedelta(days=max(TRAILING)), end):
        row = out.setdefault(s.item.sku, Shipped({n: 0 for n in TRAILING}, {n: ZERO for n in TRAILING}))
        for n in TRAILING:
            if s.shipment_date >= end - timedelta(days=n):
                row.units[n] += s.item.quantity
                row.sales[n] += s.item.item_price
    return out


NOTHING_SHIPPED = Shipped({n: 0 for n in TRAILING}, {n: ZERO for n in TRAILING})
# The planning report's age columns as ranges of the seller's AGE_BUCKETS.
_AGE_RANGES = {"age_0_30": ("0-30", "0-30"), "age_31_60": ("31-60", "31-60"), "age_61_90": ("61-90", "61-90"),
               "age_0_90": ("0-30", "61-90"), "age_91_180": ("91-180", "91-180"),
               "age_181_270": ("181-270", "181-270"), "age_181_330": ("181-270", "271-330"),
               "age_271_365": ("271-330", "331-365"), "age_331_365": ("331-365", "331-365"),
               "age_365_plus": ("365+", "365+")}


@dataclass(frozen=True)
class PlanningRow:
    record: InventoryRecord
    age: InventoryAge
    package: Package
    shipped: Shipped
    snapshot: date
    currency: str
    pending_removal: int
    storage_rate: Decimal  # next month's, per unit of volume
    aged_rate: Decimal

    def __getattr__(self, name: str):
        """``units_t7``..``sales_t90``: shipped units and sales; ``age_0_30``..: units of an age range."""
        kind, _, days = name.partition("_t")
        if kind in ("units", "sales") and days.isdigit():
            return getattr(self.shipped, kind)[int(days)]
        if name in _AGE_RANGES:
            return self.age.between(*_AGE_RANGES[name])
        raise AttributeError(name)

    @property
    def projected_aged_11_mo(self) -> Decimal:
        """The aged-inventory charge due next month on units now 331-365 days old."""
        return self._charge(self.age.bucket("331-365"))

    @property
    def next_aged_charge(self) -> Decimal:
        """The aged-inventory charge on units now 365+ days old (the next charge's units)."""
        return self._charge(self.age.bucket("365+"))

    def _charge(self, units: int) -> Decimal:
        return _money(self.package.volume * units * self.aged_rate, self.currency)

    @property
    def storage_volume(self) -> Decimal:
        return self.package.volume * self.record.warehouse

    @property
    def storage_cost_next_month(self) -> Decimal:
        return _money(self.storage_volume * self.storage_rate, self.currency)

    @property
    def inbound(self) -> int:
        return self.record.inbound_working + self.record.inbound_shipped + self.record.inbound_receiving

    @property
    def sell_through(self) -> Decimal:
        """Units shipped in 90 days per available unit."""
        return (Decimal(self.shipped.units[90]) / max(1, self.record.fulfillable)).quantize(Decimal("0.01"))

    @property
    def days_of_supply(self) -> int | None:
        daily = self.shipped.daily_units
        return None if not daily else int(self.record.fulfillable / daily)

    @property
    def weeks_of_cover_t30(self) -> Decimal | None:
        return self._weeks(Decimal(self.shipped.units[30]) / 30)

    @property
    def weeks_of_cover_t90(self) -> Decimal | None:
        return self._weeks(Decimal(self.shipped.units[90]) / 90)

    def _weeks(self, daily: Decimal) -> Decimal | None:
        return None if not daily else (self.record.fulfillable / daily / 7).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RestockRow:
    record: InventoryRecord
    package: Package
    shipped: Shipped
    today: date
    currency: str

    @property
    def units_30(self) -> int:
        return self.shipped.units[30]

    @property
    def sales_30(self) -> Decimal:
        return self.shipped.sales[30]

    @property
    def inbound(self) -> int:
        return self.record.inbound_working + self.record.inbound_shipped + self.record.inbound_receiving

    def _days(self, units: int) -> int | None:
        daily = self.shipped.daily_units
        return None if not daily else min(365, int(units / daily))  # 365 is written "365+"

    @property
    def total_days_of_supply(self) -> int | None:
        return self._days(self.record.total)

    @property
    def afn_days_of_supply(self) -> int | None:
        return self._days(self.record.fulfillable + self.record.fc_transfer + self.record.fc_processing)

    @property
    def replenish(self) -> int:
        return max(0, math.ceil(self.shipped.daily_units * RESTOCK_COVER_DAYS) - self.record.total)

    @property
    def ship_date(self) -> date | None:
        return self.today if self.replenish else None

    @property
    def alert(self) -> str:
        return "out_of_stock" if self.record.fulfillable == 0 else ""

    @property
    def action(self) -> str:
        # "No action required" is the documented value; the wording of a recommendation is unverified.
        return "Restock" if self.replenish else "No action required"


def _money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1) if currency == "JPY" else Decimal("0.01"))


def planning_rows(req: RowRequest) -> list[PlanningRow]:
    seller, mp, today = req.seller, req.marketplace_id, req.now.date()
    ages = {a.product.sku: a for a in seller.inventory_age(mp, today)}
    shipped = _shipped(seller, mp, today)
    pending = seller.pending_removal(mp, req.now)
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    currency = MARKETPLACES[mp].currency
    return [PlanningRow(r, ages[r.product.sku], seller.package(r.product), shipped.get(r.product.sku, NOTHING_SHIPPED),
                        today, currency, pending.get(r.product.sku, 0), seller.storage_rate(mp, next_month),
                        seller.aged_inventory_rate(mp))
            for r in seller.inventory(mp, today)]


def restock_rows(req: RowRequest) -> list[RestockRow]:
    seller, mp, today = req.seller, req.marketplace_id, req.now.date()
    shipped = _shipped(seller, mp, today)
    return [RestockRow(r, seller.package(r.product), shipped.get(r.product.sku, NOTHING_SHIPPED), today,
                       MARKETPLACES[mp].currency)
            for r in seller.inventory(mp, today)]


PLANNING_COLUMNS = (
    Col("snapshot-date", Day("snapshot", ISO_DATE)),  # YYYY-MM-DD (unverified, §10)
    Col("sku", Sku("record.product.sku")),
    Col("fnsku", Fnsku("record.product.fnsku")),
    Col("asin", Asin("record.product.asin")),
    Col("product-name", Text("record.product.name")),
    Col("condition", Const("New")),
    Col("available", Quantity("record.fulfillable")),
    Col("pending-removal-quantity", Quantity("pending_removal")),
    Col("inv-age-0-to-90-days", Quantity("age_0_90")),
    Col("inv-age-91-to-180-days", Quantity("age_91_180")),
    Col("inv-age-181-to-270-days", Quantity("age_181_270")),
    Col("inv-age-271-to-365-days", Quantity("age_271_365")),
    Col("inv-age-365-plus-days", Quantity("age_365_plus")),
    Col("currency", Text("currency")),
    Col("qty-to-be-charged-ltsf-11-mo", Quantity("age_331_365")),
    Col("projected-ltsf-11-mo", Money("projected_aged_11_mo")),
    Col("qty-to-be-charged-ltsf-12-mo", Quantity("age_365_plus")),
    Col("estimated-ltsf-next-charge", Money("next_aged_charge")),
    Col("units-shipped-t7", Quantity("units_t7")),
    Col("units-shipped-t30", Quantity("units_t30")),
    Col("units-shipped-t60", Quantity("units_t60")),
    Col("units-shipped-t90", Quantity("units_t90")),
    Col("alert", Empty()),
    Col("your-price", Money("record.product.price")),
    Col("sales-price", Money("record.product.price")),
    Col("lowest-price-new-plus-shipping", Empty()),
    Col("lowest-price-used", Empty()),
    Col("recommended-action", Empty()),
    Col("healthy-inventory-level", Empty()),
    Col("recommended-sales-price", Empty()),
    Col("recommended-sale-duration-days", Empty()),
    Col("recommended-removal-quantity", Empty()),
    Col("estimated-cost-savings-of-recommended-actions", Empty()),
    Col("sell-through", Measure("sell_through")),
    Col("item-volume", Measure("package.volume")),
    Col("volume-unit-measurement", Text("package.volume_unit")),
    Col("storage-type", Text("package.size_tier")),
    Col("storage-volume", Measure("storage_volume")),
    Col("marketplace", MarketplaceText("country")),  # US
    Col("product-group", Const("Home")),
    Col("sales-rank", Empty()),
    Col("days-of-supply", Quantity("days_of_supply")),
    Col("estimated-excess-quantity", Empty()),
    Col("weeks-of-cover-t30", Measure("weeks_of_cover_t30")),
    Col("weeks-of-cover-t90", Measure("weeks_of_cover_t90")),
    Col("featuredoffer-price", Money("record.product.price")),
    Col("sales-shipped-last-7-days", Money("sales_t7")),
    Col("sales-shipped-last-30-days", Money("sales_t30")),
    Col("sales-shipped-last-60-days", Money("sales_t60")),
    Col("sales-shipped-last-90-days", Money("sales_t90")),
    Col("inv-age-0-to-30-days", Quantity("age_0_30")),
    Col("inv-age-31-to-60-days", Quantity("age_31_60")),
    Col("inv-age-61-to-90-days", Quantity("age_61_90")),
    Col("inv-age-181-to-330-days", Quantity("age_181_330")),
    Col("inv-age-331-to-365-days", Quantity("age_331_365")),
    Col("estimated-storage-cost-next-month", Money("storage_cost_next_month")),
    Col("inbound-quantity", Quantity("inbound")),
    Col("inbound-working", Quantity("record.inbound_working")),
    Col("inbound-shipped", Quantity("record.inbound_shipped")),
    Col("inbound-received", Quantity("record.inbound_receiving")),
    Col("no-sale-last-6-months", Empty()),
    Col("reserved-quantity", Quantity("record.reserved")),
    Col("unfulfillable-quantity", Quantity("record.unsellable")),
)

RESTOCK_COLUMNS = (
    Col("Country", MarketplaceText("country")),
    Col("Product Name", Text("record.product.name")),
    Col("FNSKU", Fnsku("record.product.fnsku")),
    Col("Merchant SKU", Sku("record.product.sku")),
    Col("ASIN", Asin("record.product.asin")),
    Col("Condition", Const("New")),
    Col("Supplier", Const("unassigned")),
    Col("Supplier part no.", Empty()),
    Col("Currency code", Text("currency")),
    Col("Price", Money("record.product.price")),
    Col("Sales last 30 days", Money("sales_30")),
    Col("Units Sold Last 30 Days", Quantity("units_30")),
    Col("Total Units", Quantity("record.total")),
    Col("Inbound", Quantity("inbound")),
    Col("Available", Quantity("record.fulfillable")),
    Col("FC transfer", Quantity("record.fc_transfer")),
    Col("FC Processing", Quantity("record.fc_processing")),
    Col("Customer Order", Quantity("record.customer_orders")),
    Col("Unfulfillable", Quantity("record.unsellable")),
    Col("Working", Quantity("record.inbound_working")),
    Col("Shipped", Quantity("record.inbound_shipped")),
    Col("Receiving", Quantity("record.inbound_receiving")),
    Col("Fulfilled by", Const("Amazon")),
    Col("Total Days of Supply (including units from open shipments)",
        Quantity("total_days_of_supply", DAYS_OF_SUPPLY)),
    Col("Days of Supply at Amazon Fulfillment Network", Quantity("afn_days_of_supply", DAYS_OF_SUPPLY)),
    Col("Alert", Text("alert")),  # out_of_stock or empty
    Col("Recommended replenishment qty", Quantity("replenish")),
    # A date's form is unverified (§14): MM/DD/YYYY as the FBA inventory ledger's (part 1 §7).
    Col("Recommended ship date", Day("ship_date", SHIP_DATE_OR_NONE)),
    Col("Recommended action", Text("action")),
    Col("Unit storage size", Text("package.volume_text")),  # 0.1736 ft3
)

# Columns other headers of this report have (§10, "Quirks"): an older schema's 9-month LTSF pair, and the
# aged-inventory surcharge columns production files added (named here where the notes name them).
PLANNING_ALSO_SEEN = Drift((), "flat-file-columns.md §10 (older Airbyte schema; PR #32591)", also_seen=(
    "qty-to-be-charged-ltsf-9-mo", "projected-ltsf-9-mo", "estimated-ais-181-210-days", "estimated-ais-365-plus-days",
    "quantity-to-be-charged-ais-181-210-days", "quantity-to-be-charged-ais-365-plus-days"))

LAYOUTS = (
    FlatLayout("GET_FBA_INVENTORY_PLANNING_DATA", "flat-file-columns.md §10", PLANNING_COLUMNS, planning_rows,
               key=("snapshot-date", "sku", "marketplace"), snapshot=True, drift=PLANNING_ALSO_SEEN),
    # "Near real-time snapshot, and the window is presumably ignored" (§14).
    FlatLayout("GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", "flat-file-columns-2.md §14", RESTOCK_COLUMNS,
               restock_rows, key=("Country", "Merchant SKU"), snapshot=True),
)
