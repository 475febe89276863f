"""FBA fulfillment: shipments and customer returns."""
from pipelines.catalog.model import ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL",
        name="amazon_fulfilled_shipments",
        description="FBA shipments per shipped item, windowed by shipment date.",
        columns=cols(
            "amazon-order-id merchant-order-id shipment-id shipment-item-id amazon-order-item-id "
            "merchant-order-item-id purchase-date:timestamptz payments-date:timestamptz "
            "shipment-date:timestamptz reporting-date:timestamptz buyer-email buyer-name "
            "buyer-phone-number sku product-name quantity-shipped:int currency item-price:decimal "
            "item-tax:decimal shipping-price:decimal shipping-tax:decimal gift-wrap-price:decimal "
            "gift-wrap-tax:decimal ship-service-level recipient-name ship-address-1 ship-address-2 "
            "ship-address-3 ship-city ship-state ship-postal-code ship-country ship-phone-number "
            "bill-address-1 bill-address-2 bill-address-3 bill-city bill-state bill-postal-code "
            "bill-country item-promotion-discount:decimal ship-promotion-discount:decimal carrier "
            "tracking-number estimated-arrival-date:timestamptz fulfillment-center-id "
            "fulfillment-channel sales-channel"
        ),
        cursor="shipment_date",
        key=("amazon_order_id", "shipment_item_id"),
        lookback_days=7,
        group="fulfillment",
    ),
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
        name="fba_customer_returns",
        description="FBA customer returns, windowed by return date.",
        columns=cols(
            "return-date:timestamptz order-id sku asin fnsku product-name quantity:int "
            "fulfillment-center-id detailed-disposition reason status license-plate-number "
            "customer-comments"
        ),
        cursor="return_date",
        key=("order_id", "fnsku", "license_plate_number", "return_date"),
        lookback_days=7,
        group="fulfillment",
    ),
)
