"""What a sandbox report layout is: the sandbox's own model of one Amazon document.

A flat-file layout (``FlatLayout``) lists the columns exactly as Amazon writes
them (header, order) and, per column, its *meaning*: which fact of the row's
entity it shows (an attribute path such as ``item.item_price``) and in which
text form (a ``formats.Format``). Rendering is generic: the layout's row
source yields the synthetic seller's entities (order items, shipments,
returns, ...) and a row writer compiled from the columns turns each one into
text. The same meanings give the typed ground truth (``truth``) that landed
rows are checked against.

A layout also says what Amazon does with a request: the column the window
filters on, whether the report is a snapshot (the window filters nothing),
whether it can be requested, its documented maximum window, and the header it
serves in marketplaces where production headers drifted from the documented one.

>>> from pipelines.sandbox.formats import ISO_OFFSET
>>> cols = (Col("id", Identifier("amazon_order_id")), Col("when", Timestamp("purchase_date", ISO_OFFSET)),
...         Col("qty", Quantity("quantity")), Col("note", Const("n/a")), Col("gift", Empty()))
>>> from pipelines.sandbox.seller import SyntheticSeller
>>> item = SyntheticSeller(orders_per_day=1).order_items("ATVPDKIKX0DER", date(2025, 1, 1))[0]
>>> row_writer(cols, MARKETPLACES["ATVPDKIKX0DER"])(item)
['111-0739252-0000000', '2025-01-01T13:10:05+00:00', '1', 'n/a', '']
"""
from __future__ import annotations

import gzip
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping, Sequence

from pipelines.sandbox.formats import DECIMAL, GZIP_LEVEL, INTEGER, Format, write_tsv_gz
from pipelines.sandbox.seller import MARKETPLACES, Marketplace, SyntheticSeller, window_days

UTC = timezone.utc
NEW_COLUMN = "new-amazon-column"  # fault new_column: a column Amazon adds
MALFORMED_VALUE = "n/a"  # fault malformed_row: an unparsable number
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
END_INCLUSIVE = timedelta(seconds=1)  # dataEndTime is inclusive to the second

_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


def text_content_type(marketplace_id: str) -> str:
    return f"text/plain; charset={MARKETPLACES[marketplace_id].charset}"


# ---- meanings ---------------------------------------------------------------------

class Meaning:
    """What one column shows. ``fact`` names what the ground truth holds for it
    (``text``, ``money``, ``quantity``, ``timestamp``, ``date``, ``flag``), None
    for constants and empty columns."""

    fact: ClassVar[str | None] = None

    def value(self, row: Any, marketplace: Marketplace) -> Any:
        """The typed fact this column shows for ``row``."""
        raise NotImplementedError

    def expression(self, names: dict[str, Any], marketplace: Marketplace) -> str:
        """Python source of the column's text for a row bound to ``r`` (helpers go into ``names``)."""
        raise NotImplementedError


def _path(field_path: str) -> str:
    if not _PATH.match(field_path):
        raise ValueError(f"a column's field must be a dotted attribute path, got {field_path!r}")
    return field_path


@dataclass(frozen=True)
class Text(Meaning):
    """Free text held by the row (always a str, '' when empty)."""

    field: str
    fact = "text"

    def __post_init__(self):
        _path(self.field)

    def value(self, row, marketplace):
        return attrgetter(self.field)(row)

    def expression(self, names, marketplace):
        return f"r.{self.field}"


@dataclass(frozen=True)
class Identifier(Text):
    """An identifier (order id, shipment id, reimbursement id, ...)."""


@dataclass(frozen=True)
class Sku(Text):
    field: str = "sku"


@dataclass(frozen=True)
class Asin(Text):
    field: str = "asin"


@dataclass(frozen=True)
class Fnsku(Text):
    field: str = "fnsku"


@dataclass(frozen=True)
class FulfillmentCenter(Text):
    field: str = "fulfillment_center_id"


@dataclass(frozen=True)
class Formatted(Meaning):
    """A typed fact written in one of Amazon's text forms."""

    field: str
    fmt: Format

    def __post_init__(self):
        _path(self.field)

    def value(self, row, marketplace):
        return attrgetter(self.field)(row)

    def expression(self, names, marketplace):
        name = f"_w{len(names)}"
        names[name] = self.fmt.writer(marketplace.region)
        return f"{name}(r.{self.field})"


@dataclass(frozen=True)
class Money(Formatted):
    """A money amount of the row (``None``: empty)."""

    fmt: Format = DECIMAL
    fact = "money"


@dataclass(frozen=True)
class Quantity(Formatted):
    """A count of units (``None``: empty)."""

    fmt: Format = INTEGER
    fact = "quantity"


