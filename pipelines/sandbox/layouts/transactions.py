"""GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA: Seller Central's "Date Range" transaction report.

flat-file-columns-2.md §25: a CSV file (not TSV) with every field in double quotes, seven
preamble lines before the header (line 2 names the currency), headers and dates localized by
marketplace. createReport refuses it ("Request for report type 1202 is not allowed at this
time", InvalidInput); Amazon generates it and getReports lists it, like settlements.

The sandbox generates one per marketplace per calendar month, the day after the month ends,
kept 90 days (Amazon's default retention). Its rows are the settlements' money movements
posted in the month, one per order item and kind, so they add up to the settlement lines.
Served where the notes give the header: the US (30 columns, hyperf-admin-amazon 2025) and DE
(hyperf-admin-amazon's German map: no account type and no regulatory fee columns); EU amounts
with a comma decimal mark, as the EU settlement report's (their form here is unverified).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Callable, Iterator

from pipelines.sandbox.formats import DATE_RANGE_TIME, LOCALE_DECIMAL, write_csv_gz
from pipelines.sandbox.layouts.kinds import ReportLayout, Variant
from pipelines.sandbox.layouts.model import (
    END_INCLUSIVE,
    Col,
    Const,
    Drift,
    Identifier,
    Money,
    Quantity,
    Rendered,
    RenderRequest,
    RowRequest,
    Sku,
    Text,
    Timestamp,
    row_writer,
)
from pipelines.sandbox.seller import MARKETPLACES, Marketplace, SyntheticSeller, Transaction

UTC = timezone.utc
US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
REPORT_TYPE = "GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA"
# "createReport is refused with InvalidInput "Request for report type 1202 is not allowed at this time""
# (two independent 2025-2026 codebases, §25).
CREATE_REFUSAL = "Request for report type 1202 is not allowed at this time"
SERVED = (US, DE)
CREATED_AFTER_MONTH = timedelta(days=1, hours=4)
RETENTION = timedelta(days=90)


def _amount(field: str) -> Money:
    return Money(field, LOCALE_DECIMAL)


COLUMNS = (
    Col("date/time", Timestamp("posted", DATE_RANGE_TIME)),  # Jun 26, 2023 11:53:30 PM PDT
    Col("settlement id", Identifier("settlement_id")),
    Col("type", Text("type")),  # Order | Refund
    Col("order id", Identifier("order_id")),
    Col("sku", Sku()),
    Col("description", Text("description")),
    Col("quantity", Quantity("quantity")),
    Col("marketplace", Text("marketplace")),  # amazon.com
    Col("account type", Const("Standard Orders")),
    Col("fulfillment", Text("fulfillment")),  # Amazon | Seller
    Col("order city", Text("city")),
    Col("order state", Text("state")),
    Col("order postal", Text("postal")),
    Col("tax collection model", Const("MarketplaceFacilitator")),
    Col("product sales", _amount("product_sales")),
    Col("product sales tax", _amount("product_sales_tax")),
    Col("shipping credits", _amount("shipping_credits")),
    Col("shipping credits tax", _amount("zero")),
    Col("gift wrap credits", _amount("zero")),
    Col("giftwrap credits tax", _amount("zero")),
    Col("Regulatory Fee", _amount("zero")),
    Col("Tax On Regulatory Fee", _amount("zero")),
    Col("promotional rebates", _amount("zero")),
    Col("promotional rebates tax", _amount("zero")),
    Col("marketplace withheld tax", _amount("zero")),
    Col("selling fees", _amount("selling_fees")),  # negative: charges
    Col("fba fees", _amount("fba_fees")),
    Col("other transaction fees", _amount("zero")),
    Col("other", _amount("zero")),
    Col("total", _amount("total")),
)
# German header → the US column it is (hyperf-admin-amazon, config/autoload/amazon_report_headers.php).
_GERMAN = (
    ("Datum/Uhrzeit", "date/time"), ("Abrechnungsnummer", "settlement id"), ("Typ", "type"),
    ("Bestellnummer", "order id"), ("SKU", "sku"), ("Beschreibung", "description"), ("Menge", "quantity"),
    ("Marketplace", "marketplace"), ("Versand", "fulfillment"), ("Ort der Bestellung", "order city"),
    ("Bundesland", "order state"), ("Postleitzahl", "order postal"),
    ("Steuererhebungsmodell", "tax collection model"), ("Umsätze", "product sales"),
    ("Produktumsatzsteuer", "product sales tax"), ("Gutschrift für Versandkosten", "shipping credits"),
    ("Steuer auf Versandgutschrift", "shipping credits tax"),
    ("Gutschrift für Geschenkverpackung", "gift wrap credits"),
    ("Steuer auf Geschenkverpackungsgutschriften", "giftwrap credits tax"),
    ("Rabatte aus Werbeaktionen", "promotional rebates"), ("Steuer auf Aktionsrabatte", "promotional rebates tax"),
    ("Einbehaltene Steuer auf Marketplace", "marketplace withheld tax"), ("Verkaufsgebühren", "selling fees"),
    ("Gebühren zu Versand durch Amazon", "fba fees"), ("Andere Transaktionsgebühren", "other transaction fees"),
    ("Andere", "other"), ("Gesamt", "total"),
)
GERMAN = Variant((DE,), "flat-file-columns-2.md §25, DE (hyperf-admin-amazon's header map)",
                 tuple(Col(de, next(c.meaning for c in COLUMNS if c.header == us)) for de, us in _GERMAN))


def preamble(mp: Marketplace) -> list[str]:
    """The seven lines before the header; line 2 names the currency (§25). The other lines' wording
    is unverified (the notes name their topics: the scope, and a definitions block)."""
    return [
        "Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions",
        f"All amounts in {mp.currency}, unless specified",
        "Definitions:",
        "Sales tax collected: Includes sales tax collected from buyers for product sales, shipping, and gift wrap.",
        "Selling fees: Includes variable closing fees and referral fees.",
        "Other transaction fees: Includes shipping chargebacks, shipping holdbacks, per-item fees and sales tax "
        "collection fees.",
        'Other: Includes non-order transaction amounts. For more details, see the "Type" and "Description" columns '
        "for each order ID.",
    ]


@dataclass(frozen=True)
class CsvLayout(ReportLayout):
    """A quoted CSV document with notes before its header (one marketplace a document)."""

    preamble: Callable[[Marketplace], list[str]] = preamble
    create_refusal: str = ""  # what createReport answers (InvalidInput) when it cannot be requested

    def render(self, req: RenderRequest) -> Rendered:
        mp = MARKETPLACES[req.marketplace_ids[0]]
        columns = self.columns_for(mp.id)
        rows = map(row_writer(columns, mp),
                   self.entities(req.seller, mp.id, req.start, req.end + END_INCLUSIVE, req.now, req.options))
        count = write_csv_gz(req.path, self.preamble(mp), [c.header for c in columns], rows, mp.charset)
        return Rendered(count, f"text/csv; charset={mp.charset}")


def transactions(req: RowRequest) -> Iterator[Transaction]:
    """The movements of the generated report's period (its start and end), streamed."""
    return req.seller.transactions(req.marketplace_id, req.start, req.end)


