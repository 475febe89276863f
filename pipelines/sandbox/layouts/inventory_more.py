"""Further FBA inventory reports: AFN inventory (and by country), reserved inventory, MYI with
archived listings, stranded inventory (snapshots as of now) and the inventory ledger summary.

Headers: flat-file-columns-2.md §20 (GET_AFN_INVENTORY_DATA, GET_AFN_INVENTORY_DATA_BY_COUNTRY,
6 columns each), §21 (GET_RESERVED_INVENTORY_DATA: documented 8 columns in the US, the May 2026
production 9 in DE, the August 2026 production 9 in JP), §27 (GET_FBA_MYI_ALL_INVENTORY_DATA:
the MYI contract of part 1 §3 and its 24-column production drift), §15
(GET_STRANDED_INVENTORY_UI_DATA: 18 columns, ``program`` appended in production, served in DE
and JP) and part 1 §8 (GET_LEDGER_SUMMARY_VIEW_DATA: 21 columns, docs spelling; the spaced
production spelling in DE and JP; every field quoted, as both ledger reports are).

The ledger summary is the sum of the ledger detail's events per period, FNSKU, disposition
and location; its starting balance is the MYI fulfillable quantity on the period's first day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from pipelines.sandbox.formats import ISO_Z, LEDGER_PERIOD, Month
from pipelines.sandbox.layouts.inventory import MYI_COLUMNS, MYI_DRIFT
from pipelines.sandbox.layouts.kinds import ReportLayout, Variant
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
    Drift,
    Empty,
    FlatLayout,
    Fnsku,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import MARKETPLACES, InventoryRecord

UTC = timezone.utc
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
DRIFT_MARKETPLACES = (DE, JP)
STRANDED_FOR = timedelta(days=60)  # Amazon removes stranded units automatically after this long (synthetic)


# ---- AFN inventory --------------------------------------------------------------------

@dataclass(frozen=True)
class AfnLine:
    record: InventoryRecord
    condition_code: str  # SELLABLE | UNSELLABLE
    country: str
    quantity: int


def afn_lines(req: RowRequest) -> Iterator[AfnLine]:
    """Per FBA SKU, its sellable units, and its unsellable ones where it has some."""
    country = MARKETPLACES[req.marketplace_id].country
    for r in req.seller.inventory(req.marketplace_id, req.now.date()):
        yield AfnLine(r, "SELLABLE", country, r.fulfillable)
        if r.unsellable:
            yield AfnLine(r, "UNSELLABLE", country, r.unsellable)


def afn_by_country(req: RowRequest) -> list[AfnLine]:
    """Units available for local fulfilment per country: European marketplaces only (§20, "Availability")."""
    if MARKETPLACES[req.marketplace_id].region != "eu":
        return []  # nothing to report: the report ends CANCELLED
    return [line for line in afn_lines(req) if line.condition_code == "SELLABLE"]


_AFN_ID = (
    Col("seller-sku", Sku("record.product.sku")),
    Col("fulfillment-channel-sku", Fnsku("record.product.fnsku")),
    Col("asin", Asin("record.product.asin")),
    Col("condition-type", Const("NewItem")),  # enumeration unverified
)
AFN_COLUMNS = _AFN_ID + (
    Col("Warehouse-Condition-code", Text("condition_code")),
    Col("Quantity Available", Quantity("quantity")),
)
AFN_BY_COUNTRY_COLUMNS = _AFN_ID + (
    Col("country", Text("country")),
    Col("quantity-for-local-fulfillment", Quantity("quantity")),
)

# ---- reserved inventory -------------------------------------------------------------------

_RESERVED_ID = (
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("asin", Asin("product.asin")),
    Col("product-name", Text("product.name")),
    Col("reserved_qty", Quantity("reserved")),
    Col("reserved_customerorders", Quantity("customer_orders")),
)
RESERVED_COLUMNS = _RESERVED_ID + (
    Col("reserved_fc-transfers", Quantity("fc_transfer")),
    Col("reserved_fc-processing", Quantity("fc_processing")),
)
RESERVED_MAY_2026 = Variant((DE,), "flat-file-columns-2.md §21, real US document of May 2026 (SellerDataPipeline)",
                            RESERVED_COLUMNS + (Col("program", Empty()),))  # empty in the sample
RESERVED_AUGUST_2026 = Variant((JP,), "flat-file-columns-2.md §21, real NA document of August 2026 (LingxingSync)",
                               _RESERVED_ID + (Col("reserved_fc-processing", Quantity("fc_processing")),
                                               Col("reserved_staging", Const("0")),  # nothing staged here
                                               Col("program", Const("FBA"))))  # value unverified


def inventory_now(req: RowRequest) -> list[InventoryRecord]:
    return req.seller.inventory(req.marketplace_id, req.now.date())


def all_inventory(req: RowRequest) -> list[InventoryRecord]:
    """Active FBA SKUs and those of retired listings (stranded or archived)."""
    today = req.now.date()
    return req.seller.inventory(req.marketplace_id, today) + req.seller.retired_inventory(req.marketplace_id, today)


# ---- stranded inventory -------------------------------------------------------------------

@dataclass(frozen=True)
class Stranded:
    record: InventoryRecord
    stranded_at: datetime

    @property
    def auto_removal(self) -> datetime:
        return self.stranded_at + STRANDED_FOR


def stranded(req: RowRequest) -> list[Stranded]:
    """FBA units under inactive listings, stranded since the start of the month (before the auto-removal)."""
    month_start = datetime.combine(req.now.date().replace(day=1), time(), UTC)
    return [Stranded(r, month_start - timedelta(days=3 + n))
            for n, r in enumerate(req.seller.retired_inventory(req.marketplace_id, req.now.date()))
            if r.afn_listing_exists and r.fulfillable + r.unsellable]


STRANDED_COLUMNS = (
    Col("primary-action", Const("Relist")),  # the recommended action; wording unverified
    Col("date-stranded", Timestamp("stranded_at", ISO_Z)),  # raw form unverified: as the next column
    Col("Date-to-take-auto-removal", Timestamp("auto_removal", ISO_Z)),
    Col("status-primary", Const("Inactive")),  # values unverified
    Col("status-secondary", Empty()),
    Col("error-message", Empty()),
    Col("stranded-reason", Const("Inactive listing")),  # values unverified
    Col("asin", Asin("record.product.asin")),
    Col("sku", Sku("record.product.sku")),
    Col("fnsku", Fnsku("record.product.fnsku")),
    Col("product-name", Text("record.product.name")),
    Col("condition", Const("New")),
    Col("fulfilled-by", Const("Amazon")),
    Col("fulfillable-qty", Quantity("record.fulfillable")),
    Col("your-price", Money("record.product.price")),
    Col("unfulfillable-qty", Quantity("record.unsellable")),
    Col("reserved-quantity", Quantity("record.reserved")),
    Col("inbound-shipped-qty", Quantity("record.inbound_shipped")),
)
STRANDED_DRIFT = Drift(DRIFT_MARKETPLACES, "flat-file-columns-2.md §15 (LingxingSync f0a70f5, August 2026)",
                       added=(Col("program", Empty()),))  # value meaning unverified


# ---- ledger summary -----------------------------------------------------------------------

@dataclass
class LedgerSummary:
    """One period's movements of an FNSKU in one disposition and location (ledger detail sums)."""

    period: date  # a day, a week's Sunday, or a Month
    fnsku: str
    asin: str
    sku: str
    title: str
    disposition: str
    location: str
    starting: int
    customer_shipments: int = 0
    customer_returns: int = 0

    @property
    def ending(self) -> int:
        return self.starting + self.customer_shipments + self.customer_returns


