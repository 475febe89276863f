"""Restricted (PII) reports: their documents carry buyers' names, addresses, emails and phone
numbers, and getReportDocument answers them only with a Restricted Data Token (``reports.py``).

Headers: flat-file-columns-2.md §28b (GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING: no public
header, so GENERAL's 48 columns, part 1 §4, with the PII columns filled) and §28a
(GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING, 27 columns ending ``is-prime``; a real 2024 header
ends ``is-iba`` instead, served in DE and JP).
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.sandbox.formats import ISO_OFFSET, TRUE_FALSE
from pipelines.sandbox.layouts import fulfillment
from pipelines.sandbox.layouts.kinds import pick
from pipelines.sandbox.layouts.model import (
    Col,
    Drift,
    Empty,
    Flag,
    FlatLayout,
    Identifier,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import Buyer, Shipment, UnshippedItem

DE, JP = "A1PA6795UKMFR9", "A1VC38T7YXB528"

_BUYER = {
    "buyer-email": Text("buyer.email"),
    "buyer-name": Text("buyer.name"),
    "buyer-phone-number": Text("buyer.phone"),
    "recipient-name": Text("buyer.name"),
    "ship-address-1": Text("buyer.address_1"),
    "ship-address-2": Text("buyer.address_2"),
    "ship-address-3": Text("buyer.address_3"),
    "ship-phone-number": Text("buyer.phone"),
    "bill-address-1": Text("buyer.address_1"),
    "bill-address-2": Text("buyer.address_2"),
    "bill-address-3": Text("buyer.address_3"),
}
INVOICING_COLUMNS = pick(fulfillment.SHIPMENT_COLUMNS, [c.header for c in fulfillment.SHIPMENT_COLUMNS], _BUYER)

ACTIONABLE_COLUMNS = (
    Col("order-id", Identifier("item.amazon_order_id")),
    Col("order-item-id", Identifier("item.order_item_id")),
    # Form unverified for this report (§28a): ISO 8601 with offset, as the other order reports.
    Col("purchase-date", Timestamp("item.purchase_date", ISO_OFFSET)),
    Col("payments-date", Timestamp("payments_date", ISO_OFFSET)),
    Col("reporting-date", Timestamp("payments_date", ISO_OFFSET)),
    Col("promise-date", Timestamp("promise_date", ISO_OFFSET)),
    Col("days-past-promise", Quantity("days_past_promise")),  # negative before the promise date
    Col("buyer-email", Text("buyer.email")),
    Col("buyer-phone-number", Text("buyer.phone")),
    Col("sku", Sku("item.sku")),
    Col("product-name", Text("item.product_name")),
    Col("quantity-purchased", Quantity("item.ordered_quantity")),
    Col("quantity-shipped", Quantity("quantity_shipped")),
    Col("quantity-to-ship", Quantity("quantity_to_ship")),
    Col("ship-service-level", Text("item.ship_service_level")),
    Col("recipient-name", Text("buyer.name")),
    Col("ship-address-1", Text("buyer.address_1")),
    Col("ship-address-2", Text("buyer.address_2")),
    Col("ship-address-3", Text("buyer.address_3")),
    Col("ship-city", Text("item.ship_city")),
    Col("ship-state", Text("item.ship_state")),
    Col("ship-postal-code", Text("item.ship_postal_code")),
    Col("ship-country", Text("item.ship_country")),
    Col("is-business-order", Flag("item.is_business_order", TRUE_FALSE)),
    Col("purchase-order-number", Empty()),
    Col("price-designation", Text("item.price_designation")),
    Col("is-prime", Flag("is_prime", TRUE_FALSE)),
)
ACTIONABLE_DRIFT = Drift((DE, JP), "flat-file-columns-2.md §28a (issue #4272, a real 2024 header)",
                         renamed={"is-prime": "is-iba"})


@dataclass(frozen=True)
class InvoicedShipment:
    """A shipment with its buyer: reads as the shipment (``item``, ``shipment_id``, ...) plus ``buyer``."""

    shipment: Shipment
    buyer: Buyer

    def __getattr__(self, name: str):
        if name == "shipment":  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.shipment, name)


def invoiced_shipments(req: RowRequest) -> list[InvoicedShipment]:
    return [InvoicedShipment(s, req.seller.buyer(s.item)) for s in fulfillment.shipments(req)]


def unshipped(req: RowRequest) -> list[UnshippedItem]:
    req.expect_window("payments_date")
    return req.seller.unshipped_items(req.marketplace_id, req.start, req.end)


LAYOUTS = (
    # "Up to one month of data per request. createReport only" (§28b), as GENERAL.
    FlatLayout("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING", "flat-file-columns-2.md §28b", INVOICING_COLUMNS,
               invoiced_shipments, key=("amazon-order-id", "shipment-item-id"), window_column="shipment-date",
               max_window=fulfillment.SHIPMENTS_MAX_WINDOW),
    # "The window is the time orders became fulfillable" (§28a): fulfillable once paid (payments-date).
    # Only items not yet shipped; none: CANCELLED.
    FlatLayout("GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", "flat-file-columns-2.md §28a", ACTIONABLE_COLUMNS,
               unshipped, key=("order-id", "order-item-id"), window_column="payments-date", drift=ACTIONABLE_DRIFT),
)
