"""Typed landing of one report document into its raw table, in one transaction.

A land (1) creates the table or adds the columns it lacks, (2) deletes the
rows the ``Replace`` selects and (3) inserts the document through DuckDB's own
reader, converted in SQL, with lineage columns. All three are one transaction:
an error or a killed process leaves the table exactly as it was.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import duckdb

from ..catalog import ChildTable, Column
from .errors import MalformedReportError
from .json_split import JsonDocumentError, Lines, json_lines
from .lake import is_lake
from .sources import (
    DELIMITED,
    FORMATS,
    Delimited,
    Source,
    ident,
    json_child_source,
    json_source,
    jsonl_source,
    landed_names,
    read_header,
    tsv_source,
)
from .types import convert_sql, duckdb_type, for_marketplace

SOURCES = ("sandbox", "amazon")

# Lineage columns on every raw row, in table order.
LINEAGE: tuple[tuple[str, str], ...] = (
    ("_account", "VARCHAR"),
    ("_marketplace_id", "VARCHAR"),
    ("_report_id", "VARCHAR"),
    ("_window_start", "TIMESTAMPTZ"),
    ("_window_end", "TIMESTAMPTZ"),
    ("_snapshot_date", "DATE"),
    ("_source", "VARCHAR"),
    ("_loaded_at", "TIMESTAMPTZ"),
    ("_row_number", "BIGINT"),
)
_TABLE_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def _utc(ts: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC."""
    if ts is None or ts.tzinfo is not None:
        return ts
    return ts.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Lineage:
    """Where a landed row came from (stored in the ``_``-prefixed columns)."""

    account: str
    marketplace_id: str
    report_id: str
    window_start: datetime | None
    window_end: datetime | None
    source: str
    snapshot_date: date | None = None
    resume_key: str | None = None  # with it, the land is noted in the ledger (record_landed_window)

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"Lineage.source must be one of {SOURCES}, got {self.source!r}")


@dataclass(frozen=True)
class Replace:
    """Which existing rows a land replaces. Build with ``window``, ``snapshot`` or ``report``.

    Every replace is also scoped to the landing's account (``Lineage.account``),
    so accounts sharing a table never delete each other's rows.
    """

    mode: str
    column: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    marketplace_id: str | None = None
    day: date | None = None
    report_id: str | None = None

    @classmethod
    def window(cls, column: str, start: datetime, end: datetime, marketplace_id: str | None) -> "Replace":
        """Rows of the marketplace with ``start <= column < end`` (TIMESTAMPTZ or DATE column).
        ``marketplace_id=None``: rows of every marketplace (a source that answers for
        all of them at once, such as the vendor Data Kiosk views).

        Also replaced: rows that earlier landings of windows inside this one
        brought in with a cursor outside their window. Such rows are landed, not
        dropped (Amazon returns them: local-time days, a last update after the
        window), so re-running a window never duplicates them; a land of the
        window their cursor falls in replaces them as well.
        """
        if not start < end:
            raise ValueError(f"Replace.window needs start < end, got {start} .. {end}")
        return cls("window", column=column, start=start, end=end, marketplace_id=marketplace_id)

    @classmethod
    def snapshot(cls, day: date, marketplace_id: str) -> "Replace":
        """That day's snapshot (``_snapshot_date``) for the marketplace."""
        return cls("snapshot", day=day, marketplace_id=marketplace_id)

    @classmethod
    def report(cls, report_id: str) -> "Replace":
        """Every row landed from that report (``_report_id``)."""
        return cls("report", report_id=report_id)

    def where(self, table: str, types: dict[str, str], account: str) -> tuple[str, list]:
        """The DELETE condition and its parameters for a table with column ``types``."""
        if self.mode == "report":
            return "_account = ? AND _report_id = ?", [account, self.report_id]
        if self.mode == "snapshot":
            return "_account = ? AND _marketplace_id = ? AND _snapshot_date = ?", \
                [account, self.marketplace_id, self.day]
        col_type = types.get(self.column or "")
        if col_type not in ("DATE", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            raise ValueError(f"Replace.window column {self.column!r} of {table} must be a DATE or "
                             f"TIMESTAMPTZ column; the table has: "
                             f"{', '.join(f'{k} {v}' for k, v in types.items())}")
        ws, we = _utc(self.start), _utc(self.end)
        lo, hi = (_date_floor(ws), _date_ceil(we)) if col_type == "DATE" else (ws, we)
        # The window's cursor range, and every row an earlier landing of a window
        # inside this one brought in, wherever its cursor lies: Amazon returns rows
        # just outside the requested window (local-time days, a last update after
        # the window), and a re-run must replace them too, not add them twice.
        cursor = ident(self.column)
        scope = (f"(({cursor} >= ? AND {cursor} < ?) OR (_window_start >= ? AND _window_end <= ?))")
        params = [lo, hi, ws, we]
        if self.marketplace_id is None:
            return f"_account = ? AND {scope}", [account, *params]
        return f"_account = ? AND _marketplace_id = ? AND {scope}", [account, self.marketplace_id, *params]


def _date_floor(ts: datetime) -> date:
    return ts.astimezone(timezone.utc).date()


def _date_ceil(ts: datetime) -> date:
    u = ts.astimezone(timezone.utc)
    return u.date() if u.time() == time() else u.date() + timedelta(days=1)


@dataclass(frozen=True)
class LandResult:
    rows: int
    columns: list[tuple[str, str]]          # the table's schema after the land
    added_columns: list[str] = field(default_factory=list)  # columns this land added
    table: str = ""
    deleted: int = 0  # rows the replace removed before inserting ``rows``
    children: tuple["LandResult", ...] = ()  # the document's child tables, parents first


def check_table_name(table: str) -> None:
    if not _TABLE_RE.match(table):
        raise ValueError(f"table name {table!r} must be snake_case ([a-z_][a-z0-9_]*)")


def table_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = ? "
        "ORDER BY ordinal_position", [table]
    ).fetchall()
    return dict(rows)


