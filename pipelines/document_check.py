"""Is a downloaded document the report that was asked for? A cheap look before landing.

Landing replaces a window's rows with the document's, so a document that is not
the expected report (empty bytes, an empty gzip, an HTML error page, another
report's header, JSON of another shape) would silently empty the window. Only
two things mean "no data": a CANCELLED report or a Data Kiosk query DONE without
a document (never handed to these checks), and a well-formed document with zero
records: a flat file's header line, a JSON report's envelope holding its records
array (possibly empty). Anything else raises ForeignDocumentError before the
warehouse is touched.

The checks read the first line, or stream the top level of a JSON document
token by token: memory stays flat whatever the document's size.

>>> from pipelines.catalog import cols
>>> header_problem(["amazon-order-id", "sku", "quantity", "new-column"], cols("amazon-order-id sku quantity:int"),
...                ("amazon_order_id", "sku")) is None
True
>>> header_problem(["113-8871452-8288246", "SKU-1", "2"], cols("amazon-order-id sku quantity:int"), ("sku",))
'not a header of this report: 0 of its 3 fields are declared columns (of 3); key column sku missing'
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.catalog import Column, ReportEntry
from pipelines.warehouse.errors import ForeignDocumentError
from pipelines.warehouse.sources import DELIMITED, JSONL_MAX_OBJECT, TSV, Delimited, landed_names

HEAD_BYTES = 100  # bytes of the document quoted in the error
MAX_HEADER_LINE = 64 << 10  # a flat file's header is a few KB; a longer first line is no header
MAX_JSON_TOKEN = 8 << 20  # longest JSON string the envelope scan carries across chunks
CHUNK = 1 << 16


@dataclass(frozen=True)
class Origin:
    """Where a document came from, as the error names it."""

    request: str  # "report 123 (GET_...)" or "Data Kiosk query 456"
    document_id: str | None
    content_type: str | None


def check_report(path: Path, entry: ReportEntry, origin: Origin, dialect: Delimited | None = None) -> None:
    """Raise ForeignDocumentError unless ``path`` is a well-formed document of the entry's
    report (a flat file written in ``dialect``, as landing reads it)."""
    check_document(path, origin, entry.report_type, fmt=entry.format, columns=entry.columns, key=entry.key,
                   json_records=entry.json_records, dialect=dialect)


def check_document(path: Path, origin: Origin, expected: str, *, fmt: str, columns: Sequence[Column],
                   key: Sequence[str] = (), json_records: str | None = None, dialect: Delimited | None = None) -> None:
    """Raise ForeignDocumentError unless ``path`` is a well-formed ``fmt`` document
    (``tsv``/``csv``, ``json`` or ``jsonl``) of the expected report (``expected`` names it)."""
    problem = document_problem(path, fmt, columns, key, json_records, dialect)
    if problem is not None:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        raise ForeignDocumentError(origin.request, origin.document_id, origin.content_type, head,
                                   f"is not a {expected} document: {problem}")


def document_problem(path: Path, fmt: str, columns: Sequence[Column], key: Sequence[str] = (),
                     json_records: str | None = None, dialect: Delimited | None = None) -> str | None:
    """What is wrong with the document (None: it is a well-formed ``fmt`` document)."""
    if Path(path).stat().st_size == 0:
        return "it is empty (0 bytes once decompressed)"
    if fmt in DELIMITED:
        return flat_file_problem(path, columns, key, dialect or Delimited.of(fmt))
    if fmt == "json":
        if not json_records:
            raise ValueError("fmt='json' needs json_records (the array holding one record per row)")
        return json_report_problem(path, json_records)
    if fmt == "jsonl":
        return jsonl_problem(path, columns)
    raise ValueError(f"fmt must be one of {', '.join(DELIMITED)}, json or jsonl, got {fmt!r}")


# ---- flat files ----------------------------------------------------------------------

def flat_file_problem(path: Path, columns: Sequence[Column], key: Sequence[str] = (),
                      dialect: Delimited = TSV) -> str | None:
    """A flat file must start (after its preamble, if the report has one) with this
    report's header line; rows may follow, or none."""
    where = f"line {dialect.preamble_lines + 1}" if dialect.preamble_lines else "its first line"
    with open(path, "rb") as fh:
        for _ in range(dialect.preamble_lines + 1):
            line = fh.readline(MAX_HEADER_LINE)
            if len(line) == MAX_HEADER_LINE and not line.endswith(b"\n"):
                return f"{where} is longer than {MAX_HEADER_LINE} bytes, so it is no header"
    text = line.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    if not text.strip():
        return f"{where} is blank where the header should be"
    if dialect.quote:
        fields = next(csv.reader([text], delimiter=dialect.delimiter, quotechar=dialect.quote))
    else:
        fields = text.split(dialect.delimiter)
    problem = header_problem(fields, columns, key)
    return None if problem is None else f"{where} is {problem}"