@dataclass(frozen=True)
class Timestamp(Formatted):
    """A moment, written in ``fmt``."""

    fact = "timestamp"


@dataclass(frozen=True)
class Day(Formatted):
    """A calendar day, written in ``fmt``."""

    fact = "date"


@dataclass(frozen=True)
class Flag(Formatted):
    """A yes/no fact, written in ``fmt`` (true/false, Yes/No)."""

    fact = "flag"


@dataclass(frozen=True)
class MarketplaceText(Meaning):
    """A property of the report's marketplace (sales channel, country)."""

    attribute: str
    fact = "text"

    def value(self, row, marketplace):
        return getattr(marketplace, self.attribute)

    def expression(self, names, marketplace):
        return repr(getattr(marketplace, self.attribute))


@dataclass(frozen=True)
class Const(Meaning):
    """The same text on every row."""

    text: str

    def value(self, row, marketplace):
        return self.text

    def expression(self, names, marketplace):
        return repr(self.text)


@dataclass(frozen=True)
class Empty(Meaning):
    """A column Amazon writes but leaves empty here."""

    def value(self, row, marketplace):
        return None

    def expression(self, names, marketplace):
        return '""'


@dataclass(frozen=True)
class Col:
    header: str  # exactly as Amazon writes it
    meaning: Meaning


def row_writer(columns: Sequence[Col], marketplace: Marketplace) -> Callable[[Any], list[str]]:
    """A function turning one entity into its row of texts, compiled from the columns'
    meanings into a single list expression (as fast as a hand-written row)."""
    names: dict[str, Any] = {}
    parts = [c.meaning.expression(names, marketplace) for c in columns]
    return eval(f"lambda r: [{', '.join(parts)}]", names)  # noqa: S307 - source built from validated paths


# ---- requests, documents, ground truth ------------------------------------------------

@dataclass(frozen=True)
class RowRequest:
    """What a row source is asked for: one marketplace's rows of a half-open window."""

    seller: SyntheticSeller
    marketplace_id: str
    start: datetime
    end: datetime
    now: datetime | None  # None: the seller's final figures
    on: str | None = None  # entity field the window filters on (the window column's field)
    options: Mapping[str, str] = field(default_factory=dict)

    def expect_window(self, *fields: str) -> None:
        """Refuse a window on a field this source cannot filter by (a layout mistake)."""
        if self.on not in fields:
            raise ValueError(f"this row source filters its window on {' or '.join(fields)}, not {self.on!r}")

    @property
    def days(self) -> list[date]:
        """Days whose midnight UTC lies in the window (day-valued window columns)."""
        return window_days(self.start, self.end)


RowSource = Callable[[RowRequest], Iterable[Any]]


@dataclass(frozen=True)
class Rendered:
    rows: int  # 0 = no data (the report ends CANCELLED)
    content_type: str


@dataclass(frozen=True)
class RenderRequest:
    """One report to render: the request as Amazon got it ([start, end] inclusive)."""

    seller: SyntheticSeller
    marketplace_ids: Sequence[str]
    start: datetime
    end: datetime
    options: Mapping[str, str]
    path: Path
    now: datetime
    new_column: bool = False
    malformed: bool = False
    vendor: bool = False  # the account is a vendor (SandboxConfig.vendor)


@dataclass(frozen=True)
class Truth:
    """What a document holds, typed: the checker's ground truth.

    ``rows`` map each compared header to its fact (``facts`` says which kind);
    ``key`` names the headers identifying a row; ``window`` is the half-open
    range the document covers, filtered on ``window_column`` (by its UTC day
    when ``day_window``).
    """

    report_type: str
    marketplace_id: str
    header: tuple[str, ...]
    facts: Mapping[str, str]
    rows: list[dict[str, Any]]
    key: tuple[str, ...]
    window: tuple[datetime, datetime] | None = None
    window_column: str | None = None
    day_window: bool = False
    records: str | None = None  # JSON reports: the array the rows come from
    optional: tuple[str, ...] = ()  # headers Amazon writes in other marketplaces or variants, not here
    snapshot: bool = False
    requestable: bool = True
    max_window: timedelta | None = None


