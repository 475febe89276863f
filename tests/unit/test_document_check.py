"""The document checker alone: which downloaded documents may replace a window's rows."""
from __future__ import annotations

import json

import pytest

from pipelines.catalog import CATALOG, Column, cols, entry
from pipelines.datakiosk_queries import load_queries
from pipelines.document_check import (MAX_HEADER_LINE, Origin, check_document, check_report, document_problem,
                                      header_problem, json_report_problem, jsonl_problem)
from pipelines.sandbox.document_faults import FOREIGN_HEADER, FOREIGN_JSON, HTML_PAGE
from pipelines.sync import dialect
from pipelines.warehouse import ForeignDocumentError
from pipelines.warehouse.sources import TSV, Delimited

ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
SHIPMENTS = entry("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL")
LEDGER = entry("GET_LEDGER_DETAIL_VIEW_DATA")
INVENTORY = entry("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA")
BY_ASIN = entry("sales_and_traffic_by_asin")
FLAT_FILES = [e for e in CATALOG if e.format in ("tsv", "csv")]


def header(e) -> list[str]:
    return [c.source for c in e.columns]


def write(tmp_path, data: bytes | str, name: str = "doc") -> object:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# ---- flat files --------------------------------------------------------------------------

# A small report for exact messages (the catalog's own entries grow).
SMALL = cols("amazon-order-id merchant-order-id purchase-date:timestamptz sku asin quantity:int currency "
             "item-price:decimal")
SMALL_KEY = ("amazon_order_id", "sku", "asin")


def names(e) -> set[str]:
    return {c.name for c in e.columns}


def unlike(a: set[str], b: set[str]) -> bool:
    """Two layouts sharing less than half of their columns: different reports, not drift."""
    return len(a & b) * 2 < len(a | b)


@pytest.mark.parametrize("e", FLAT_FILES, ids=lambda e: e.name)
def test_every_flat_file_accepts_its_own_header_and_rejects_other_reports(e):
    assert header_problem(header(e), e.columns, e.key) is None
    others = [o for o in FLAT_FILES if unlike(names(o), names(e))]
    assert others
    for other in others:
        assert header_problem(header(other), e.columns, e.key) is not None, other.name
    if unlike({c.name for c in cols(" ".join(FOREIGN_HEADER))}, names(e)):  # the sandbox's foreign_header
        assert header_problem(FOREIGN_HEADER, e.columns, e.key) is not None


# Header variants Amazon is documented to send (shared/sp-api flat-file notes): all must land.
def _orders_item_id_after_status():
    fields = [h for h in header(ORDERS) if h != "signature-confirmation-recommended"]
    at = fields.index("order-status") + 1
    return fields[:at] + ["order-item-id"] + fields[at:]