def _period(day: date, granularity: str) -> date:
    if granularity == "DAILY":
        return day
    if granularity == "WEEKLY":
        return day - timedelta(days=(day.weekday() + 1) % 7)  # weeks run Sunday to Saturday
    return Month(day.year, day.month, 1)


def ledger_summary(req: RowRequest) -> list[LedgerSummary]:
    req.expect_window("period")
    days = req.days
    if not days:
        return []
    granularity = LEDGER_SUMMARY.option(req.options, "aggregatedByTimePeriod")
    by_fc = LEDGER_SUMMARY.option(req.options, "aggregateByLocation") == "FC"
    seller, mp = req.seller, req.marketplace_id
    opening: dict[date, dict[str, InventoryRecord]] = {}
    rows: dict[tuple, LedgerSummary] = {}
    for e in seller.ledger_events(mp, days[0], days[-1]):
        period = _period(e.date, granularity)
        first_day = max(period, days[0])
        location = e.fulfillment_center if by_fc else e.country
        key = (period, e.fnsku, e.disposition, location)
        if key not in rows:
            if first_day not in opening:
                opening[first_day] = {r.product.sku: r for r in seller.inventory(mp, first_day)}
            record = opening[first_day].get(e.sku)
            home = not by_fc or (record is not None and seller.home_fulfillment_center(record.product) == location)
            starting = record.fulfillable if record and home and e.disposition == "SELLABLE" else 0
            rows[key] = LedgerSummary(period, e.fnsku, e.asin, e.sku, e.title, e.disposition, location, starting)
        row = rows[key]
        if e.event_type == "Shipments":
            row.customer_shipments += e.quantity
        else:
            row.customer_returns += e.quantity
    return sorted(rows.values(), key=lambda r: (r.period, r.sku, r.disposition, r.location))