class Layout:
    """A report type the sandbox serves. Subclasses render a document and its ground truth."""

    report_type: str
    notes: str  # where the layout comes from (the notes' section)
    window_column: str | None
    max_window: timedelta | None
    snapshot: bool
    requestable: bool
    format: ClassVar[str]

    def render(self, req: RenderRequest) -> Rendered:
        raise NotImplementedError

    def check_options(self, options: dict[str, str], marketplace_ids: list[str], *, vendor: bool,
                      now: datetime) -> dict[str, str]:
        """The request's reportOptions as the report reads them, or the ApiError createReport answers."""
        return options

    def refusal(self, start: datetime, end: datetime, now: datetime, options: Mapping[str, str] | None = None,
                marketplace_ids: Sequence[str] = ()) -> str | None:
        """Why Amazon would end a request for ``[start, end]`` FATAL, or None.

        Amazon accepts a too-wide window (createReport answers 202) and ends the
        report FATAL with "Date range exceeded. Report can be requested only upto
        30 days" in its document (All Orders, amzn/selling-partner-api-models
        issue #2591, 2023; before that it returned an empty report, issue #385).
        """
        if self.max_window is not None and not self.snapshot and end - start > self.max_window:
            days = self.max_window.days
            return f"Date range exceeded. Report can be requested only upto {days} days"
        return None


# ---- flat files ---------------------------------------------------------------------

@dataclass(frozen=True)
class Drift:
    """The production header served in some marketplaces instead of the documented one:
    documented headers spelled differently (``renamed``) and columns appended (``added``)."""

    marketplaces: tuple[str, ...]
    notes: str
    renamed: Mapping[str, str] = field(default_factory=dict)
    added: tuple[Col, ...] = ()
    also_seen: tuple[str, ...] = ()  # further columns production files are reported to add (not served)


@dataclass(frozen=True)
class FlatLayout(Layout):
    report_type: str
    notes: str
    columns: tuple[Col, ...]
    rows: RowSource
    key: tuple[str, ...]  # documented headers identifying a row
    window_column: str | None = None  # documented header the window filters on
    day_window: bool = False  # the window column is a day: a day is in when its midnight UTC is
    max_window: timedelta | None = None
    snapshot: bool = False
    requestable: bool = True
    drift: Drift | None = None
    quoted: bool = False  # every field in double quotes
    format: ClassVar[str] = "tsv"

    def __post_init__(self):
        headers = [c.header for c in self.columns]
        missing = [h for h in (*self.key, *([self.window_column] if self.window_column else [])) if h not in headers]
        if missing:
            raise ValueError(f"{self.report_type}: key/window column(s) {missing} are not in the layout")
        if self.drift:
            unknown = [h for h in self.drift.renamed if h not in headers]
            if unknown:
                raise ValueError(f"{self.report_type}: drift renames unknown column(s) {unknown}")

    def columns_for(self, marketplace_id: str) -> tuple[Col, ...]:
        """The header the marketplace gets: the documented one, or the drifted production one."""
        if self.drift is None or marketplace_id not in self.drift.marketplaces:
            return self.columns
        renamed = tuple(Col(self.drift.renamed.get(c.header, c.header), c.meaning) for c in self.columns)
        return renamed + self.drift.added

    def _header_name(self, marketplace_id: str, documented: str) -> str:
        if self.drift is None or marketplace_id not in self.drift.marketplaces:
            return documented
        return self.drift.renamed.get(documented, documented)

    def _on(self) -> str | None:
        if self.window_column is None:
            return None
        meaning = next(c.meaning for c in self.columns if c.header == self.window_column)
        return meaning.field  # type: ignore[attr-defined]

    def entities(self, seller: SyntheticSeller, marketplace_id: str, start: datetime, end: datetime,
                 now: datetime | None, options: Mapping[str, str] | None = None) -> Iterable[Any]:
        """The rows' entities for the half-open window ``[start, end)`` (snapshots: as of ``now``)."""
        return self.rows(RowRequest(seller, marketplace_id, start, end, now, self._on(), options or {}))

    def render(self, req: RenderRequest) -> Rendered:
        first = req.marketplace_ids[0]
        columns = self.columns_for(first)
        header = [c.header for c in columns]
        end = req.end + END_INCLUSIVE

        def rows_of(mp: str) -> Iterator[list[str]]:
            write = row_writer(columns, MARKETPLACES[mp])
            return map(write, self.entities(req.seller, mp, req.start, end, req.now, req.options))

        rows: Iterable[list[str]] = itertools.chain.from_iterable(rows_of(m) for m in req.marketplace_ids)
        if req.new_column:
            header = header + [NEW_COLUMN]
            rows = (row + ["sandbox"] for row in rows)
        if req.malformed:
            rows = _malformed(rows, next(i for i, c in enumerate(columns) if c.meaning.fact == "quantity"))
        count = write_tsv_gz(req.path, header, rows, MARKETPLACES[first].charset, quoted=self.quoted)
        return Rendered(count, text_content_type(first))

    def truth(self, seller: SyntheticSeller, marketplace_id: str, start: datetime, end: datetime,
              now: datetime | None, options: Mapping[str, str] | None = None) -> Truth:
        """The typed facts of the document for ``[start, end)`` (half-open), as of ``now``
        (None: the seller's final figures, as a settlement shows them)."""
        columns = self.columns_for(marketplace_id)
        mp = MARKETPLACES[marketplace_id]
        compared = [c for c in columns if c.meaning.fact is not None]
        rows = [{c.header: c.meaning.value(e, mp) for c in compared}
                for e in self.entities(seller.at(now), marketplace_id, start, end, now, options)]
        window = None if self.snapshot or self.window_column is None else (start, end)
        header = tuple(c.header for c in columns)
        return Truth(self.report_type, marketplace_id, header, {c.header: c.meaning.fact for c in compared}, rows,
                     tuple(self._header_name(marketplace_id, h) for h in self.key), window,
                     self._header_name(marketplace_id, self.window_column) if window else None, self.day_window,
                     optional=tuple(h for h in self._all_headers() if h not in header), snapshot=self.snapshot,
                     requestable=self.requestable, max_window=self.max_window)

    def _all_headers(self) -> list[str]:
        """Every header this report is written with anywhere (documented, drifted, reported)."""
        out = [c.header for c in self.columns]
        if self.drift:
            out += [*self.drift.renamed.values(), *(c.header for c in self.drift.added), *self.drift.also_seen]
        return out


