"""FBA fulfillment: shipments, customer returns, replacements and promotions."""
from pipelines.catalog.model import ReportEntry, cols

# The Amazon Fulfilled Shipments layout; the PII columns are empty in GENERAL and
# filled in the restricted INVOICING variant (``restricted``).
SHIPMENT_COLUMNS = cols(
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
)

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL",
        name="amazon_fulfilled_shipments",
        description="FBA shipments per shipped item, windowed by shipment date.",
        columns=SHIPMENT_COLUMNS,
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
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA",
        name="fba_replacements",
        description="FBA replacement shipments (an item sent again for free), windowed by shipment date.",
        columns=cols(
            "shipment-date:timestamp_lenient sku asin fulfillment-center-id original-fulfillment-center-id "
            "quantity:int replacement-reason-code replacement-amazon-order-id original-amazon-order-id"
        ),
        cursor="shipment_date",
        key=("replacement_amazon_order_id", "sku"),
        lookback_days=3,
        group="fulfillment",
    ),
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA",
        name="fba_shipment_promotions",
        description="Promotions applied to FBA shipments, per shipped item and promotion, windowed by "
                    "shipment date. North America only.",
        columns=cols(
            "shipment-date:timestamp_lenient currency item-promotion-discount:decimal item-promotion-id "
            "description promotion-rule-value amazon-order-id shipment-id shipment-item-id"
        ),
        cursor="shipment_date",
        key=("shipment_item_id", "item_promotion_id"),
        lookback_days=3,
        countries=("US", "CA", "MX", "BR"),
        group="fulfillment",
    ),
)
