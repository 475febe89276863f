"""Order reports: every order item, by last update or by purchase date, and archived orders."""
from pipelines.catalog.model import ReportEntry, cols

_ORDER_COLUMNS = cols(
    "amazon-order-id merchant-order-id purchase-date:timestamptz last-updated-date:timestamptz "
    "order-status fulfillment-channel sales-channel order-channel ship-service-level product-name "
    "sku asin item-status quantity:int currency item-price:decimal item-tax:decimal "
    "shipping-price:decimal shipping-tax:decimal gift-wrap-price:decimal gift-wrap-tax:decimal "
    "item-promotion-discount:decimal ship-promotion-discount:decimal ship-city ship-state "
    "ship-postal-code ship-country promotion-ids cpf is-business-order:bool purchase-order-number "
    "price-designation signature-confirmation-recommended:bool "
    "order-item-id"  # appended in 2026 production files
)

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
        name="all_orders_by_last_update",
        description="Every order item, windowed by when the order last changed. One row per "
                    "order item and version; models keep the latest version.",
        columns=_ORDER_COLUMNS,
        cursor="last_updated_date",
        key=("amazon_order_id", "sku", "asin", "last_updated_date"),
        lookback_days=3,
        group="orders",
    ),
    ReportEntry(
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
        name="all_orders_by_order_date",
        description="Every order item, windowed by purchase date.",
        columns=_ORDER_COLUMNS,
        cursor="purchase_date",
        key=("amazon_order_id", "sku", "asin"),
        lookback_days=7,
        group="orders",
    ),
    ReportEntry(
        report_type="GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE",
        name="archived_orders",
        description="Archived order items, windowed by purchase date (the All Orders layout with url, "
                    "customization and replacement columns instead of the ship-to city).",
        columns=cols(
            "amazon-order-id merchant-order-id purchase-date:timestamptz last-updated-date:timestamptz "
            "order-status fulfillment-channel sales-channel order-channel url ship-service-level "
            "product-name sku asin item-status quantity:int currency item-price:decimal item-tax:decimal "
            "shipping-price:decimal shipping-tax:decimal gift-wrap-price:decimal gift-wrap-tax:decimal "
            "item-promotion-discount:decimal ship-promotion-discount:decimal ship-country "
            "ship-promotion-id promotion-ids is-business-order:bool purchase-order-number "
            "price-designation customized-url customized-page is-heavy-or-bulky:bool "
            "is-replacement-order:bool"
        ),
        cursor="purchase_date",
        key=("amazon_order_id", "sku", "asin"),
        lookback_days=3,
        group="orders",
    ),
)