# "Two 2026 US parsers add two trailing columns" (§25); not served here.
DRIFT_2026 = Drift((), "flat-file-columns-2.md §25 (2026 US parsers)",
                   also_seen=("transaction status", "transaction release date"))
# "The range is chosen when the report is generated in Seller Central. No API window applies" (§25).
LAYOUT = CsvLayout(REPORT_TYPE, "flat-file-columns-2.md §25", COLUMNS, transactions,
                   key=("date/time", "order id", "sku", "type"), requestable=False, variants=(GERMAN,),
                   drift=DRIFT_2026, create_refusal=CREATE_REFUSAL)
LAYOUTS = (LAYOUT,)


@dataclass(frozen=True)
class Generated:
    """One Date Range report Amazon made: a marketplace's calendar month."""

    report_id: str
    marketplace_id: str
    start: datetime
    end: datetime
    report_type: str = REPORT_TYPE

    @property
    def created(self) -> datetime:
        return self.end + CREATED_AFTER_MONTH

    @property
    def document_id(self) -> str:
        return f"amzn1.spdoc.1.4.na.daterange.{self.report_id}"


def generated(seller: SyntheticSeller, marketplace_ids: tuple[str, ...], now: datetime) -> list[Generated]:
    """The Date Range reports visible at ``now`` (made, and still retained), newest month first."""
    out = []
    month = (now - CREATED_AFTER_MONTH).date().replace(day=1)
    while True:
        start = (month - timedelta(days=1)).replace(day=1)
        report_start, report_end = (datetime.combine(d, time(), UTC) for d in (start, month))
        if report_end + CREATED_AFTER_MONTH < now - RETENTION:
            return out
        for mp in marketplace_ids:
            if mp in SERVED:
                rid = f"6{seller.seed % 1000:03d}{list(MARKETPLACES).index(mp)}{start:%Y%m}"
                out.append(Generated(rid, mp, report_start, report_end))
        month = start


def render_generated(seller: SyntheticSeller, report: Generated, path) -> Rendered:
    """A generated report's document: its month's transactions, final figures."""
    return LAYOUT.render(RenderRequest(seller, [report.marketplace_id], report.start, report.end - END_INCLUSIVE,
                                       {}, path, report.created))
