"""Returns and replacements: merchant-fulfilled (MFN) returns and FBA replacement shipments.

Headers: flat-file-columns-2.md §12 (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE: 32 documented
columns; a real US document of May 2026 appends ``Order Item ID``, served here in DE and JP)
and §18 (GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA, 9 columns).
"""
from __future__ import annotations

from datetime import timedelta

from pipelines.sandbox.formats import DD_MON_YYYY, ISO_OFFSET, Y_N
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
    Drift,
    Empty,
    Flag,
    FlatLayout,
    FulfillmentCenter,
    Identifier,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import MerchantReturn, Replacement

DRIFT_MARKETPLACES = ("A1PA6795UKMFR9", "A1VC38T7YXB528")  # DE, JP

# "At most 60 days per request, per the 2022 list and the current returns page" (§12).
RETURNS_MAX_WINDOW = timedelta(days=60)

MFN_RETURN_COLUMNS = (
    Col("Order ID", Identifier("item.amazon_order_id")),
    Col("Order date", Day("order_day", DD_MON_YYYY)),
    Col("Return request date", Day("request_day", DD_MON_YYYY)),
    Col("Return request status", Text("status")),  # Approved until the item arrives, then Completed
    Col("Amazon RMA ID", Identifier("rma_id")),
    Col("Merchant RMA ID", Empty()),
    Col("Label type", Text("label_type")),
    Col("Label cost", Money("label_cost")),
    Col("Currency code", Text("item.currency")),
    Col("Return carrier", Text("carrier")),
    Col("Tracking ID", Identifier("tracking_id")),
    Col("Label to be paid by", Const("Customer")),
    Col("A-to-Z Claim", Flag("a_to_z_claim", Y_N)),
    Col("Is prime", Flag("is_prime", Y_N)),
    Col("ASIN", Asin("item.asin")),
    Col("Merchant SKU", Sku("item.sku")),
    Col("Item Name", Text("item.product_name")),
    Col("Return quantity", Quantity("quantity")),
    Col("Return Reason", Text("reason")),
    Col("In policy", Flag("in_policy", Y_N)),
    Col("Return type", Const("C-Returns")),
    Col("Resolution", Text("resolution")),
    Col("Invoice number", Empty()),
    Col("Return delivery date", Day("delivered", DD_MON_YYYY)),  # form unverified: as the other dates
    Col("Order Amount", Money("item.item_price")),
    Col("Order quantity", Quantity("item.quantity")),
    Col("SafeT Action reason", Empty()),
    Col("SafeT claim id", Empty()),
    Col("SafeT claim state", Empty()),
    Col("SafeT claim creation time", Empty()),
    Col("SafeT claim reimbursement amount", Empty()),
    Col("Refunded Amount", Money("refunded_amount")),  # empty until the item arrives
)
MFN_RETURN_DRIFT = Drift(DRIFT_MARKETPLACES, "flat-file-columns-2.md §12 (SellerDataPipeline, May 2026)",
                         added=(Col("Order Item ID", Identifier("item.order_item_id")),),
                         also_seen=("Category", "VAT"))  # a UK account's parser test (unverified)

REPLACEMENT_COLUMNS = (
    # Raw form unverified (§18): ISO 8601 with offset, as the FBA customer returns report's dates (part 1 §5).
    Col("shipment-date", Timestamp("shipment_date", ISO_OFFSET)),
    Col("sku", Sku("original.item.sku")),
    Col("asin", Asin("original.item.asin")),
    Col("fulfillment-center-id", FulfillmentCenter("fulfillment_center_id")),
    Col("original-fulfillment-center-id", FulfillmentCenter("original.fulfillment_center_id")),
    Col("quantity", Quantity("quantity")),
    Col("replacement-reason-code", Text("reason_code")),  # values unverified
    Col("replacement-amazon-order-id", Identifier("replacement_order_id")),
    Col("original-amazon-order-id", Identifier("original.item.amazon_order_id")),
)


def merchant_returns(req: RowRequest) -> list[MerchantReturn]:
    req.expect_window("request_day")
    days = req.days
    return req.seller.merchant_returns_between(req.marketplace_id, days[0], days[-1]) if days else []


def replacements(req: RowRequest) -> list[Replacement]:
    req.expect_window("shipment_date")
    return req.seller.replacements_between(req.marketplace_id, req.start, req.end)


LAYOUTS = (
    # Cursor "Return request date" (§12); merchant-fulfilled items only. No data ends CANCELLED.
    FlatLayout("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "flat-file-columns-2.md §12", MFN_RETURN_COLUMNS,
               merchant_returns, key=("Order ID", "Amazon RMA ID", "Merchant SKU"),
               window_column="Return request date", day_window=True, max_window=RETURNS_MAX_WINDOW,
               drift=MFN_RETURN_DRIFT),
    # Cursor shipment-date (§18); no maximum window is documented.
    FlatLayout("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA", "flat-file-columns-2.md §18",
               REPLACEMENT_COLUMNS, replacements, key=("replacement-amazon-order-id", "sku"),
               window_column="shipment-date"),
)
