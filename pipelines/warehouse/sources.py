"""How a report document becomes a relation DuckDB can insert from.

Each format yields a ``Source``: a SELECT over DuckDB's own reader (read_csv or
read_json) with a 1-based ``_row_number`` and, per landed column, the SQL
expression of its raw value (VARCHAR, or already typed for ``duckdb:`` kinds).
Headers are matched by name (``catalog.snake``), never by position.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..catalog import ChildTable, Column, snake
from .json_split import Lines
from .types import duckdb_type, is_native

FORMATS = ("tsv", "csv", "json", "jsonl")
DELIMITED = ("tsv", "csv")


@dataclass(frozen=True)
class Delimited:
    """How a flat file is written: its separator, its enclosure character (''
    for none: a ``"`` is then data, as in most flat-file reports) and the lines of
    notes before the header (the Date Range report's preamble).

    >>> Delimited.of("csv", preamble_lines=7)
    Delimited(delimiter=',', quote='"', preamble_lines=7)
    """

    delimiter: str = "\t"
    quote: str = ""
    preamble_lines: int = 0

    @classmethod
    def of(cls, fmt: str, *, quoted: bool = False, preamble_lines: int = 0) -> "Delimited":
        """The dialect of a ``tsv`` (unquoted unless ``quoted``) or ``csv`` (always quoted) file."""
        if fmt not in DELIMITED:
            raise ValueError(f"a delimited format is one of {DELIMITED}, got {fmt!r}")
        if preamble_lines < 0:
            raise ValueError(f"preamble_lines must be 0 or more, got {preamble_lines}")
        csv_ = fmt == "csv"
        return cls("," if csv_ else "\t", '"' if csv_ or quoted else "", preamble_lines)


TSV = Delimited()


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Source:
    sql: str                 # SELECT ... with a _row_number column, aliased as src by the caller
    fields: dict[str, str]   # landed column name -> raw value expression over src
    line_offset: int         # file line of a row = _row_number + line_offset (TSV header: 1)
    native: frozenset[str]   # columns whose raw value already has its final type
    numbered_sql: str = ""   # the same SELECT, always numbered (to locate a bad row after a failure)


def _numbered(reader: str, numbered: bool) -> tuple[str, str]:
    """(sql, numbered_sql) over ``reader``. Numbering rows with ``row_number() OVER ()``
    keeps file order but makes DuckDB read on one thread, so it is only done for
    tables that need a row number in their key (or to explain a failure)."""
    with_numbers = f"SELECT row_number() OVER () AS _row_number, * FROM {reader}"
    plain = f"SELECT CAST(NULL AS BIGINT) AS _row_number, * FROM {reader}"
    return (with_numbers if numbered else plain), with_numbers


def _file_list(paths: Path | Sequence[Path]) -> str:
    if isinstance(paths, (str, Path)):
        return sql_literal(str(paths))
    return "[" + ", ".join(sql_literal(str(p)) for p in paths) + "]"


def read_header(path: Path, dialect: Delimited = TSV) -> list[str]:
    """The header fields of a delimited file, after its preamble ([] for an empty file)."""
    with open(path, "rb") as f:
        first = f.readline()
        for _ in range(dialect.preamble_lines):
            first = f.readline()
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    if not text.strip():
        return []
    if not dialect.quote:
        fields = text.split(dialect.delimiter)
    else:
        fields = next(csv.reader([text], delimiter=dialect.delimiter, quotechar=dialect.quote))
    # Some AFN and reserved inventory files end every line with a tab: no column.
    return fields[:-1] if len(fields) > 1 and not fields[-1].strip() else fields


def landed_names(headers: Sequence[str], columns: Sequence[Column]) -> list[str]:
    """The column each header lands in: the declared column whose header it is
    (exactly, or by snake_case), else its own snake_case name; de-duplicated.

    >>> landed_names(["Datum/Uhrzeit", "Order ID", "neu"], [Column("date/time"),
    ...               Column("Datum/Uhrzeit", alias="date_time"), Column("order-id")])
    ['date_time', 'order_id', 'neu']
    """
    exact = {}
    for c in columns:
        exact.setdefault(c.source.strip(), c.name)
    by_snake = {}
    for c in columns:
        by_snake.setdefault(snake(c.source), c.name)
    return unique_names([exact.get(h.strip()) or by_snake.get(snake(h)) or h for h in headers])


def unique_names(headers: Sequence[str]) -> list[str]:
    """snake_case names, de-duplicated with a numeric suffix.

    >>> unique_names(["Event Type", "EventType", "sku"])
    ['event_type', 'event_type_2', 'sku']
    """
    out: list[str] = []
    for h in headers:
        base = name = snake(h)
        n = 2
        while name in out:
            name, n = f"{base}_{n}", n + 1
        out.append(name)
    return out


# read_csv's buffer per scan: twice its 2MB maximum line size. DuckDB's default
# (16x) costs ~50MB more peak memory for the same speed (pipelines/bench.py).
CSV_BUFFER_SIZE = 4 << 20


def tsv_source(path: Path, names: Sequence[str], numbered: bool = False, dialect: Delimited = TSV) -> Source:
    """read_csv of a flat file (tab-separated and unquoted unless ``dialect``
    says otherwise), every field as VARCHAR."""
    columns = "{" + ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names) + "}"
    quote = sql_literal(dialect.quote)
    reader = (f"read_csv({sql_literal(str(path))}, delim={sql_literal(dialect.delimiter)}, header=true, "
              f"quote={quote}, escape={quote}, skip={int(dialect.preamble_lines)}, "
              f"auto_detect=false, strict_mode=true, null_padding=false, buffer_size={CSV_BUFFER_SIZE}, "
              f"columns={columns})")
    sql, numbered_sql = _numbered(reader, numbered)
    return Source(sql, {n: f"src.{ident(n)}" for n in names}, 1 + dialect.preamble_lines, frozenset(),
                  numbered_sql)


class _ListOf(dict):
    """A struct-tree node read as a list of structs: a child table's array."""


def _struct_tree(columns: Sequence[Column], children: Sequence[ChildTable] = ()) -> dict:
    tree: dict = {}

    def place(path: str, value) -> None:
        *parents, leaf = path.split(".")
        node = tree
        for p in parents:
            node = node.setdefault(p, {})
            if not isinstance(node, dict) or isinstance(node, _ListOf):
                raise ValueError(f"JSON path {path!r} goes through a leaf column or an array")
        if leaf in node:
            raise ValueError(f"JSON path {path!r} is declared twice or is also a parent path")
        node[leaf] = value

    for c in columns:
        place(c.source, duckdb_type(c.kind) if is_native(c.kind) else "VARCHAR")
    for child in children:
        if not child.top_level:  # a top-level array is read by its own source
            place(child.array, _ListOf(_struct_tree(child.columns, child.children)))
    return tree


def _struct_type(node: dict | str) -> str:
    if isinstance(node, str):
        return node
    struct = "STRUCT(" + ", ".join(f"{ident(k)} {_struct_type(v)}" for k, v in node.items()) + ")"
    return struct + "[]" if isinstance(node, _ListOf) else struct


def _path_expr(root: str, source: str) -> str:
    return root + "".join(f".{ident(p)}" for p in source.split("."))


# Largest single JSONL record read_json accepts (its buffer grows with it). Data
# Kiosk records are a few KB; DuckDB's 16MB default costs peak memory for nothing.
JSONL_MAX_OBJECT = 4 << 20


def json_source(lines: Lines, columns: Sequence[Column], children: Sequence[ChildTable] = (),
                position: str | None = None) -> Source:
    """The records of a JSON report document, one per line of ``lines`` (the
    document's records array, streamed out by ``json_split``), in document order.

    Leaves are read as VARCHAR (numbers keep their JSON text) then converted.
    The arrays of nested ``children`` are read too (see ``json_child_source``);
    ``position`` names a field holding the record's 1-based position.
    """
    tree = _struct_tree(columns, children)
    reader = (f"read_json({sql_literal(str(lines.path))}, format='newline_delimited', records=false, "
              f"maximum_object_size={max(JSONL_MAX_OBJECT, lines.longest + 1)}, "
              f"columns={{'json': {sql_literal(_struct_type(tree))}}})")
    sql = f'SELECT row_number() OVER () AS _row_number, "json" AS r FROM {reader}'
    fields = {c.name: _path_expr("src.r", c.source) for c in columns}
    native = {c.name for c in columns if is_native(c.kind)}
    if position:
        fields[position] = "src._row_number"
        native.add(position)
    return Source(sql, fields, 0, frozenset(native), sql)


def json_child_source(parent: Source, array: str, columns: Sequence[Column], inherited: Sequence[str],
                      position: str) -> Source:
    """One row per element of the array at ``array`` inside each row of ``parent``
    (a JSON source whose struct holds it), with the parent's ``inherited`` fields
    and the element's 1-based ``position``; ``_row_number`` stays the parent's record."""
    arr = _path_expr("src.r", array)
    carried = "".join(f"{parent.fields[n]} AS {ident(n)}, " for n in inherited)
    sql = (f"SELECT src._row_number, {carried}unnest(range(1, len({arr}) + 1)) AS {ident(position)}, "
           f"unnest({arr}) AS r FROM ({parent.sql}) src")
    fields = {n: f"src.{ident(n)}" for n in (*inherited, position)}
    fields.update({c.name: _path_expr("src.r", c.source) for c in columns})
    native = {n for n in inherited if n in parent.native} | {position} | {c.name for c in columns if is_native(c.kind)}
    return Source(sql, fields, 0, frozenset(native), sql)


def jsonl_source(paths: Path | Sequence[Path], columns: Sequence[Column], numbered: bool = False) -> Source:
    """Newline-delimited JSON (Data Kiosk documents): one record per line, from
    one file or several (the pages of one query, landed together)."""
    tree = _struct_tree(columns)
    spec = "{" + ", ".join(f"{sql_literal(k)}: {sql_literal(_struct_type(v))}" for k, v in tree.items()) + "}"
    reader = (f"read_json({_file_list(paths)}, format='newline_delimited', records=true, "
              f"maximum_object_size={JSONL_MAX_OBJECT}, columns={spec})")
    sql, numbered_sql = _numbered(reader, numbered)
    fields = {c.name: _path_expr("src", c.source) for c in columns}
    return Source(sql, fields, 0, frozenset(c.name for c in columns if is_native(c.kind)), numbered_sql)
