"""Money Amazon pays or owes: reimbursements, settlements and Date Range transactions."""
from pipelines.catalog.model import Column, ReportEntry, cols

# The German Date Range header (the notes name its first and last columns; public parsers
# agree on the rest) and the UK spellings land in the US columns.
_DATE_RANGE_LOCALIZED = tuple(Column(header, kind, alias=alias) for header, alias, kind in (
    ("Datum/Uhrzeit", "date_time", "timestamp_localized"), ("Abrechnungsnummer", "settlement_id", "text"),
    ("Typ", "type", "text"), ("Bestellnummer", "order_id", "text"), ("Beschreibung", "description", "text"),
    ("Menge", "quantity", "int"), ("Versand", "fulfillment", "text"), ("Ort der Bestellung", "order_city", "text"),
    ("Bundesland", "order_state", "text"), ("Postleitzahl", "order_postal", "text"),
    ("Steuererhebungsmodell", "tax_collection_model", "text"), ("Umsätze", "product_sales", "decimal"),
    ("Produktumsatzsteuer", "product_sales_tax", "decimal"),
    ("Gutschrift für Versandkosten", "shipping_credits", "decimal"),
    ("Steuer auf Versandgutschrift", "shipping_credits_tax", "decimal"),
    ("Gutschrift für Geschenkverpackung", "gift_wrap_credits", "decimal"),
    ("Steuer auf Geschenkverpackungsgutschriften", "giftwrap_credits_tax", "decimal"),
    ("Rabatte aus Werbeaktionen", "promotional_rebates", "decimal"),
    ("Steuer auf Aktionsrabatte", "promotional_rebates_tax", "decimal"),
    ("Einbehaltene Steuer auf Marketplace", "marketplace_withheld_tax", "decimal"),
    ("Verkaufsgebühren", "selling_fees", "decimal"), ("Gebühren zu Versand durch Amazon", "fba_fees", "decimal"),
    ("Andere Transaktionsgebühren", "other_transaction_fees", "decimal"), ("Andere", "other", "decimal"),
    ("Gesamt", "total", "decimal"), ("Transaktionsstatus", "transaction_status", "text"),
    ("Freigabedatum der Transaktion", "transaction_release_date", "timestamp_lenient"),
    ("fulfilment", "fulfillment", "text"), ("postage credits", "shipping_credits", "decimal"),
))

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
    ReportEntry(
        report_type="GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA",
        name="date_range_transactions",
        description="Date Range transaction reports (CSV, seven lines of notes before the header) that "
                    "you generate in Seller Central; Amazon refuses createReport for them, so the "
                    "pipeline lists them with getReports and lands each new one.",
        columns=cols(
            Column("date/time", "timestamp_localized"), Column("settlement id"), "type", Column("order id"),
            "sku description quantity:int marketplace", Column("account type"), "fulfillment",
            Column("order city"), Column("order state"), Column("order postal"),
            Column("tax collection model"), Column("product sales", "decimal"),
            Column("product sales tax", "decimal"), Column("shipping credits", "decimal"),
            Column("shipping credits tax", "decimal"), Column("gift wrap credits", "decimal"),
            Column("giftwrap credits tax", "decimal"), Column("Regulatory Fee", "decimal"),
            Column("Tax On Regulatory Fee", "decimal"), Column("promotional rebates", "decimal"),
            Column("promotional rebates tax", "decimal"), Column("marketplace withheld tax", "decimal"),
            Column("selling fees", "decimal"), Column("fba fees", "decimal"),
            Column("other transaction fees", "decimal"), Column("other", "decimal"),
            Column("total", "decimal"),
            Column("transaction status"), Column("transaction release date", "timestamp_lenient"),  # 2026
            *_DATE_RANGE_LOCALIZED,
        ),
        format="csv",
        preamble_lines=7,
        requested=False,
        cursor=None,
        max_window_days=90,
        key=("_report_id", "_row_number"),
        lookback_days=14,
        group="finance",
        row_numbers=True,
    ),
)
