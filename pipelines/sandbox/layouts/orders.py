"""All Orders flat files: one row per order item, by last update or by purchase date.

Header: flat-file-columns.md §1 (33 columns, Airbyte's real SP-API records; Amazon
documents the same list for BY_ORDER_DATE, with ``cpf``). Production drift:
flat-file-columns-2.md "Addenda to part 1", All Orders: since August 2026 an NA
document has 34 columns, ``order-item-id`` appended (served here in DE and JP).
"""
from __future__ import annotations

from datetime import timedelta

from pipelines.sandbox.formats import ISO_OFFSET, TRUE_FALSE
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Drift,
    Empty,
    FlatLayout,
    Flag,
    Identifier,
    MarketplaceText,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import OrderItem

DRIFT_MARKETPLACES = ("A1PA6795UKMFR9", "A1VC38T7YXB528")  # DE, JP

# "Date range exceeded. Report can be requested only upto 30 days" (issue #2591, 2023).
MAX_WINDOW = timedelta(days=30)

COLUMNS = (
    Col("amazon-order-id", Identifier("amazon_order_id")),
    Col("merchant-order-id", Empty()),
    Col("purchase-date", Timestamp("purchase_date", ISO_OFFSET)),
    Col("last-updated-date", Timestamp("last_updated_date", ISO_OFFSET)),
    Col("order-status", Text("order_status")),  # Pending | Shipped | Cancelled (British spelling)
    Col("fulfillment-channel", Text("fulfillment_channel")),  # Amazon | Merchant
    Col("sales-channel", MarketplaceText("sales_channel")),
    Col("order-channel", Empty()),
    Col("ship-service-level", Text("ship_service_level")),
    Col("product-name", Text("product_name")),
    Col("sku", Sku()),
    Col("asin", Asin()),
    Col("item-status", Text("item_status")),  # Shipped | Unshipped | Cancelled
    Col("quantity", Quantity("quantity")),  # 0 on cancelled lines
    Col("currency", Text("currency")),  # empty without a price
    Col("item-price", Money("item_price")),  # the line total; empty while pending or when cancelled
    Col("item-tax", Money("item_tax")),
    Col("shipping-price", Money("shipping_price")),
    Col("shipping-tax", Money("shipping_tax")),
    Col("gift-wrap-price", Empty()),
    Col("gift-wrap-tax", Empty()),
    Col("item-promotion-discount", Money("promotion_discount")),
    Col("ship-promotion-discount", Money("ship_promotion_discount")),
    Col("ship-city", Text("ship_city")),
    Col("ship-state", Text("ship_state")),
    Col("ship-postal-code", Text("ship_postal_code")),
    Col("ship-country", Text("ship_country")),
    Col("promotion-ids", Empty()),
    Col("cpf", Empty()),  # Brazilian tax id
    Col("is-business-order", Flag("is_business_order", TRUE_FALSE)),
    Col("purchase-order-number", Empty()),
    Col("price-designation", Text("price_designation")),
    Col("signature-confirmation-recommended", Const("false")),
)
DRIFT = Drift(DRIFT_MARKETPLACES, "flat-file-columns-2.md, Addenda to part 1: All Orders (LingxingSync 9f11fbf)",
              added=(Col("order-item-id", Identifier("order_item_id")),))


def order_items(req: RowRequest) -> list[OrderItem]:
    req.expect_window("purchase_date", "last_updated_date")
    return req.seller.order_items_between(req.marketplace_id, req.start, req.end, on=req.on)


def _all_orders(report_type: str, window_column: str) -> FlatLayout:
    return FlatLayout(report_type, "flat-file-columns.md §1", COLUMNS, order_items,
                      key=("amazon-order-id", "sku"), window_column=window_column, max_window=MAX_WINDOW,
                      drift=DRIFT)


# "The report's dataStartTime/dataEndTime window applies to" last-updated-date (§1, Cursor);
# BY_ORDER_DATE "filters on purchase-date" (§1, BY_ORDER_DATE_GENERAL).
LAYOUTS = (
    _all_orders("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "last-updated-date"),
    _all_orders("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "purchase-date"),
)