def _plan_columns(fmt: str, path: Path | Sequence[Path] | None, columns: Sequence[Column],
                  json_records: str | None, row_numbers: bool, dialect: Delimited | None = None,
                  children: Sequence[ChildTable] = (),
                  json_lines: Mapping[str, Lines] | None = None) -> tuple[Source | None, dict[str, Column]]:
    """The source relation and the landed columns (declared ones first, then unknown ones)."""
    declared: dict[str, Column] = {}
    for c in columns:  # a localized header lands in the column of the first one declared
        declared.setdefault(c.name, c)
    if path is None:
        return None, declared
    if not isinstance(path, (str, Path)):
        if fmt != "jsonl":
            raise ValueError("several documents can be landed at once only as fmt='jsonl'")
        paths = [p for p in path if Path(p).stat().st_size > 0]
        return (jsonl_source(paths, columns, row_numbers) if paths else None), declared
    if fmt in DELIMITED:
        dialect = dialect or Delimited.of(fmt)
        headers = read_header(path, dialect)
        if not headers:
            return None, declared
        names = landed_names(headers, columns)
        extra = {n: Column(h, "text") for n, h in zip(names, headers) if n not in declared}
        return tsv_source(path, names, row_numbers, dialect), {**declared, **extra}
    if path.stat().st_size == 0:
        return None, declared
    if fmt == "json":
        if not json_records:
            raise ValueError("fmt='json' needs json_records (the array holding one record per row)")
        return json_source(json_lines[json_records], columns, children), declared
    return jsonl_source(path, columns, row_numbers), declared


def _ensure_table(con, table: str, wanted: dict[str, Column], existing: dict[str, str],
                  declared: set[str]) -> list[str]:
    """Create the table or add the columns it lacks; return the added (drift) columns."""
    if not existing:
        defs = [f"{ident(n)} {duckdb_type(c.kind)}" for n, c in wanted.items()]
        defs += [f"{ident(n)} {t}" for n, t in LINEAGE]
        con.execute(f"CREATE TABLE {ident(table)} ({', '.join(defs)})")
        return [n for n in wanted if n not in declared]
    added = [n for n in wanted if n not in existing]
    for n in added:
        con.execute(f"ALTER TABLE {ident(table)} ADD COLUMN {ident(n)} {duckdb_type(wanted[n].kind)}")
    missing_lineage = [(n, t) for n, t in LINEAGE if n not in existing]
    for n, t in missing_lineage:
        con.execute(f"ALTER TABLE {ident(table)} ADD COLUMN {ident(n)} {t}")
    return added


def _kind_for(col: Column, existing: dict[str, str], declared: set[str]) -> str:
    """Undeclared columns keep the type the table already gave them (VARCHAR when new)."""
    if col.name in declared or existing.get(col.name, "VARCHAR") == "VARCHAR":
        return col.kind
    return "duckdb:" + existing[col.name]