_NO_EVENTS = Const("0")  # movements this seller never has (receipts, transfers, found, lost, ...)
LEDGER_SUMMARY_COLUMNS = (
    Col("Date", Day("period", LEDGER_PERIOD)),  # MM/DD/YYYY (daily, weekly) or MM/YYYY (monthly)
    Col("FNSKU", Fnsku()),
    Col("ASIN", Asin()),
    Col("MSKU", Sku()),
    Col("Title", Text("title")),
    Col("Disposition", Text("disposition")),
    Col("StartingWarehouseBalance", Quantity("starting")),
    Col("InTransitBetweenWarehouses", _NO_EVENTS),
    Col("Receipts", _NO_EVENTS),
    Col("CustomerShipments", Quantity("customer_shipments")),
    Col("CustomerReturns", Quantity("customer_returns")),
    Col("VendorReturns", _NO_EVENTS),
    Col("WarehouseTransferIn/Out", _NO_EVENTS),
    Col("Found", _NO_EVENTS),
    Col("Lost", _NO_EVENTS),
    Col("Damaged", _NO_EVENTS),
    Col("Disposed", _NO_EVENTS),
    Col("OtherEvents", _NO_EVENTS),
    Col("EndingWarehouseBalance", Quantity("ending")),
    Col("UnknownEvents", _NO_EVENTS),
    Col("Location", Text("location")),  # country code or FC, per aggregateByLocation
)
LEDGER_SUMMARY_DRIFT = Drift(DRIFT_MARKETPLACES, "flat-file-columns.md §8, production variant (spaced names)",
                             renamed={h: h2 for h, h2 in (
                                 ("StartingWarehouseBalance", "Starting Warehouse Balance"),
                                 ("InTransitBetweenWarehouses", "In Transit Between Warehouses"),
                                 ("CustomerShipments", "Customer Shipments"),
                                 ("CustomerReturns", "Customer Returns"), ("VendorReturns", "Vendor Returns"),
                                 ("WarehouseTransferIn/Out", "Warehouse Transfer In/Out"),
                                 ("OtherEvents", "Other Events"),
                                 ("EndingWarehouseBalance", "Ending Warehouse Balance"),
                                 ("UnknownEvents", "Unknown Events"))})

# "aggregateByLocation takes COUNTRY (the default) or FC. aggregatedByTimePeriod takes DAILY, WEEKLY or
# MONTHLY (the default)" (part 1 §8).
LEDGER_SUMMARY = ReportLayout(
    "GET_LEDGER_SUMMARY_VIEW_DATA", "flat-file-columns.md §8", LEDGER_SUMMARY_COLUMNS, ledger_summary,
    key=("Date", "FNSKU", "MSKU", "Disposition", "Location"), window_column="Date", day_window=True,
    drift=LEDGER_SUMMARY_DRIFT, quoted=True,
    choices={"aggregatedByTimePeriod": ("MONTHLY", "DAILY", "WEEKLY"), "aggregateByLocation": ("COUNTRY", "FC")})

LAYOUTS = (
    FlatLayout("GET_AFN_INVENTORY_DATA", "flat-file-columns-2.md §20", AFN_COLUMNS, afn_lines,
               key=("seller-sku", "Warehouse-Condition-code"), snapshot=True),
    FlatLayout("GET_AFN_INVENTORY_DATA_BY_COUNTRY", "flat-file-columns-2.md §20", AFN_BY_COUNTRY_COLUMNS,
               afn_by_country, key=("seller-sku", "country"), snapshot=True),
    ReportLayout("GET_RESERVED_INVENTORY_DATA", "flat-file-columns-2.md §21", RESERVED_COLUMNS, inventory_now,
                 key=("sku",), snapshot=True, variants=(RESERVED_MAY_2026, RESERVED_AUGUST_2026)),
    FlatLayout("GET_FBA_MYI_ALL_INVENTORY_DATA", "flat-file-columns-2.md §27", MYI_COLUMNS, all_inventory,
               key=("sku",), snapshot=True, drift=MYI_DRIFT),
    # "Comes back CANCELLED when nothing is stranded" (§15).
    FlatLayout("GET_STRANDED_INVENTORY_UI_DATA", "flat-file-columns-2.md §15", STRANDED_COLUMNS, stranded,
               key=("sku", "fnsku"), snapshot=True, drift=STRANDED_DRIFT),
    LEDGER_SUMMARY,
)