def _malformed(rows: Iterable[list[str]], column: int) -> Iterator[list[str]]:
    """The rows with one unparsable value in ``column`` of the second row (fault ``malformed_row``)."""
    for n, row in enumerate(rows):
        if n == 1:
            row = row[:column] + [MALFORMED_VALUE] + row[column + 1:]
        yield row


# ---- JSON documents ----------------------------------------------------------------

def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON record's leaves by dotted path; money amounts as Decimal.

    >>> flatten({"a": {"amount": 1.5, "currencyCode": "USD"}, "b": 2})
    {'a.amount': Decimal('1.5'), 'a.currencyCode': 'USD', 'b': 2}
    """
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{prefix}{k}."))
        elif k == "amount" and isinstance(v, (int, float)):
            out[prefix + k] = Decimal(str(v))
        else:
            out[prefix + k] = v
    return out


_JSON_FACTS = ((bool, "flag"), (int, "quantity"), (float, "number"), (Decimal, "money"), (str, "text"))


@dataclass(frozen=True)
class JsonLayout(Layout):
    """A JSON report: ``document`` builds the whole document of one marketplace (None: no data);
    ``keys`` names, per records array, the fields identifying a record."""

    report_type: str
    notes: str
    document: Callable[[RowRequest], dict | None]
    keys: Mapping[str, tuple[str, ...]]
    window_column: str | None = None  # record field the window filters on (by day)
    max_window: timedelta | None = None
    snapshot: bool = False
    requestable: bool = True
    count_records: str | None = None  # the array whose length is the row count (default: the first key)
    format: ClassVar[str] = "json"

    def _document(self, seller, marketplace_id, start, end, now, options) -> dict | None:
        return self.document(RowRequest(seller, marketplace_id, start, end, now, None, options or {}))

    def render(self, req: RenderRequest) -> Rendered:
        doc = self._document(req.seller, req.marketplace_ids[0], req.start, req.end + END_INCLUSIVE, req.now,
                             req.options)
        if doc is None:
            return Rendered(0, JSON_CONTENT_TYPE)
        with gzip.open(req.path, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL) as f:
            json.dump(doc, f)
        return Rendered(len(doc[self.count_records or next(iter(self.keys))]), JSON_CONTENT_TYPE)

    def truth(self, seller: SyntheticSeller, marketplace_id: str, start: datetime, end: datetime,
              now: datetime, options: Mapping[str, str] | None = None, *, records: str) -> Truth:
        doc = self._document(seller.at(now), marketplace_id, start, end, now, options)
        rows = [flatten(r) for r in (doc or {}).get(records, [])]
        header = tuple(dict.fromkeys(k for r in rows for k in r))
        facts = {h: next((f for t, f in _JSON_FACTS if isinstance(r[h], t)), "text")
                 for r in rows for h in r if r[h] is not None}
        window = None if self.snapshot or self.window_column is None else (start, end)
        return Truth(self.report_type, marketplace_id, header, facts, rows, self.keys[records], window,
                     self.window_column if window and self.window_column in header else None, True, records,
                     snapshot=self.snapshot, requestable=self.requestable, max_window=self.max_window)
