"""Money Amazon pays or owes: reimbursements, settlements and Date Range transactions."""
from pipelines.catalog.model import Column, ReportEntry, cols


def _spelled(header: str, kind: str = "text", *localized: str) -> tuple[Column, ...]:
    """A Date Range column and its localized headers (German, UK), landing in one column."""
    first = Column(header, kind)
    return (first, *(Column(h, kind, alias=first.name) for h in localized))


# The US header (30 columns, 2 more in 2026) with the German one (the notes name its first and
# last columns; public parsers agree on the rest), each spelling beside the column it lands in.
_DATE_RANGE_COLUMNS = (
    *_spelled("date/time", "timestamp_localized", "Datum/Uhrzeit"),
    *_spelled("settlement id", "text", "Abrechnungsnummer"),
    *_spelled("type", "text", "Typ"), *_spelled("order id", "text", "Bestellnummer"), *_spelled("sku"),
    *_spelled("description", "text", "Beschreibung"), *_spelled("quantity", "int", "Menge"), *_spelled("marketplace"),
    *_spelled("account type"), *_spelled("fulfillment", "text", "Versand", "fulfilment"),
    *_spelled("order city", "text", "Ort der Bestellung"), *_spelled("order state", "text", "Bundesland"),
    *_spelled("order postal", "text", "Postleitzahl"),
    *_spelled("tax collection model", "text", "Steuererhebungsmodell"),
    *_spelled("product sales", "decimal", "Umsätze"), *_spelled("product sales tax", "decimal", "Produktumsatzsteuer"),
    *_spelled("shipping credits", "decimal", "Gutschrift für Versandkosten", "postage credits"),
    *_spelled("shipping credits tax", "decimal", "Steuer auf Versandgutschrift"),
    *_spelled("gift wrap credits", "decimal", "Gutschrift für Geschenkverpackung"),
    *_spelled("giftwrap credits tax", "decimal", "Steuer auf Geschenkverpackungsgutschriften"),
    *_spelled("Regulatory Fee", "decimal"), *_spelled("Tax On Regulatory Fee", "decimal"),
    *_spelled("promotional rebates", "decimal", "Rabatte aus Werbeaktionen"),
    *_spelled("promotional rebates tax", "decimal", "Steuer auf Aktionsrabatte"),
    *_spelled("marketplace withheld tax", "decimal", "Einbehaltene Steuer auf Marketplace"),
    *_spelled("selling fees", "decimal", "Verkaufsgebühren"),
    *_spelled("fba fees", "decimal", "Gebühren zu Versand durch Amazon"),
    *_spelled("other transaction fees", "decimal", "Andere Transaktionsgebühren"),
    *_spelled("other", "decimal", "Andere"), *_spelled("total", "decimal", "Gesamt"),
    *_spelled("transaction status"), *_spelled("transaction release date", "timestamp_lenient"),  # 2026
)

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
        columns=_DATE_RANGE_COLUMNS,
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
