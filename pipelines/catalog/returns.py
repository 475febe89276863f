"""Merchant-fulfilled (MFN) returns. FBA returns are in ``fulfillment``."""
from pipelines.catalog.model import Column, ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE",
        name="mfn_returns",
        description="Merchant-fulfilled returns, windowed by return request date (at most 60 days per "
                    "request). An FBA-only seller gets CANCELLED (no data) every time.",
        columns=cols(
            Column("Order ID"), Column("Order date", "date_d_mon_y"),
            Column("Return request date", "date_d_mon_y"), Column("Return request status"),
            Column("Amazon RMA ID"), Column("Merchant RMA ID"), Column("Label type"),
            Column("Label cost", "decimal"), Column("Currency code"), Column("Return carrier"),
            Column("Tracking ID"), Column("Label to be paid by"), Column("A-to-Z Claim", "bool"),
            Column("Is prime", "bool"), "ASIN", Column("Merchant SKU"), Column("Item Name"),
            Column("Return quantity", "int"), Column("Return Reason"), Column("In policy", "bool"),
            Column("Return type"), "Resolution", Column("Invoice number"),
            Column("Return delivery date", "date_lenient"), Column("Order Amount", "decimal"),
            Column("Order quantity", "int"), Column("SafeT Action reason"), Column("SafeT claim id"),
            Column("SafeT claim state"), Column("SafeT claim creation time", "timestamp_lenient"),
            Column("SafeT claim reimbursement amount", "decimal"), Column("Refunded Amount", "decimal"),
            # A UK variant inserts these two before the 2026 column (unverified).
            "Category", "VAT",
            Column("Order Item ID"),  # in real 2026 files, not in the docs
        ),
        cursor="return_request_date",
        max_window_days=60,
        key=("order_id", "amazon_rma_id", "merchant_sku"),  # Order Item ID is in 2026 files only
        lookback_days=7,
        group="returns",
    ),
)
