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
date_mdy           ``11/21/2023``                              DATE
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
=================  ==========================================  ==============

Several columns may land in one: a localized header is declared as another
``Column`` with the same ``alias`` (``Column("Datum/Uhrzeit", ..., alias="date_time")``).

>>> Column("Datum der Bestellung", "date", alias="order_date").name
'order_date'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

from pipelines.spec import SPEC_DIR


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
    """Every leaf of a JSON report record, read from the official report schema
    (``pipelines/spec``), so a field the schema has is never left out.

    >>> [c for c in json_report_columns("sellerSalesAndTrafficReport.json", "SalesAndTrafficByAsin")][:2]
    [Column(source='parentAsin', kind='text'), Column(source='childAsin', kind='text')]
    """
    schema = json.loads((SPEC_DIR / schema_file).read_text(encoding="utf-8"))
    definitions = schema["definitions"]

    def leaves(name: str, prefix: str):
        for key, prop in definitions[name]["properties"].items():
            if "$ref" in prop:
                yield from leaves(prop["$ref"].rsplit("/", 1)[-1], f"{prefix}{key}.")
            elif prop.get("type") == "number":
                yield Column(prefix + key, "decimal" if name == "Amount" else "float")
            elif prop.get("type") == "integer":
                yield Column(prefix + key, "int")
            elif prop.get("format") == "date":
                yield Column(prefix + key, "date")
            else:
                yield Column(prefix + key, "text")

    return tuple(leaves(definition, ""))


@dataclass(frozen=True)
class ReportEntry:
    """A report type and everything the pipeline needs to know to land it.

    - ``windowed``: the report takes ``dataStartTime``/``dataEndTime``; the
      asset is daily-partitioned and a backfill is packed into windows of at
      most ``max_window_days``.
    - ``cursor``: the (snake_case) column the window filters on; re-landing a
      window replaces exactly the rows whose cursor falls inside it.
    - ``snapshot``: the report is a current-state snapshot (no window); each
      landing replaces that day's snapshot and keeps earlier ones.
    - ``requested``: False for reports Amazon generates on its own schedule
      (settlements), which are found with getReports, never created.
    - ``lookback_days``: the trailing window a scheduled sync re-pulls because
      Amazon restates it.
    - ``json_records``: for JSON reports, the array holding one record per row.
    - ``row_numbers``: fill ``_row_number`` (the row's position in its
      document) for reports with no line key (settlements). It costs speed:
      DuckDB then reads the file on one thread.
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
    account: str = "seller"  # seller | vendor: which accounts can request it
    pii: bool = False
    quoted: bool = False
    preamble_lines: int = 0
    snapshot_start: timedelta | None = None

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    @property
    def asset_name(self) -> str:
        return self.table

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)