VARIANTS = {
    "orders with order-item-id appended": (ORDERS, header(ORDERS) + ["order-item-id"]),
    "orders with order-item-id after order-status, no signature-confirmation-recommended": (
        ORDERS, _orders_item_id_after_status()),
    "shipments GENERAL without its PII columns": (SHIPMENTS, [h for h in header(SHIPMENTS) if not h.startswith(
        ("buyer-", "recipient-", "ship-address-", "ship-phone", "bill-address-"))]),
    "ledger in Title Case with spaces, Date and Time and Store": (LEDGER, [
        "Date", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity", "Fulfillment Center",
        "Disposition", "Reason", "Country", "Reconciled Quantity", "Unreconciled Quantity", "Date and Time",
        "Store"]),
    "inventory NA production (24 columns)": (INVENTORY, [
        "sku", "fnsku", "asin", "product-name", "condition", "your-price", "mfn-listing-exists",
        "mfn-fulfillable-quantity", "afn-listing-exists", "afn-warehouse-quantity", "afn-fulfillable-quantity",
        "afn-unsellable-quantity", "afn-reserved-quantity", "afn-total-quantity", "per-unit-volume",
        "afn-inbound-working-quantity", "afn-inbound-shipped-quantity", "afn-inbound-receiving-quantity",
        "afn-researching-quantity", "afn-reserved-future-supply", "afn-future-supply-buyable",
        "afn-fc-transfer-quantity", "afn-onhand-buyable-quantity", "store"]),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_documented_header_drift_is_accepted(name):
    e, fields = VARIANTS[name]
    assert header_problem(fields, e.columns, e.key) is None


def test_a_header_missing_a_key_column_or_most_columns_is_rejected():
    fields = [c.source for c in SMALL]
    assert header_problem(fields, SMALL, SMALL_KEY) is None
    assert header_problem([f for f in fields if f != "sku"], SMALL, SMALL_KEY) == (
        "not a header of this report: 7 of its 7 fields are declared columns (of 8); key column sku missing")
    keys_and_one = ["amazon-order-id", "sku", "asin"]  # 3 of 8: too few of the declared columns
    assert header_problem(keys_and_one, SMALL, SMALL_KEY) == (
        "not a header of this report: 3 of its 3 fields are declared columns (of 8)")
    assert header_problem(keys_and_one + ["currency"], SMALL, SMALL_KEY) is None  # half of them
    strangers = fields + [f"new-{i}" for i in range(9)]  # more unknown fields than known ones
    assert header_problem(strangers, SMALL, SMALL_KEY) == (
        "not a header of this report: 8 of its 17 fields are declared columns (of 8)")
    assert header_problem(strangers[:-1], SMALL, SMALL_KEY) is None  # as many new fields as known ones
    alias = (Column("Bestellnummer", alias="amazon_order_id"), *SMALL[1:])  # a localized header
    assert header_problem(["Bestellnummer", *fields[1:]], alias, SMALL_KEY) is None


def test_flat_file_documents(tmp_path):
    head = "\t".join(c.source for c in SMALL)
    row = "\t".join(f"value-{i}" for i in range(len(SMALL)))

    def problem(text, dialect=TSV):
        return document_problem(write(tmp_path, text), dialect.delimiter == "," and "csv" or "tsv", SMALL,
                                SMALL_KEY, dialect=dialect)

    assert problem(head + "\n") is None  # header only: the report's "no rows"
    assert problem(head) is None  # without a final newline
    assert problem("\ufeff" + head + "\r\n" + row + "\r\n") is None  # BOM, CRLF
    assert problem(b"") == "it is empty (0 bytes once decompressed)"
    assert problem("\n" + head + "\n") == "its first line is blank where the header should be"
    assert problem(row + "\n" + row + "\n") == (
        "its first line is not a header of this report: 0 of its 8 fields are declared columns (of 8); "
        "key columns amazon_order_id, sku, asin missing")
    assert problem(HTML_PAGE) == (
        "its first line is not a header of this report: 0 of its 1 fields are declared columns (of 8); "
        "key columns amazon_order_id, sku, asin missing")
    assert problem("x" * (MAX_HEADER_LINE + 10)) == (
        f"its first line is longer than {MAX_HEADER_LINE} bytes, so it is no header")
    quoted = ",".join(f'"{c.source}"' for c in SMALL)
    csv_with_notes = Delimited.of("csv", preamble_lines=2)
    assert problem("Includes Amazon Marketplace, Fulfillment by Amazon\n\n" + quoted + "\n", csv_with_notes) is None
    assert problem(quoted + "\n", csv_with_notes) == "line 3 is blank where the header should be"
    assert problem("note\nnote\n" + head + "\n", csv_with_notes) == (
        "line 3 is not a header of this report: 0 of its 1 fields are declared columns (of 8); "
        "key columns amazon_order_id, sku, asin missing")


# ---- JSON reports -------------------------------------------------------------------------

def envelope(**arrays) -> dict:
    return {"reportSpecification": {"reportType": "GET_SALES_AND_TRAFFIC_REPORT",
                                    "reportOptions": {"asinGranularity": "SKU"}}, **arrays}


@pytest.mark.parametrize("doc", [
    envelope(salesAndTrafficByDate=[], salesAndTrafficByAsin=[]),
    envelope(salesAndTrafficByAsin=[{"childAsin": "B1", "sku": "S1"}]),
    envelope(salesAndTrafficByDate=[{"date": "2025-01-01", "note": 'brackets ]}[{ and "quotes" \\'}] * 3,
             salesAndTrafficByAsin=[]),
])
def test_a_json_report_with_its_records_array_is_accepted(tmp_path, doc):
    for text in (json.dumps(doc), json.dumps(doc, indent=2)):
        assert json_report_problem(write(tmp_path, text), "salesAndTrafficByAsin") is None


@pytest.mark.parametrize("text,problem", [
    (json.dumps(envelope(salesAndTrafficByDate=[])), "it has no 'salesAndTrafficByAsin' array at its top level"),
    (json.dumps(envelope(nested={"salesAndTrafficByAsin": []})),
     "it has no 'salesAndTrafficByAsin' array at its top level"),
    (json.dumps(envelope(other=["salesAndTrafficByAsin"])), "it has no 'salesAndTrafficByAsin' array at its top level"),
    (json.dumps(envelope(salesAndTrafficByAsin=None)), "its 'salesAndTrafficByAsin' is not an array"),
    (json.dumps(envelope(salesAndTrafficByAsin={})), "its 'salesAndTrafficByAsin' is not an array"),
    (json.dumps(envelope(salesAndTrafficByAsin="[]")), "its 'salesAndTrafficByAsin' is not an array"),
    (json.dumps(FOREIGN_JSON, indent=2), "it has no 'salesAndTrafficByAsin' array at its top level"),
    (json.dumps([envelope(salesAndTrafficByAsin=[])]), "it is not a JSON object"),
    (HTML_PAGE, "it is not a JSON object"),
    ("  \n\t ", "it holds only whitespace"),
    ('{"reportSpecification": {"a": [1, 2', "it ends before its top-level object closes"),
])
def test_a_json_document_of_another_shape_is_rejected(tmp_path, text, problem):
    assert json_report_problem(write(tmp_path, text), "salesAndTrafficByAsin") == problem


def test_the_json_envelope_scan_streams_across_chunks(tmp_path):
    """Strings cut by a chunk boundary (with brackets, quotes and backslashes inside)
    are carried over whole; a big array before the records is skipped, not loaded."""
    filler = 'x]}"{[\\' * 50_000  # ~350 KB in one string: spans the 256 KB chunks
    doc = envelope(salesAndTrafficByDate=[{"s": filler, "n": i} for i in range(4)], salesAndTrafficByAsin=[])
    path = write(tmp_path, json.dumps(doc))
    assert path.stat().st_size > 4 * 350_000
    assert json_report_problem(path, "salesAndTrafficByAsin") is None
    assert json_report_problem(path, "missing") == "it has no 'missing' array at its top level"


# ---- Data Kiosk JSONL ---------------------------------------------------------------------

def test_data_kiosk_pages(tmp_path):
    spec = load_queries()[0]
    top = sorted({c.source.split(".")[0] for c in spec.columns})
    record = {top[0]: "2025-01-01"}

    def problem(text):
        return jsonl_problem(write(tmp_path, text), spec.columns)

    assert problem(json.dumps(record) + "\n" + json.dumps(record) + "\n") is None
    assert problem("\n" + json.dumps(record)) is None  # a leading blank line
    assert problem("\n \n") == "it holds only whitespace"
    assert problem(json.dumps(FOREIGN_JSON, indent=2)) == "its first line is not JSON"
    assert problem(json.dumps([record])) == "its first line is a JSON list, not an object"
    assert problem(HTML_PAGE) == "its first line is not JSON"
    assert problem('{"errorMessage": "boom"}') == (
        f"its first record has none of the query's fields ({', '.join(top)}); it has errorMessage")
    assert document_problem(write(tmp_path, b""), "jsonl", spec.columns) == "it is empty (0 bytes once decompressed)"


# ---- the error ---------------------------------------------------------------------------

def test_the_error_names_report_document_first_bytes_and_content_type(tmp_path):
    path = write(tmp_path, HTML_PAGE)
    origin = Origin("report 50000000001 (GET_SALES_AND_TRAFFIC_REPORT)", "amzn1.spdoc.1.4.na.x", "text/html")
    with pytest.raises(ForeignDocumentError) as caught:
        check_document(path, origin, BY_ASIN.report_type, fmt="json", columns=BY_ASIN.columns,
                       json_records=BY_ASIN.json_records)
    head = HTML_PAGE.encode()[:100]
    assert str(caught.value) == (
        "report 50000000001 (GET_SALES_AND_TRAFFIC_REPORT): document amzn1.spdoc.1.4.na.x is not a "
        "GET_SALES_AND_TRAFFIC_REPORT document: it is not a JSON object (Content-Type 'text/html', "
        f"first bytes {head!r}). Nothing was landed or deleted: the rows already landed are kept.")
    assert caught.value.head == head and len(head) == 100
    assert caught.value.document_id == "amzn1.spdoc.1.4.na.x" and caught.value.content_type == "text/html"


def test_every_catalog_report_passes_with_its_own_header_or_envelope_and_fails_without(tmp_path):
    origin = Origin("report 1", "d", "text/plain")
    for e in CATALOG:
        if e.format in ("tsv", "csv"):
            written = dialect(e)
            line = written.delimiter.join(f'"{h}"' if written.quote else h for h in header(e))
            good = "note\n" * e.preamble_lines + line + "\n"
            bad = "note\n" * e.preamble_lines + written.delimiter.join(f"v{i}" for i in range(len(e.columns)))
        else:
            good = json.dumps({"reportSpecification": {"reportType": e.report_type}, e.json_records: []})
            bad = json.dumps({"reportSpecification": {"reportType": e.report_type}})
        check_report(write(tmp_path, good, e.name), e, origin, dialect(e))  # no error
        with pytest.raises(ForeignDocumentError, match=f"^report 1: document d is not a {e.report_type} document"):
            check_report(write(tmp_path, bad, f"bad-{e.name}"), e, origin, dialect(e))
