"""What a catalog entry is: a report type, its columns and how to land them.

The entries themselves live in the family modules of this package
(``orders``, ``inventory``, ...), one ``ReportEntry`` per report type.

Column kinds (how a raw text value becomes a typed DuckDB value) are defined in
``pipelines.warehouse.types``:

=================  ==========================================  ==============
kind               raw form                                    DuckDB type
=================  ==========================================  ==============
text               anything                                    VARCHAR
int                ``12``, ``-3``                              BIGINT
decimal            ``19.99``; ``95,00`` (EU settlement)        DECIMAL(18,4)
float              ``12.5``                                    DOUBLE
bool               ``true``/``false``, ``Yes``/``No``, ``y``   BOOLEAN
timestamptz        ``2022-07-18T18:52:47+00:00``               TIMESTAMPTZ
timestamp_utc      ``2025-01-14 03:00:00 UTC``                 TIMESTAMPTZ
timestamp_tzname   ``2021-08-15 20:35:17 PDT``                 TIMESTAMPTZ
date               ``2025-01-14``                              DATE
date_mdy           ``11/21/2023``; ``11/2023`` (the 1st)       DATE
month              ``2024-03`` (the first of the month)        DATE
date_d_mon_y       ``15-Jun-2026``                             DATE
date_mon_d_y       ``Jul 29, 2022``                            DATE
date_local_short   ``10/20/23`` US, ``20.10.23`` DE,           DATE
                   ``23/10/20`` JP, ``20/10/23`` elsewhere
date_lenient       any form of ``timestamp_lenient``           DATE
timestamp_lenient  ISO 8601 (offset, ``Z`` or none), a zone    TIMESTAMPTZ
                   name, ``2023-07-18``, ``07/18/2023``,
                   ``18-Jul-2023`` (raw form unverified)
timestamp_localized ``Jun 26, 2023 11:53:30 PM PDT``;          TIMESTAMPTZ
                   ``17.11.2023 10:50:20 UTC``
decimal_na         ``10.16``; ``--`` (does not apply: NULL)    DECIMAL(18,4)
int_capped         ``12``; ``365+`` (a cap: 365)               BIGINT
hashed             personal data: its SHA-256, hex             VARCHAR
measure            ``0.000192`` (volumes, ratios: 8 places)    DECIMAL(18,8)
=================  ==========================================  ==============

Several columns may land in one: a localized header is declared as another
``Column`` with the same ``alias`` (``Column("Datum/Uhrzeit", ..., alias="date_time")``).

>>> Column("Datum der Bestellung", "date", alias="order_date").name
'order_date'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipelines.periods import check_period, period_windows
from pipelines.spapi.regions import MARKETPLACES, currency_of
from pipelines.windows import pack


def snake(name: str) -> str:
    """Normalize a report header or JSON path to a snake_case column name.

    >>> snake("amazon-order-id"), snake("Event Type"), snake("salesByDate.orderedProductSales.amount")
    ('amazon_order_id', 'event_type', 'sales_by_date_ordered_product_sales_amount')
    >>> snake("WarehouseTransferIn/Out"), snake("FNSKU"), snake("asin1"), snake("unitsOrderedB2B")
    ('warehouse_transfer_in_out', 'fnsku', 'asin1', 'units_ordered_b2b')
    """
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", name.strip())
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^0-9a-zA-Z]+", "_", s).strip("_").lower()
    return s or "unnamed"


@dataclass(frozen=True)
class Column:
    """One source column: its name as Amazon writes it and how to type it.

    ``alias`` names the landed column when the header does not make a good
    one by itself (localized or non-ASCII headers)."""

    source: str
    kind: str = "text"
    alias: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.alias or snake(self.source)


def cols(*specs: str | Column) -> tuple[Column, ...]:
    """Parse compact column lists: ``"name:kind name2 name3:int"`` (kind defaults to text).

    Headers with spaces or non-ASCII characters are given as ``Column`` objects
    between the strings:

    >>> [c.name for c in cols("sku qty:int", Column("Date Stranded", "date"), "asin")]
    ['sku', 'qty', 'date_stranded', 'asin']
    """
    out: list[Column] = []
    for spec in specs:
        if isinstance(spec, Column):
            out.append(spec)
            continue
        for token in spec.split():
            source, _, kind = token.partition(":")
            out.append(Column(source, kind or "text"))
    return tuple(out)


def json_report_columns(schema_file: str, definition: str) -> tuple[Column, ...]:
    """Every leaf of a JSON report record type (a definition of the official
    report schema in ``pipelines/spec``), so a field the schema has is never left out.

    >>> [c for c in json_report_columns("sellerSalesAndTrafficReport.json", "SalesAndTrafficByAsin")][:2]
    [Column(source='parentAsin', kind='text'), Column(source='childAsin', kind='text')]
    """
    from pipelines.catalog.json_schema import record_shape  # it builds on this module's types

    shape = record_shape(schema_file, f"#/definitions/{definition}")
    if shape.children:
        raise ValueError(f"{schema_file} {definition} has arrays of objects "
                         f"({', '.join(c.array for c in shape.children)}): declare it with json_entry()")
    return shape.columns


@dataclass(frozen=True)
class ChildTable:
    """An array inside a JSON report's records, landed as its own table
    ``<parent table>__<array>``: one row per element, in the same transaction as
    its parent, replaced with it.

    A child row carries its parent's key and cursor columns (``inherited``) and
    the element's 1-based position in the array (``position``); a child's own
    children inherit those too. A ``top_level`` table is another top-level array
    of the same document (a vendor report's aggregate beside its per-ASIN rows):
    it has no parent row and carries only its position.
    """

    array: str                      # dotted path of the array in its parent record (or the document)
    columns: tuple[Column, ...]     # the element's leaves
    children: tuple["ChildTable", ...] = ()
    top_level: bool = False

    @property
    def suffix(self) -> str:
        return snake(self.array)

    @property
    def position(self) -> str:
        return f"{self.suffix}_position"


ACCOUNT_KINDS = ("seller", "vendor", "any")
# Amazon reads dataEndTime as inclusive; windows are half-open [start, end), so a
# request ends one second before the next window begins.
END_EPSILON = timedelta(seconds=1)


@dataclass(frozen=True)
class ReportRequest:
    """What one createReport for a window asks: dataStartTime/dataEndTime (None:
    not sent) and reportOptions."""

    start: datetime | None
    end: datetime | None
    options: dict[str, str]


@dataclass(frozen=True)
class ReportEntry:
    """A report type and everything the pipeline needs to know to land it.

    - ``windowed``: the report takes ``dataStartTime``/``dataEndTime``; the
      asset is partitioned by ``period`` and a backfill is packed into windows
      of at most ``max_window_days`` days (``periods_per_request`` periods).
    - ``period``: DAY (daily partitions), or the WEEK (Sunday to Saturday),
      MONTH or QUARTER Amazon aggregates the report by: partitions and every
      request window then start and end on that period's boundaries. Defaults
      to the ``reportPeriod`` report option, else DAY.
    - ``cursor``: the (snake_case) column the window filters on; re-landing a
      window replaces exactly the rows whose cursor falls inside it.
    - ``snapshot``: the report is a current-state snapshot (no window); each
      landing replaces that day's snapshot and keeps earlier ones.
    - ``requested``: False for reports Amazon generates on its own schedule
      (settlements), which are found with getReports, never created.
    - ``lookback_days``: the trailing window a scheduled sync re-pulls because
      Amazon restates it.
    - ``json_records``: for JSON reports, the array holding one record per row.
    - ``children``: arrays inside (or beside) those records that land as their
      own tables (``ChildTable``), in the same transaction.
    - ``report_options``: sent with every request; ``window_options`` names the
      two options that carry the window instead of dataStartTime/dataEndTime
      (coupons, promotions); ``required_options`` are options the user must
      supply in the run config (``report_options``), e.g. the ASINs of a search
      query performance report.
    - ``currency_option``: a report option that takes the marketplace's currency.
    - ``countries``: the marketplaces (by country code) Amazon offers the report
      in; an account's other marketplaces are skipped. Empty: all.
    - ``delay_days``: days after a day ends before Amazon has its data (a
      request for a later day fails): a scheduled sync stops that far back.
    - ``history``: how far back Amazon serves the data at all (a window that
      starts earlier ends FATAL): such windows are skipped, and logged.
    - ``row_numbers``: fill ``_row_number`` (the row's position in its
      document) for reports with no line key (settlements). It costs speed:
      DuckDB then reads the file on one thread.
    - ``account``: seller, vendor or any: which accounts can request it.
    - ``pii``: a restricted report (buyer names, addresses): requested only for
      accounts that opted in (``pii_reports``), its document fetched with a
      Restricted Data Token.
    - ``quoted``: values are enclosed in double quotes (the ledger reports);
      other flat files write a ``"`` as data. ``preamble_lines``: lines of notes
      before the header (the Date Range CSV has 7).
    - ``snapshot_start``: how far back a snapshot request's ``dataStartTime``
      must go (the fee preview wants at least 72 hours); None: not sent.
    """

    report_type: str
    name: str
    description: str
    columns: tuple[Column, ...]
    format: str = "tsv"
    windowed: bool = True
    max_window_days: int = 30
    cursor: str | None = None
    key: tuple[str, ...] = ()
    lookback_days: int = 3
    marketplace_scope: str = "each"  # one request per marketplace
    requested: bool = True
    snapshot: bool = False
    json_records: str | None = None
    report_options: dict[str, str] = field(default_factory=dict)
    group: str = "reports"
    row_numbers: bool = False
    account: str = "seller"  # seller | vendor | any: which accounts can request it
    children: tuple[ChildTable, ...] = ()
    period: str = ""  # "" → reportPeriod option, else DAY
    periods_per_request: int = 1
    window_options: tuple[str, str] | None = None
    required_options: tuple[str, ...] = ()
    currency_option: str | None = None
    countries: tuple[str, ...] = ()
    delay_days: int = 0
    history: timedelta | None = None
    pii: bool = False
    quoted: bool = False
    preamble_lines: int = 0
    snapshot_start: timedelta | None = None

    def __post_init__(self):
        if not self.period:
            object.__setattr__(self, "period", self.report_options.get("reportPeriod", "DAY"))
        check_period(self.period)
        if self.account not in ACCOUNT_KINDS:
            raise ValueError(f"{self.name}: account {self.account!r} must be one of {', '.join(ACCOUNT_KINDS)}")
        if self.children and not self.inherited:
            raise ValueError(f"{self.name}: child tables need a key (or cursor) to tie them to their parent row")
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes and self.format == "json":  # (flat files declare localized headers of one column)
            raise ValueError(f"{self.name}: JSON paths {dupes} give the same column name")
        missing = [n for n in self.inherited if n not in names] if self.children else []
        if missing:
            raise ValueError(f"{self.name}: key or cursor columns {missing} are not columns of the entry")
        if self.cursor and not self.cursor.startswith("_"):  # a window replaces a top-level table on its own cursor
            lacking = [c.array for c in self.children if c.top_level and self.cursor not in {x.name for x in c.columns}]
            if lacking:
                raise ValueError(f"{self.name}: top-level tables {lacking} have no cursor column {self.cursor!r}")

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    @property
    def asset_name(self) -> str:
        return self.table

    @property
    def tables(self) -> tuple[str, ...]:
        """The entry's table and every child table, parents first."""
        return (self.table, *child_tables(self.table, self.children))

    @property
    def account_types(self) -> tuple[str, ...]:
        return ("seller", "vendor") if self.account == "any" else (self.account,)

    @property
    def inherited(self) -> tuple[str, ...]:
        """The columns child rows carry from their parent: key and cursor (lineage columns excepted)."""
        names = [*self.key, *([self.cursor] if self.cursor else [])]
        return tuple(n for n in dict.fromkeys(names) if not n.startswith("_"))

    @property
    def partitions_per_request(self) -> int:
        """How many partitions (days, or periods) one request may cover."""
        return self.max_window_days if self.period == "DAY" else self.periods_per_request

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def serves(self, marketplace_id: str) -> bool:
        """Whether Amazon offers this report in the marketplace."""
        market = MARKETPLACES.get(marketplace_id)
        return not self.countries or (market is not None and market.country in self.countries)

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """``[start, end)`` packed into the widest windows one request may cover."""
        if self.period == "DAY":
            return list(pack(start, end, self.max_window_days))
        return list(period_windows(start, end, self.period, self.periods_per_request))

    def served(self, windows: list[tuple[datetime, datetime]], now: datetime
               ) -> tuple[list[tuple[datetime, datetime]], list[tuple[datetime, datetime]]]:
        """``windows`` split into those Amazon still serves at ``now`` and those older
        than its ``history`` (with an hour's margin for the time requests take).

        >>> e = ReportEntry("T", "t", "", (), history=timedelta(hours=168), max_window_days=1)
        >>> now = datetime(2025, 1, 10, 12, tzinfo=timezone.utc)
        >>> kept, old = e.served(e.windows(now - timedelta(days=9), now - timedelta(hours=12)), now)
        >>> [w[0].day for w in kept], [w[0].day for w in old]
        ([4, 5, 6, 7, 8, 9], [1, 2, 3])
        """
        if self.history is None:
            return list(windows), []
        oldest = now - self.history + timedelta(hours=1)
        return [w for w in windows if w[0] >= oldest], [w for w in windows if w[0] < oldest]

    def request(self, start: datetime, end: datetime, options: dict[str, str] | None = None,
                marketplace_id: str | None = None) -> ReportRequest:
        """The createReport window and options for ``[start, end)`` in a marketplace;
        ``options`` are the user's (run config), checked against ``required_options``."""
        merged = {**self.report_options, **(options or {})}
        if self.currency_option and not merged.get(self.currency_option):
            currency = currency_of(marketplace_id or "")
            if currency is None:
                raise ValueError(f"{self.report_type} needs {self.currency_option}, and marketplace "
                                 f"{marketplace_id!r} has no known currency: set it in the run config")
            merged[self.currency_option] = currency
        missing = [o for o in self.required_options if not merged.get(o)]
        if missing:
            raise ValueError(f"{self.report_type} ({self.asset_name}) needs the report option(s) "
                             f"{', '.join(missing)}: set them in the run config "
                             f"(config: report_options: {{{missing[0]}: ...}})")
        last = end - END_EPSILON
        if self.window_options:
            first_key, last_key = self.window_options
            return ReportRequest(None, None, {**merged, first_key: _iso(start), last_key: _iso(last)})
        return ReportRequest(start, last, merged)


def child_tables(parent: str, children: tuple[ChildTable, ...]) -> list[str]:
    """Table names of ``children`` (and theirs) under the ``parent`` table.

    >>> child_tables("raw_x", (ChildTable("items", (), (ChildTable("tags", ()),)),))
    ['raw_x__items', 'raw_x__items__tags']
    """
    out = []
    for child in children:
        table = f"{parent}__{child.suffix}"
        out += [table, *child_tables(table, child.children)]
    return out


def _iso(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