def _commit(con: duckdb.DuckDBPyConnection) -> None:
    # A separate function so tests can simulate a crash at the last moment.
    con.execute("COMMIT")


_PARSE_ERRORS = (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.OutOfRangeException)


def land(con: duckdb.DuckDBPyConnection, table: str, path: Path | Sequence[Path] | None,
         columns: Sequence[Column], *, fmt: str, lineage: Lineage, replace: Replace,
         json_records: str | None = None, row_numbers: bool = False,
         dialect: Delimited | None = None, children: Sequence[ChildTable] = (),
         inherited: Sequence[str] = (), json_lines: Mapping[str, Lines] | None = None) -> LandResult:
    """Replace ``replace``'s rows of ``table`` with the document at ``path`` (None: no rows).

    ``row_numbers`` fills ``_row_number`` (1-based row in the document); it makes
    DuckDB read on one thread, so only tables whose key needs it ask for it.
    ``children`` (JSON only) land in their own tables in the same transaction,
    their rows carrying the parent's ``inherited`` columns (``_land_children``).
    A JSON document is read from its records arrays as JSON lines (``json_lines``,
    made here when the caller has not: see ``json_document_lines``)."""
    if fmt == "json" and isinstance(path, (str, Path)) and json_lines is None:
        with json_document_lines(table, Path(path), json_records, children) as lines:
            return land(con, table, path, columns, fmt=fmt, lineage=lineage, replace=replace,
                        json_records=json_records, children=children, inherited=inherited, json_lines=lines)
    check_table_name(table)
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    if replace is not None and replace.mode in ("window", "snapshot") and replace.marketplace_id is not None \
            and replace.marketplace_id != lineage.marketplace_id:
        raise ValueError(f"Replace is for marketplace {replace.marketplace_id!r} but the rows are "
                         f"for {lineage.marketplace_id!r}")
    for c in columns:
        duckdb_type(c.kind)  # validate kinds before touching the table
    if children and fmt != "json":
        raise ValueError(f"child tables come from JSON documents only, not fmt={fmt!r}")
    source, wanted = _plan_columns(fmt, path, columns, json_records, row_numbers, dialect, children, json_lines)
    declared = {c.name for c in columns}

    con.execute("BEGIN TRANSACTION")
    try:
        rows, deleted, added = _replace_rows(con, table, source, wanted, declared, lineage, replace, path, fmt)
        landed_children = _land_children(con, table, source, path, json_lines or {}, wanted, inherited, children,
                                         lineage, replace)
        record_landed_window(con, table, lineage, rows)
        _commit(con)
    except BaseException as exc:
        _rollback(con, exc)
        raise
    return LandResult(rows=rows, columns=list(table_types(con, table).items()), added_columns=added, table=table,
                      deleted=deleted, children=tuple(landed_children))


LEDGER = "_landed_windows"
LEDGER_DAYS = 90  # entries kept: a run is resumed within days, and Amazon keeps reports 90 days


