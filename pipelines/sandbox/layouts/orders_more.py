"""Further order-level reports: archived orders by order date and FBA shipments' promotions.

Headers: flat-file-columns-2.md §24 (GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE, 34
columns, Airbyte's fixture; the All Orders values of part 1 §1) and §19
(GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA, 9 columns; the fixture's
``shipment-date currency`` is two columns).

A promotion row is an Amazon-fulfilled shipment of an item bought while a promotion of its
ASIN ran (``SyntheticSeller.promotions``; the promotion performance report counts the Best
Deal and Lightning Deal ones), the discount being the promotion's percentage of the item price.
"""
from __future__ import annotations

from pipelines.sandbox.formats import ISO_OFFSET
from pipelines.sandbox.layouts import orders
from pipelines.sandbox.layouts.kinds import pick
from pipelines.sandbox.layouts.model import (
    Col,
    Const,
    Empty,
    FlatLayout,
    Identifier,
    Money,
    RowRequest,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import MARKETPLACES, PromotedShipment

ARCHIVED_COLUMNS = pick(orders.COLUMNS, (
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-country",
    "ship-promotion-id", "promotion-ids", "is-business-order", "purchase-order-number", "price-designation",
    "customized-url", "customized-page", "is-heavy-or-bulky", "is-replacement-order"),
    # New flag columns: values unverified; true/false as the report's other flags.
    {"url": Empty(), "ship-promotion-id": Empty(), "customized-url": Empty(), "customized-page": Empty(),
     "is-heavy-or-bulky": Const("false"), "is-replacement-order": Const("false")})

PROMOTION_COLUMNS = (
    Col("shipment-date", Timestamp("shipment.shipment_date", ISO_OFFSET)),  # form unverified: as the AFS report's
    Col("currency", Text("shipment.item.currency")),
    Col("item-promotion-discount", Money("discount")),  # positive, as All Orders' column of that name
    Col("item-promotion-id", Identifier("promotion.promotion_id")),
    Col("description", Text("promotion.name")),
    Col("promotion-rule-value", Text("rule")),  # "20% off"; wording unverified
    Col("amazon-order-id", Identifier("shipment.item.amazon_order_id")),
    Col("shipment-id", Identifier("shipment.shipment_id")),
    Col("shipment-item-id", Identifier("shipment.shipment_item_id")),
)


def promoted_shipments(req: RowRequest) -> list[PromotedShipment]:
    """Promoted FBA shipments in the window; "the report exists for NA only" (§19): elsewhere none (CANCELLED)."""
    req.expect_window("shipment.shipment_date")
    if MARKETPLACES[req.marketplace_id].region != "na":
        return []
    return req.seller.promoted_shipments(req.marketplace_id, req.start, req.end)


LAYOUTS = (
    # "The report holds archived orders placed in the window" (§24); which orders count as archived is
    # unverified, so every order item purchased in the window is here. No maximum window is documented.
    FlatLayout("GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE", "flat-file-columns-2.md §24", ARCHIVED_COLUMNS,
               orders.order_items, key=("amazon-order-id", "sku"), window_column="purchase-date"),
    FlatLayout("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", "flat-file-columns-2.md §19",
               PROMOTION_COLUMNS, promoted_shipments, key=("shipment-item-id", "item-promotion-id"),
               window_column="shipment-date"),
)
