"""Money: FBA reimbursements and settlement reports.

Headers: flat-file-columns.md §6 (GET_FBA_REIMBURSEMENTS_DATA, 18 columns) and §9
(GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2: 24 columns, ``promotion-id`` last as in real
files; the summary row first; EU amounts with a comma decimal mark).
"""
from __future__ import annotations

from typing import Iterator

from pipelines.sandbox.formats import ISO_OFFSET, LOCALE_DECIMAL, MDY_SHORT, UTC_TEXT
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
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
from pipelines.sandbox.seller import Reimbursement, SettlementLine

REIMBURSEMENT_COLUMNS = (
    Col("approval-date", Timestamp("approval_date", ISO_OFFSET)),
    Col("reimbursement-id", Identifier("reimbursement_id")),
    Col("case-id", Empty()),
    Col("amazon-order-id", Identifier("amazon_order_id")),
    Col("reason", Text("reason")),
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("asin", Asin("product.asin")),
    Col("product-name", Text("product.name")),
    Col("condition", Const("New")),
    Col("currency-unit", Text("currency")),
    Col("amount-per-unit", Money("amount_per_unit")),
    Col("amount-total", Money("amount_total")),
    Col("quantity-reimbursed-cash", Quantity("quantity_cash")),
    Col("quantity-reimbursed-inventory", Quantity("quantity_inventory")),
    Col("quantity-reimbursed-total", Quantity("quantity_total")),
    Col("original-reimbursement-id", Empty()),  # filled on reversal rows
    Col("original-reimbursement-type", Empty()),
)

SETTLEMENT_COLUMNS = (
    Col("settlement-id", Identifier("settlement_id")),
    Col("settlement-start-date", Timestamp("start", UTC_TEXT)),  # the summary row only, as the next four
    Col("settlement-end-date", Timestamp("end", UTC_TEXT)),
    Col("deposit-date", Timestamp("deposit_date", UTC_TEXT)),
    Col("total-amount", Money("total", LOCALE_DECIMAL)),
    Col("currency", Text("currency")),
    Col("transaction-type", Text("transaction_type")),  # empty on the summary row
    Col("order-id", Identifier("order_id")),
    Col("merchant-order-id", Empty()),
    Col("adjustment-id", Identifier("adjustment_id")),
    Col("shipment-id", Identifier("shipment_id")),
    Col("marketplace-name", Text("marketplace_name")),
    Col("amount-type", Text("amount_type")),
    Col("amount-description", Text("amount_description")),
    Col("amount", Money("amount", LOCALE_DECIMAL)),
    Col("fulfillment-id", Text("fulfillment_id")),  # AFN | MFN
    Col("posted-date", Day("posted_day", MDY_SHORT)),
    Col("posted-date-time", Timestamp("posted", UTC_TEXT)),
    Col("order-item-code", Identifier("order_item_code")),
    Col("merchant-order-item-id", Empty()),
    Col("merchant-adjustment-item-id", Empty()),
    Col("sku", Sku()),
    Col("quantity-purchased", Quantity("quantity")),
    Col("promotion-id", Empty()),
)


def reimbursements(req: RowRequest) -> list[Reimbursement]:
    req.expect_window("approval_date")
    found = req.seller.reimbursements_between(req.marketplace_id, req.start, req.end)
    return sorted(found, key=lambda r: r.approval_date)


def settlement_lines(req: RowRequest) -> Iterator[SettlementLine]:
    """The settlement whose period is the request's window (settlements are never requested:
    ``start``/``end`` are the period of the listed report)."""
    return req.seller.settlement_lines(req.marketplace_id, req.start, req.end)


LAYOUTS = (
    # Cursor approval-date (§6); no maximum window is documented.
    FlatLayout("GET_FBA_REIMBURSEMENTS_DATA", "flat-file-columns.md §6", REIMBURSEMENT_COLUMNS, reimbursements,
               key=("reimbursement-id",), window_column="approval-date"),
    # "Settlement reports cannot be requested or scheduled. List them with getReports" (§9).
    FlatLayout("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", "flat-file-columns.md §9", SETTLEMENT_COLUMNS,
               settlement_lines, requestable=False,
               key=("settlement-id", "transaction-type", "order-item-code", "adjustment-id", "amount-type",
                    "amount-description")),
)
