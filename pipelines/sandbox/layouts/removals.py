"""FBA removals: removal order detail and removal shipment detail.

Headers: flat-file-columns-2.md §16 (GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA: the documented
16 columns with ``service-speed`` in the US; the August 2026 production 16, ``order-source``
after ``order-id`` and no ``service-speed``, in DE and JP) and §17
(GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA, 10 columns).

Rows change until an order completes: an order is ``Pending`` with every unit in process
until its units are shipped back (Return) or disposed of (Disposal).
"""
from __future__ import annotations

from pipelines.sandbox.formats import ISO_OFFSET
from pipelines.sandbox.layouts.kinds import ReportLayout, Variant, pick
from pipelines.sandbox.layouts.model import (
    Col,
    Empty,
    FlatLayout,
    Fnsku,
    Identifier,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import RemovalOrderItem

DE, JP = "A1PA6795UKMFR9", "A1VC38T7YXB528"

ORDER_COLUMNS = (
    Col("request-date", Timestamp("request_date", ISO_OFFSET)),
    Col("order-id", Identifier("order_id")),
    Col("order-type", Text("order_type")),  # Return | Disposal
    Col("service-speed", Empty()),
    Col("order-status", Text("order_status")),  # Pending | Completed
    Col("last-updated-date", Timestamp("last_updated_date", ISO_OFFSET)),
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("disposition", Text("disposition")),  # Sellable | Unsellable (spelling unverified)
    Col("requested-quantity", Quantity("requested")),
    Col("cancelled-quantity", Quantity("cancelled")),
    Col("disposed-quantity", Quantity("disposed")),
    Col("shipped-quantity", Quantity("shipped")),
    Col("in-process-quantity", Quantity("in_process")),
    Col("removal-fee", Money("removal_fee")),
    Col("currency", Text("currency")),
)
ORDER_PRODUCTION = Variant((DE, JP), "flat-file-columns-2.md §16 (LingxingSync 90b4f12, August 2026)",
                           pick(ORDER_COLUMNS, ("request-date", "order-id", "order-source", "order-type",
                                                "order-status", "last-updated-date", "sku", "fnsku", "disposition",
                                                "requested-quantity", "cancelled-quantity", "disposed-quantity",
                                                "shipped-quantity", "in-process-quantity", "removal-fee",
                                                "currency"),
                                {"order-source": Empty()}))  # values unverified

SHIPMENT_COLUMNS = (
    Col("request-date", Timestamp("request_date", ISO_OFFSET)),  # form unverified: as the order detail's
    Col("order-id", Identifier("order_id")),
    Col("shipment-date", Timestamp("completed", ISO_OFFSET)),
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("disposition", Text("disposition")),
    Col("shipped-quantity", Quantity("shipped")),
    Col("carrier", Text("carrier")),
    Col("tracking-number", Identifier("tracking_number")),
    Col("removal-order-type", Text("order_type")),
)


def removal_orders(req: RowRequest) -> list[RemovalOrderItem]:
    req.expect_window("request_date")
    return req.seller.removal_orders(req.marketplace_id, req.start, req.end)


def removal_shipments(req: RowRequest) -> list[RemovalOrderItem]:
    req.expect_window("completed")
    return req.seller.removal_shipments(req.marketplace_id, req.start, req.end)


LAYOUTS = (
    # "The report holds the removal orders placed in a time period" (§16): the window is on request-date.
    ReportLayout("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", "flat-file-columns-2.md §16", ORDER_COLUMNS,
                 removal_orders, key=("order-id", "sku", "fnsku", "disposition"), window_column="request-date",
                 variants=(ORDER_PRODUCTION,)),
    # Cursor shipment-date (§17); disposed and cancelled units never ship, so they are not here.
    FlatLayout("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", "flat-file-columns-2.md §17", SHIPMENT_COLUMNS,
               removal_shipments, key=("order-id", "tracking-number", "sku", "fnsku"),
               window_column="shipment-date"),
)
