"""FBA inventory: the MYI snapshot and the inventory ledger.

Headers: flat-file-columns.md §3 (MYI unsuppressed, 21 columns) and §7 (ledger detail,
14 columns, the docs' spelling). Production drift, served here in DE and JP:
flat-file-columns-2.md §27 (MYI: 24 columns, ``afn-fc-transfer-quantity``,
``afn-onhand-buyable-quantity`` and ``store`` appended) and "Addenda to part 1",
ledger detail (16 columns: Title Case with spaces, ``Date and Time`` and ``Store``).
"""
from __future__ import annotations

from pipelines.sandbox.formats import COMPACT_OFFSET, MDY, YES_NO
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
    Drift,
    Empty,
    FlatLayout,
    Flag,
    Fnsku,
    FulfillmentCenter,
    Identifier,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import InventoryRecord, LedgerEvent

DRIFT_MARKETPLACES = ("A1PA6795UKMFR9", "A1VC38T7YXB528")  # DE, JP

MYI_COLUMNS = (
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("asin", Asin("product.asin")),
    Col("product-name", Text("product.name")),
    Col("condition", Const("New")),
    Col("your-price", Money("product.price")),
    Col("mfn-listing-exists", Flag("mfn_listing_exists", YES_NO)),
    Col("mfn-fulfillable-quantity", Quantity("mfn_fulfillable")),
    Col("afn-listing-exists", Flag("afn_listing_exists", YES_NO)),
    Col("afn-warehouse-quantity", Quantity("warehouse")),  # fulfillable + unsellable + reserved
    Col("afn-fulfillable-quantity", Quantity("fulfillable")),
    Col("afn-unsellable-quantity", Quantity("unsellable")),
    Col("afn-reserved-quantity", Quantity("reserved")),
    Col("afn-total-quantity", Quantity("total")),  # warehouse + inbound working, shipped, receiving
    Col("per-unit-volume", Const("0.05")),  # cubic feet
    Col("afn-inbound-working-quantity", Quantity("inbound_working")),
    Col("afn-inbound-shipped-quantity", Quantity("inbound_shipped")),
    Col("afn-inbound-receiving-quantity", Quantity("inbound_receiving")),
    Col("afn-researching-quantity", Quantity("researching")),
    Col("afn-reserved-future-supply", Quantity("reserved_future_supply")),
    Col("afn-future-supply-buyable", Quantity("future_supply_buyable")),
)
MYI_DRIFT = Drift(DRIFT_MARKETPLACES, "flat-file-columns-2.md §27 (LingxingSync 30e4041)", added=(
    Col("afn-fc-transfer-quantity", Quantity("fc_transfer")),
    Col("afn-onhand-buyable-quantity", Quantity("onhand_buyable")),
    Col("store", Empty()),
), also_seen=("afn-fulfillable-quantity-local", "afn-fulfillable-quantity-remote"))  # an EU variant, unverified

LEDGER_COLUMNS = (
    Col("Date", Day("date", MDY)),
    Col("FNSKU", Fnsku()),
    Col("ASIN", Asin()),
    Col("MSKU", Sku()),
    Col("Title", Text("title")),
    Col("EventType", Text("event_type")),  # Shipments, CustomerReturns, ...
    Col("ReferenceID", Identifier("reference_id")),  # shipment id or order id
    Col("Quantity", Quantity("quantity")),  # signed
    Col("FulfillmentCenter", FulfillmentCenter("fulfillment_center")),
    Col("Disposition", Text("disposition")),
    Col("Reason", Empty()),
    Col("Country", Text("country")),
    Col("ReconciledQuantity", Empty()),
    Col("UnreconciledQuantity", Empty()),
)
LEDGER_DRIFT = Drift(
    DRIFT_MARKETPLACES, "flat-file-columns-2.md, Addenda to part 1: ledger detail (SellerDataPipeline, May 2026)",
    renamed={"EventType": "Event Type", "ReferenceID": "Reference ID", "FulfillmentCenter": "Fulfillment Center",
             "ReconciledQuantity": "Reconciled Quantity", "UnreconciledQuantity": "Unreconciled Quantity"},
    added=(Col("Date and Time", Timestamp("day_start_pacific", COMPACT_OFFSET)), Col("Store", Empty())),
)


def inventory(req: RowRequest) -> list[InventoryRecord]:
    return req.seller.inventory(req.marketplace_id, req.now.date())


def ledger_events(req: RowRequest) -> list[LedgerEvent]:
    req.expect_window("date")
    days = req.days
    return req.seller.ledger_events(req.marketplace_id, days[0], days[-1]) if days else []


LAYOUTS = (
    FlatLayout("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "flat-file-columns.md §3", MYI_COLUMNS, inventory,
               key=("sku",), snapshot=True, drift=MYI_DRIFT),
    # The ledger's Date is its cursor ("Cursor. Date", §7); no maximum window is documented. Both
    # ledger reports enclose values in double quotes (flat-file-columns-2.md, Addenda: ledger detail).
    FlatLayout("GET_LEDGER_DETAIL_VIEW_DATA", "flat-file-columns.md §7", LEDGER_COLUMNS, ledger_events,
               key=("EventType", "ReferenceID", "MSKU"), window_column="Date", day_window=True,
               drift=LEDGER_DRIFT, quoted=True),
)