def header_problem(fields: Sequence[str], columns: Sequence[Column], key: Sequence[str] = ()) -> str | None:
    """Why ``fields`` is not recognisably this report's header (None: it is).

    Amazon adds and drops columns by marketplace and over time (the GENERAL
    shipments report lacks a third of its PII columns), so the rule is loose on
    both sides yet rejects another report's header: every key column is there,
    at least half of the declared columns are there, and at least half of the
    header's fields are declared columns. Fields match columns as landing
    matches them (``landed_names``: the exact header, its snake_case, an alias).
    """
    declared = {c.name for c in columns}
    matched = {n for n in landed_names(fields, columns) if n in declared}
    missing_key = [k for k in key if k in declared and k not in matched]
    if not missing_key and 2 * len(matched) >= len(declared) and 2 * len(matched) >= len(fields):
        return None
    problem = (f"not a header of this report: {len(matched)} of its {len(fields)} fields "
               f"are declared columns (of {len(declared)})")
    if missing_key:
        problem += f"; key column{'s' if len(missing_key) > 1 else ''} {', '.join(missing_key)} missing"
    return problem


# ---- JSON reports --------------------------------------------------------------------

# Structural characters and JSON strings (a string still open at the end of the buffer runs to
# its end). Literals (numbers, true, false, null) are skipped: only the envelope's shape matters.
_TOKENS = re.compile(rb'[{}\[\]:,]|"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\)?', re.S)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_OPEN, _CLOSE = frozenset(b"{["), frozenset(b"}]")
_WHITESPACE = b" \t\r\n"
JSON_CHUNK = 1 << 18


def _json_tokens(path: Path) -> Iterator[list[bytes]]:
    """The strings and structural characters of a JSON file, one chunk's worth at a time."""
    rest = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(JSON_CHUNK):
            tokens = _TOKENS.findall(rest + chunk)
            rest = b""
            if tokens and tokens[-1][:1] == b'"' and not _STRING.fullmatch(tokens[-1]):
                rest = tokens.pop()  # unfinished: the next chunk completes it
                if len(rest) > MAX_JSON_TOKEN:
                    raise ValueError(f"a JSON string longer than {MAX_JSON_TOKEN} bytes")
            yield tokens


def json_report_problem(path: Path, records: str) -> str | None:
    """A JSON report must be one object with a top-level ``records`` array (possibly empty).

    Only the envelope is read: tokens are streamed until the ``records`` key, and
    arrays before it are skipped by counting brackets, never parsed (a real
    report names its records right after ``reportSpecification``; a foreign
    document is scanned to its end at some 30 MB/s, in flat memory).
    """
    with open(path, "rb") as fh:
        first = b""
        while not first and (chunk := fh.read(CHUNK)):
            first = chunk.lstrip(_WHITESPACE)[:1]
    if not first:
        return "it holds only whitespace"
    if first != b"{":
        return "it is not a JSON object"
    depth, state, wanted = 0, "", False
    try:
        for tokens in _json_tokens(path):
            for tok in tokens:
                if depth == 1:  # the envelope's own keys and values
                    if state == "key" and tok[:1] == b'"':
                        wanted, state = json.loads(tok) == records, "colon"
                        continue
                    if state == "colon" and tok == b":":
                        state = "value"
                        continue
                    if state == "value" and wanted:
                        return None if tok == b"[" else f"its {records!r} is not an array"
                    state = "key" if tok == b"," else "after"
                c = tok[0]
                if c in _OPEN:
                    depth += 1
                    if depth == 1:
                        state = "key"
                elif c in _CLOSE:
                    depth -= 1
                    if depth == 0:
                        return f"it has no {records!r} array at its top level"
    except ValueError as exc:
        return f"it is not well-formed JSON ({exc})"
    return "it ends before its top-level object closes"


# ---- Data Kiosk JSONL ----------------------------------------------------------------

def jsonl_problem(path: Path, columns: Sequence[Column]) -> str | None:
    """A Data Kiosk document is JSON lines, one object per record: its first record
    must be an object carrying at least one of the query's top-level fields."""
    with open(path, "rb") as fh:
        line = b""
        while not line.strip():
            line = fh.readline(JSONL_MAX_OBJECT + 1)
            if not line:
                return "it holds only whitespace"
    if len(line) > JSONL_MAX_OBJECT:
        return f"its first line is longer than {JSONL_MAX_OBJECT} bytes"
    try:
        record = json.loads(line)
    except ValueError:
        return "its first line is not JSON"
    if not isinstance(record, dict):
        return f"its first line is a JSON {type(record).__name__}, not an object"
    fields = {c.source.split(".")[0] for c in columns}
    if fields and not fields & record.keys():
        return (f"its first record has none of the query's fields ({', '.join(sorted(fields))}); "
                f"it has {', '.join(sorted(record)) or 'no field'}")
    return None
