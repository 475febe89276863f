"""FBA inventory: quantity snapshots (MYI, AFN, reserved) and the inventory ledger."""
from pipelines.catalog.model import Column, ReportEntry, cols

# The documented 21 MYI columns, then what production files added: three columns in
# NA (2026) and two in an EU variant. Both MYI reports share this contract.
_MYI_COLUMNS = cols(
    "sku fnsku asin product-name condition your-price:decimal mfn-listing-exists:bool "
    "mfn-fulfillable-quantity:int afn-listing-exists:bool afn-warehouse-quantity:int "
    "afn-fulfillable-quantity:int afn-unsellable-quantity:int afn-reserved-quantity:int "
    "afn-total-quantity:int per-unit-volume:measure afn-inbound-working-quantity:int "
    "afn-inbound-shipped-quantity:int afn-inbound-receiving-quantity:int "
    "afn-researching-quantity:int afn-reserved-future-supply:int afn-future-supply-buyable:int "
    "afn-fc-transfer-quantity:int afn-onhand-buyable-quantity:int store "
    "afn-fulfillable-quantity-local:int afn-fulfillable-quantity-remote:int"
)


def _snapshot(report_type: str, name: str, description: str, columns, key, **kw) -> ReportEntry:
    return ReportEntry(report_type=report_type, name=name, description=description, columns=columns,
                       windowed=False, snapshot=True, key=key, lookback_days=0, group="inventory", **kw)


ENTRIES: tuple[ReportEntry, ...] = (
    _snapshot("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", "fba_myi_unsuppressed_inventory",
              "Snapshot of FBA inventory quantities per SKU, one dated snapshot per day.",
              _MYI_COLUMNS, ("sku",)),
    _snapshot("GET_FBA_MYI_ALL_INVENTORY_DATA", "fba_myi_all_inventory",
              "Snapshot of FBA inventory quantities per SKU, archived listings included.",
              _MYI_COLUMNS, ("sku",)),
    _snapshot("GET_AFN_INVENTORY_DATA", "afn_inventory",
              "Snapshot of the units available in Amazon's fulfillment network, per SKU and "
              "warehouse condition.",
              cols("seller-sku fulfillment-channel-sku asin condition-type Warehouse-Condition-code",
                   Column("Quantity Available", "int")),
              ("seller_sku", "warehouse_condition_code")),
    _snapshot("GET_AFN_INVENTORY_DATA_BY_COUNTRY", "afn_inventory_by_country",
              "Snapshot of the units available for local fulfillment, per SKU and country "
              "(Multi-Country Inventory, Europe only).",
              cols("seller-sku fulfillment-channel-sku asin condition-type country "
                   "quantity-for-local-fulfillment:int"),
              ("seller_sku", "country"),
              countries=("UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "BE")),
    _snapshot("GET_RESERVED_INVENTORY_DATA", "fba_reserved_inventory",
              "Snapshot of reserved FBA units per SKU: customer orders, FC transfers, FC processing.",
              # The documented 8 columns, then what 2026 files added (staging, program).
              cols("sku fnsku asin product-name reserved_qty:int reserved_customerorders:int "
                   "reserved_fc-transfers:int reserved_fc-processing:int reserved_staging:int program"),
              ("sku",)),
    ReportEntry(
        report_type="GET_LEDGER_DETAIL_VIEW_DATA",
        name="ledger_detail_view",
        description="FBA inventory ledger events (shipments, returns, adjustments), by event date.",
        columns=cols(
            # Docs spelling; production headers ('Event Type') land in the same columns.
            "Date:date_mdy FNSKU ASIN MSKU Title EventType ReferenceID Quantity:int "
            "FulfillmentCenter Disposition Reason Country ReconciledQuantity:int "
            "UnreconciledQuantity:int",
            Column("Date and Time", "timestamptz"), "Store",  # 16 columns in 2026 files
        ),
        cursor="date",
        key=("date", "fnsku", "msku", "event_type", "reference_id", "fulfillment_center", "disposition"),
        lookback_days=3,
        report_options={},
        quoted=True,
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_LEDGER_SUMMARY_VIEW_DATA",
        name="ledger_summary_view",
        description="FBA inventory ledger balances per day, SKU, disposition and country: starting "
                    "balance, receipts, shipments, returns, adjustments, ending balance.",
        columns=cols(
            "Date:date_mdy FNSKU ASIN MSKU Title Disposition StartingWarehouseBalance:int "
            "InTransitBetweenWarehouses:int Receipts:int CustomerShipments:int CustomerReturns:int "
            "VendorReturns:int WarehouseTransferIn/Out:int Found:int Lost:int Damaged:int Disposed:int "
            "OtherEvents:int EndingWarehouseBalance:int UnknownEvents:int Location"
        ),
        cursor="date",
        key=("date", "fnsku", "msku", "disposition", "location"),
        lookback_days=3,
        report_options={"aggregateByLocation": "COUNTRY", "aggregatedByTimePeriod": "DAILY"},
        quoted=True,
        group="inventory",
    ),
)
