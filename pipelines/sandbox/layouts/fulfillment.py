"""FBA fulfillment: Amazon-fulfilled shipments and FBA customer returns.

Headers: flat-file-columns.md §4 (GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL, 48 columns,
the MWS order; the PII columns are written empty in GENERAL) and §5
(GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA, 13 columns).
"""
from __future__ import annotations

from datetime import timedelta

from pipelines.sandbox.formats import ISO_OFFSET
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Empty,
    FlatLayout,
    Fnsku,
    FulfillmentCenter,
    Identifier,
    MarketplaceText,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import Return, Shipment

# "You can request up to one month of data in a single report" (docs fba-sales-reports-attributes;
# flat-file-columns.md §4: "at most about 31 days").
SHIPMENTS_MAX_WINDOW = timedelta(days=31)

SHIPMENT_COLUMNS = (
    Col("amazon-order-id", Identifier("item.amazon_order_id")),
    Col("merchant-order-id", Empty()),
    Col("shipment-id", Identifier("shipment_id")),
    Col("shipment-item-id", Identifier("shipment_item_id")),
    Col("amazon-order-item-id", Identifier("item.order_item_id")),
    Col("merchant-order-item-id", Empty()),
    Col("purchase-date", Timestamp("item.purchase_date", ISO_OFFSET)),
    Col("payments-date", Timestamp("payments_date", ISO_OFFSET)),
    Col("shipment-date", Timestamp("shipment_date", ISO_OFFSET)),
    Col("reporting-date", Timestamp("reporting_date", ISO_OFFSET)),
    Col("buyer-email", Empty()),
    Col("buyer-name", Empty()),
    Col("buyer-phone-number", Empty()),
    Col("sku", Sku("item.sku")),
    Col("product-name", Text("item.product_name")),
    Col("quantity-shipped", Quantity("item.quantity")),
    Col("currency", Text("item.currency")),
    Col("item-price", Money("item.item_price")),
    Col("item-tax", Money("item.item_tax")),
    Col("shipping-price", Money("item.shipping_price")),
    Col("shipping-tax", Money("item.shipping_tax")),
    Col("gift-wrap-price", Empty()),
    Col("gift-wrap-tax", Empty()),
    Col("ship-service-level", Text("item.ship_service_level")),
    Col("recipient-name", Empty()),
    Col("ship-address-1", Empty()),
    Col("ship-address-2", Empty()),
    Col("ship-address-3", Empty()),
    Col("ship-city", Text("item.ship_city")),
    Col("ship-state", Text("item.ship_state")),
    Col("ship-postal-code", Text("item.ship_postal_code")),
    Col("ship-country", Text("item.ship_country")),
    Col("ship-phone-number", Empty()),
    Col("bill-address-1", Empty()),
    Col("bill-address-2", Empty()),
    Col("bill-address-3", Empty()),
    Col("bill-city", Text("item.ship_city")),
    Col("bill-state", Text("item.ship_state")),
    Col("bill-postal-code", Text("item.ship_postal_code")),
    Col("bill-country", Text("item.ship_country")),
    Col("item-promotion-discount", Money("item.promotion_discount")),
    Col("ship-promotion-discount", Money("item.ship_promotion_discount")),
    Col("carrier", Text("carrier")),
    Col("tracking-number", Identifier("tracking_number")),
    Col("estimated-arrival-date", Timestamp("estimated_arrival_date", ISO_OFFSET)),
    Col("fulfillment-center-id", FulfillmentCenter()),
    Col("fulfillment-channel", Const("AFN")),
    Col("sales-channel", MarketplaceText("sales_channel")),
)

RETURN_COLUMNS = (
    Col("return-date", Timestamp("return_date", ISO_OFFSET)),
    Col("order-id", Identifier("shipment.item.amazon_order_id")),
    Col("sku", Sku("shipment.item.sku")),
    Col("asin", Asin("shipment.item.asin")),
    Col("fnsku", Fnsku("shipment.item.fnsku")),
    Col("product-name", Text("shipment.item.product_name")),
    Col("quantity", Quantity("quantity")),
    Col("fulfillment-center-id", FulfillmentCenter("shipment.fulfillment_center_id")),
    Col("detailed-disposition", Text("detailed_disposition")),
    Col("reason", Text("reason")),
    Col("status", Text("status")),
    Col("license-plate-number", Identifier("license_plate_number")),
    Col("customer-comments", Empty()),
)


def shipments(req: RowRequest) -> list[Shipment]:
    req.expect_window("shipment_date")
    return req.seller.shipments_between(req.marketplace_id, req.start, req.end)


def customer_returns(req: RowRequest) -> list[Return]:
    req.expect_window("return_date")
    return sorted(req.seller.returns_between(req.marketplace_id, req.start, req.end), key=lambda r: r.return_date)


LAYOUTS = (
    # Cursor shipment-date (§4); reporting-date only records when a row reached the data store.
    FlatLayout("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", "flat-file-columns.md §4", SHIPMENT_COLUMNS,
               shipments, key=("amazon-order-id", "shipment-item-id"), window_column="shipment-date",
               max_window=SHIPMENTS_MAX_WINDOW),
    # Cursor return-date (§5); no maximum window is documented (flat-file-columns-2.md, "What could not be found").
    FlatLayout("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "flat-file-columns.md §5", RETURN_COLUMNS,
               customer_returns, key=("license-plate-number",), window_column="return-date"),
)
