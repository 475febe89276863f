"""Listings and FBA inventory: snapshots and the inventory ledger."""
from pipelines.catalog.model import ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_MERCHANT_LISTINGS_ALL_DATA",
        name="merchant_listings_all",
        description="Snapshot of every listing (active and inactive), one dated snapshot per day.",
        columns=cols(
            "item-name item-description listing-id seller-sku price:decimal quantity:int "
            "open-date:timestamp_tzname image-url item-is-marketplace product-id-type "
            "zshop-shipping-fee item-note item-condition zshop-category1 zshop-browse-path "
            "zshop-storefront-feature asin1 asin2 asin3 will-ship-internationally expedited-shipping "
            "zshop-boldface product-id bid-for-featured-placement add-delete pending-quantity:int "
            "fulfillment-channel merchant-shipping-group status"
        ),
        windowed=False,
        snapshot=True,
        key=("seller_sku",),
        lookback_days=0,
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
        name="fba_myi_unsuppressed_inventory",
        description="Snapshot of FBA inventory quantities per SKU, one dated snapshot per day.",
        columns=cols(
            "sku fnsku asin product-name condition your-price:decimal mfn-listing-exists:bool "
            "mfn-fulfillable-quantity:int afn-listing-exists:bool afn-warehouse-quantity:int "
            "afn-fulfillable-quantity:int afn-unsellable-quantity:int afn-reserved-quantity:int "
            "afn-total-quantity:int per-unit-volume:decimal afn-inbound-working-quantity:int "
            "afn-inbound-shipped-quantity:int afn-inbound-receiving-quantity:int "
            "afn-researching-quantity:int afn-reserved-future-supply:int afn-future-supply-buyable:int"
        ),
        windowed=False,
        snapshot=True,
        key=("sku",),
        lookback_days=0,
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_LEDGER_DETAIL_VIEW_DATA",
        name="ledger_detail_view",
        description="FBA inventory ledger events (shipments, returns, adjustments), by event date.",
        columns=cols(
            "Date:date_mdy FNSKU ASIN MSKU Title EventType ReferenceID Quantity:int "
            "FulfillmentCenter Disposition Reason Country ReconciledQuantity:int "
            "UnreconciledQuantity:int"
        ),
        cursor="date",
        key=("date", "fnsku", "msku", "event_type", "reference_id", "fulfillment_center", "disposition"),
        lookback_days=3,
        report_options={},
        group="inventory",
    ),
)
