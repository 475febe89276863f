"""Restricted reports with buyer names and addresses (PII). They are requested only
for accounts that opted in (``pii_reports``) and their documents are fetched with a
Restricted Data Token."""
from datetime import timedelta

from pipelines.catalog.fulfillment import SHIPMENT_COLUMNS
from pipelines.catalog.model import ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING",
        name="amazon_fulfilled_shipments_invoicing",
        description="FBA shipments with buyer and billing details, for tax invoices (the GENERAL "
                    "layout with its PII columns filled), windowed by shipment date.",
        columns=SHIPMENT_COLUMNS,
        cursor="shipment_date",
        key=("amazon_order_id", "shipment_item_id"),
        lookback_days=7,
        pii=True,
        group="restricted",
    ),
    ReportEntry(
        report_type="GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
        name="unshipped_orders",
        description="Merchant-fulfilled order items still to ship, with the recipient's address: a "
                    "snapshot (rows vanish once shipped) of the orders that became fulfillable in the "
                    "last 30 days.",
        columns=cols(
            "order-id order-item-id purchase-date:timestamp_lenient payments-date:timestamp_lenient "
            "reporting-date:timestamp_lenient promise-date:timestamp_lenient days-past-promise:int "
            "buyer-email buyer-phone-number sku product-name quantity-purchased:int quantity-shipped:int "
            "quantity-to-ship:int ship-service-level recipient-name ship-address-1 ship-address-2 "
            "ship-address-3 ship-city ship-state ship-postal-code ship-country is-business-order:bool "
            "purchase-order-number price-designation is-prime:bool "
            "is-iba:bool"  # a 2024 header ends with is-iba instead of is-prime
        ),
        windowed=False,
        snapshot=True,
        snapshot_start=timedelta(days=30),
        key=("order_id", "order_item_id"),
        lookback_days=0,
        pii=True,
        group="restricted",
    ),
)
