"""Money Amazon pays or owes: reimbursements and settlements."""
from pipelines.catalog.model import ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FBA_REIMBURSEMENTS_DATA",
        name="fba_reimbursements",
        description="FBA reimbursements, windowed by approval date.",
        columns=cols(
            "approval-date:timestamptz reimbursement-id case-id amazon-order-id reason sku fnsku asin "
            "product-name condition currency-unit amount-per-unit:decimal amount-total:decimal "
            "quantity-reimbursed-cash:int quantity-reimbursed-inventory:int "
            "quantity-reimbursed-total:int original-reimbursement-id original-reimbursement-type"
        ),
        cursor="approval_date",
        key=("reimbursement_id", "fnsku", "sku"),
        lookback_days=7,
        group="finance",
    ),
    ReportEntry(
        report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
        name="settlements_v2",
        description="Settlement reports (flat file V2). Amazon generates one per settlement "
                    "period; the pipeline lists them with getReports and never requests them.",
        columns=cols(
            "settlement-id settlement-start-date:timestamp_utc settlement-end-date:timestamp_utc "
            "deposit-date:timestamp_utc total-amount:decimal currency transaction-type order-id "
            "merchant-order-id adjustment-id shipment-id marketplace-name amount-type "
            "amount-description amount:decimal fulfillment-id posted-date "
            "posted-date-time:timestamp_utc order-item-code merchant-order-item-id "
            "merchant-adjustment-item-id sku quantity-purchased:int promotion-id"
        ),
        requested=False,
        cursor=None,
        max_window_days=90,
        key=("settlement_id", "_row_number"),
        lookback_days=14,
        group="finance",
        row_numbers=True,
    ),
)