def record_landed_window(con: duckdb.DuckDBPyConnection, table: str, lineage: Lineage, rows: int) -> None:
    """Inside the land's transaction: note in the ledger that ``lineage``'s window of
    ``table`` landed under its resume key, so a resumed run does not request it again.
    Being in the same transaction, no window is noted that did not land, nor lands unnoted."""
    if lineage.resume_key is None:
        return
    con.execute(f"CREATE TABLE IF NOT EXISTS {LEDGER} (table_name VARCHAR, account VARCHAR, "
                "marketplace_id VARCHAR, window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, resume_key VARCHAR, "
                "request_id VARCHAR, row_count BIGINT, landed_at TIMESTAMPTZ)")
    key = [table, lineage.account, lineage.marketplace_id, _utc(lineage.window_start), _utc(lineage.window_end),
           lineage.resume_key]
    if not is_lake(con):  # on a DuckLake this delete would conflict with every concurrent land: append only
        con.execute(f"DELETE FROM {LEDGER} WHERE (table_name = ? AND account = ? AND marketplace_id = ? "
                    "AND window_start IS NOT DISTINCT FROM ? AND window_end IS NOT DISTINCT FROM ? "
                    f"AND resume_key = ?) OR landed_at < now() - INTERVAL {LEDGER_DAYS} DAY", key)
    con.execute(f"INSERT INTO {LEDGER} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*key, lineage.report_id, rows, datetime.now(timezone.utc)])


@contextmanager
def json_document_lines(table: str, document: Path, json_records: str | None,
                        children: Sequence[ChildTable] = ()) -> Iterator[dict[str, Lines]]:
    """The records arrays of a JSON document (``json_records`` and the top-level
    ``children``) as JSON lines files, for ``land``; a document that is not a JSON
    object of such arrays is a MalformedReportError naming where it breaks."""
    if not json_records:
        raise ValueError("fmt='json' needs json_records (the array holding one record per row)")
    arrays = [json_records, *(c.array for c in children if c.top_level)]
    if document.stat().st_size == 0:
        yield {}
        return
    try:
        with json_lines(document, arrays) as lines:
            yield lines
    except JsonDocumentError as exc:
        raise MalformedReportError(table, str(exc), path=str(document)) from None


def _replace_rows(con, table: str, source: Source | None, wanted: dict[str, Column], declared: set[str],
                  lineage: Lineage, replace: Replace | None, path, fmt: str) -> tuple[int, int, list[str]]:
    """Inside the caller's transaction: create or widen ``table``, delete the rows
    ``replace`` selects and insert ``source``'s. Returns (inserted, deleted, added columns)."""
    existing = table_types(con, table)
    added = _ensure_table(con, table, wanted, existing, declared)
    types = table_types(con, table)
    deleted = 0
    if replace is not None:  # None: add rows, delete nothing
        cond, params = replace.where(table, types, lineage.account)
        deleted = con.execute(f"DELETE FROM {ident(table)} WHERE {cond}", params).fetchone()[0]
    rows = 0
    if source is not None:
        kinds = {n: for_marketplace(_kind_for(c, existing, declared), lineage.marketplace_id)
                 for n, c in wanted.items()}
        rows = _insert(con, table, source, kinds, lineage, path, fmt)
    return rows, deleted, added


def _land_children(con, parent: str, parent_source: Source | None, path, json_lines: Mapping[str, Lines],
                   parent_columns: dict[str, Column], inherited: Sequence[str], children: Sequence[ChildTable],
                   lineage: Lineage, replace: Replace | None) -> list[LandResult]:
    """Land each child table of a JSON document (then its own children) inside the
    parent's transaction, with the parent's replace: a child row goes when its
    parent row goes, since it carries the parent's cursor and lineage."""
    landed: list[LandResult] = []
    for child in children:
        table = f"{parent}__{child.suffix}"
        check_table_name(table)
        carried = () if child.top_level else tuple(inherited)
        wanted = {n: Column(n, parent_columns[n].kind) for n in carried}
        wanted[child.position] = Column(child.position, "duckdb:BIGINT")
        clash = [c.name for c in child.columns if c.name in wanted]
        if clash:
            raise ValueError(f"{table}: element fields {clash} clash with the parent key or position columns")
        wanted.update({c.name: c for c in child.columns})
        source = None
        if parent_source is not None:
            source = (json_source(json_lines[child.array], child.columns, child.children, position=child.position)
                      if child.top_level else
                      json_child_source(parent_source, child.array, child.columns, carried, child.position))
        rows, deleted, added = _replace_rows(con, table, source, wanted, set(wanted), lineage, replace, path, "json")
        landed.append(LandResult(rows=rows, columns=list(table_types(con, table).items()), added_columns=added,
                                 table=table, deleted=deleted))
        landed += _land_children(con, table, source, path, json_lines, wanted, (*carried, child.position),
                                 child.children, lineage, replace)
    return landed


def _rollback(con: duckdb.DuckDBPyConnection, exc: BaseException) -> None:
    """Roll back after ``exc``. When a COMMIT fails (a full disk, say) DuckDB has
    already ended the transaction and ROLLBACK fails too: ``exc`` stays the error
    raised, since it names the cause, and gets the ROLLBACK's failure as a note."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as failed:
        exc.add_note(f"ROLLBACK after it failed too: {str(failed).splitlines()[0]}")


def _insert(con, table: str, source: Source, kinds: dict[str, str], lineage: Lineage, path: Path,
            fmt: str) -> int:
    landed = [n for n in kinds if n in source.fields]
    exprs = [source.fields[n] if n in source.native else convert_sql(source.fields[n], kinds[n])
             for n in landed]
    target = ", ".join(ident(n) for n in landed + [n for n, _ in LINEAGE])
    values = ", ".join(exprs + ["?", "?", "?", "CAST(? AS TIMESTAMPTZ)", "CAST(? AS TIMESTAMPTZ)",
                                "CAST(? AS DATE)", "?", "CAST(? AS TIMESTAMPTZ)", "src._row_number"])
    params = [lineage.account, lineage.marketplace_id, lineage.report_id, _utc(lineage.window_start),
              _utc(lineage.window_end), lineage.snapshot_date, lineage.source, datetime.now(timezone.utc)]
    sql = f"INSERT INTO {ident(table)} ({target}) SELECT {values} FROM ({source.sql}) src"
    try:
        return con.execute(sql, params).fetchone()[0]
    except _PARSE_ERRORS as exc:
        con.execute("ROLLBACK")
        con.execute("BEGIN TRANSACTION")  # the caller's ROLLBACK still has a transaction to end
        raise _explain(con, table, source, {n: kinds[n] for n in landed}, path, fmt, exc) from exc


_LINE_RE = re.compile(r"[Ll]ine:?\s*(\d+)")
QUOTED_LINE_CHARS = 300  # how much of the offending line an error quotes


def _explain(con, table: str, source: Source, kinds: dict[str, str], path: Path | Sequence[Path], fmt: str,
             exc: Exception) -> MalformedReportError:
    """Find the first value that does not convert (one extra scan, only after a failure)
    and quote its line: the document is a temporary file, gone when the error is read."""
    lines = str(exc).splitlines()
    # DuckDB's CSV errors also quote the original line: left out, the error quotes it once, truncated.
    message = "; ".join([lines[0]] + [ln for ln in lines[1:] if ln.startswith("Expected Number of Columns")])
    checked = [n for n, k in kinds.items() if k != "text" and n not in source.native]
    line = hit = None
    if checked:
        items = ", ".join(
            f"{{'c': '{n}', 'v': CAST({source.fields[n]} AS VARCHAR), "
            f"'ok': NULLIF(CAST({source.fields[n]} AS VARCHAR), '') IS NULL "
            f"OR {convert_sql(source.fields[n], kinds[n], strict=False)} IS NOT NULL}}"
            for n in checked)
        sql = (f"SELECT x.c, x.v, _row_number FROM (SELECT _row_number, unnest([{items}]) AS x "
               f"FROM ({source.numbered_sql or source.sql}) src) WHERE NOT x.ok ORDER BY _row_number LIMIT 1")
        try:
            hit = con.execute(sql).fetchone()
        except duckdb.Error:
            hit = None  # the reader itself fails (malformed row): report DuckDB's message
    if hit:
        column, value, row = hit
        line = row + source.line_offset
    else:
        m = _LINE_RE.search(str(exc))
        line = int(m.group(1)) if m else None
    if fmt == "json":  # rows are the records of one array, not lines: quote the record
        document, text = Path(path), _json_record(con, source, line)
    else:
        document, text = _document_line(path, line)
    if hit:
        return MalformedReportError(table, f"does not convert to {duckdb_type(kinds[column])} ({message})",
                                    column=column, value=value, line=line, path=str(document), text=text)
    return MalformedReportError(table, message, line=line, path=str(document), text=text)


def _document_line(path: Path | Sequence[Path], line: int | None) -> tuple[Path, str | None]:
    """The document holding ``line`` (counted across the documents of a multi-page
    landing, in order) and that line's text, truncated; None if there is no such line."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if line is None or line < 1:
        return paths[0], None
    remaining = line
    for document in paths:
        with open(document, "rb") as fh:
            for raw in fh:
                remaining -= 1
                if remaining == 0:
                    return document, _truncate(raw.rstrip(b"\r\n").decode("utf-8", errors="replace"))
    return paths[0], None


def _json_record(con, source: Source, row: int | None) -> str | None:
    """Record ``row`` of a JSON document, as DuckDB read it (the declared fields), truncated."""
    if row is None:
        return None
    try:
        found = con.execute(f"SELECT CAST(to_json(src.r) AS VARCHAR) FROM ({source.sql}) src "
                            f"WHERE _row_number = ?", [row]).fetchone()
    except duckdb.Error:
        return None
    return _truncate(found[0]) if found else None


def _truncate(text: str) -> str:
    return text if len(text) <= QUOTED_LINE_CHARS else text[:QUOTED_LINE_CHARS] + "..."
