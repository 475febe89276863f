"""Does a catalog entry land Amazon's document right? A checker independent of the catalog.

``check_landing(entry, landed, truth)`` compares the rows a catalog entry landed
with the sandbox's ground truth for the same document (``Layout.truth``: the
synthetic seller's facts, typed, keyed by Amazon's headers) and returns every
disagreement: columns the entry does not declare or declares from another header,
declared columns Amazon never writes, rows missing or extra, money, quantities,
dates and texts that differ from the seller's, a cursor that is not the column
Amazon filters the window on (or rows outside the window), and window rules the
entry breaks (snapshot, requestable, widest window).

A document column is read where the entry declares it lands (``landed_name``); an
entry naming a column after another of Amazon's headers is reported. Everything else
comes from the truth, never from the entry.

JSON reports (``check_json_landing``) are checked table by table: the records' table and
one ``<table>__<array>`` table per array of the document (nested arrays, and the other
top-level arrays beside the records), each leaf read from the column its dotted path names
(``json_column``, the checker's own naming). A leaf Amazon writes that lands nowhere, a
column no leaf of Amazon's has, an array without its table (or a table without its array),
child rows that differ from the document's elements (matched on their parent's key and
their position), and the window and period rules of the report are reported.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any, Iterable, Mapping

from pipelines.catalog import ReportEntry, snake
from pipelines.sandbox.json_truth import JsonTruth
from pipelines.sandbox.layouts.model import Truth

UTC = timezone.utc


@dataclass(frozen=True)
class Disagreement:
    kind: str  # unexpected | renamed | missing | order | rows | type | value | cursor | outside | window | table
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.column}: {self.message}"


def _sources_landing(entry: ReportEntry, header: str) -> list[Any]:
    """The declared columns a document column lands in (by header name, as the product matches)."""
    return [c for c in entry.columns if c.source == header or snake(c.source) == snake(header)]


def landed_name(entry: ReportEntry, header: str) -> str:
    """Where the entry lands a document column: its declared name (an alias names long or
    hashed headers), else the product's name for an undeclared header."""
    found = _sources_landing(entry, header)
    return found[0].name if found else snake(header)


def check_columns(entry: ReportEntry, truth: Truth) -> list[Disagreement]:
    """The entry's declared columns against the document's header."""
    out = []
    landed_names = set()
    for h in truth.header:
        found = _sources_landing(entry, h)
        if not found:
            out.append(Disagreement("unexpected", h, f"Amazon writes {h!r}; {entry.name} does not declare it "
                                                     f"(it would land as text column {snake(h)!r})"))
        landed_names.update(c.name for c in found)
    for h in truth.header:  # a column named like one of Amazon's headers but filled from another
        for c in entry.columns:
            if c.name == snake(h) and snake(c.source) != snake(h) and c.source in truth.header:
                out.append(Disagreement("renamed", h, f"{entry.name} fills {c.name!r} from {c.source!r}, "
                                                      f"but {c.name!r} is Amazon's {h!r}"))
    if truth.records is None:  # flat files: declared in Amazon's order, nothing Amazon never writes
        out += _check_order(entry, truth)
        optional = {snake(o) for o in truth.optional}
        for c in entry.columns:
            if c.name not in landed_names and snake(c.source) not in optional and snake(c.source) not in \
                    {snake(h) for h in truth.header}:
                out.append(Disagreement("missing", c.source, f"{entry.name} declares {c.source!r}; Amazon's "
                                                             f"{truth.report_type} has no such column"))
    return out


def _check_order(entry: ReportEntry, truth: Truth) -> list[Disagreement]:
    position = {snake(h): n for n, h in enumerate(truth.header)}
    out, last, last_source = [], -1, ""
    for c in entry.columns:
        n = position.get(snake(c.source))
        if n is None:
            continue
        if n < last:
            out.append(Disagreement("order", c.source, f"{entry.name} declares {c.source!r} after {last_source!r}; "
                                                       f"Amazon writes it before"))
        else:
            last, last_source = n, c.source
    return out


def check_rules(entry: ReportEntry, truth: Truth) -> list[Disagreement]:
    """What the entry assumes about requests against what Amazon does with them."""
    out = []
    # A window-filtered report the entry takes whole, from snapshot_start until now, as a dated
    # snapshot (unshipped orders: rows vanish once shipped) neither keeps windows nor a cursor.
    trailing = entry.snapshot and entry.snapshot_start is not None and not truth.snapshot
    if entry.snapshot != truth.snapshot and not trailing:
        out.append(Disagreement("window", "-", f"{entry.name} is {'a' if entry.snapshot else 'not a'} snapshot; "
                                               f"Amazon's {truth.report_type} is {'' if truth.snapshot else 'not '}"
                                               f"a current-state snapshot"))
    if entry.requested != truth.requestable:
        out.append(Disagreement("window", "-", f"{entry.name} {'requests' if entry.requested else 'only lists'} "
                                               f"{truth.report_type}; Amazon "
                                               f"{'accepts' if truth.requestable else 'refuses'} createReport for it"))
    if truth.max_window is not None and entry.windowed and entry.max_window_days > truth.max_window.days:
        out.append(Disagreement("window", "-", f"{entry.name} packs {entry.max_window_days} days per request; "
                                               f"Amazon allows {truth.max_window.days}"))
    column = json_column if isinstance(truth, JsonTruth) else snake
    if truth.window_column is not None and not trailing and entry.cursor != column(truth.window_column):
        out.append(Disagreement("cursor", str(entry.cursor),
                                f"{entry.name} replaces windows on {entry.cursor!r}; Amazon filters "
                                f"{truth.report_type} on {truth.window_column!r}"))
    periods = getattr(truth, "max_periods", None)
    if periods is not None and entry.windowed and entry.partitions_per_request > periods:
        out.append(Disagreement("window", "-", f"{entry.name} asks {entry.partitions_per_request} {entry.period} "
                                               f"period(s) per request; Amazon allows {periods}"))
    return out


def _key(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in values)


def _same(fact: str, landed: Any, expected: Any) -> bool | None:
    """Whether a landed value equals the fact; None when it did not land typed as that fact."""
    if fact == "text":
        return ("" if landed is None else str(landed)) == ("" if expected is None else expected)
    if landed is None or expected is None:
        return landed is None and expected is None
    if fact == "money":
        return landed == expected if isinstance(landed, Decimal) else None
    if fact == "quantity":
        return landed == expected if isinstance(landed, int) and not isinstance(landed, bool) else None
    if fact == "number":
        return abs(float(landed) - expected) < 1e-9 if isinstance(landed, (int, float, Decimal)) else None
    if fact == "timestamp":
        return landed == expected if isinstance(landed, datetime) and landed.tzinfo else None
    if fact == "date":
        return landed == expected if isinstance(landed, date) and not isinstance(landed, datetime) else None
    if fact == "flag":
        return landed == expected if isinstance(landed, bool) else None
    raise ValueError(f"unknown fact kind {fact!r}")


def check_rows(entry: ReportEntry, landed: list[Mapping[str, Any]], truth: Truth) -> list[Disagreement]:
    """The landed rows against the seller's: the same rows, and equal facts in every compared column."""
    names = {h: landed_name(entry, h) for h in truth.header}
    hashed = {h for h in truth.header if any(c.kind == "hashed" for c in _sources_landing(entry, h))}
    return _compare_rows(landed, truth, names, hashed)


def _compare_rows(landed: list[Mapping[str, Any]], truth: Truth, names: Mapping[str, str], hashed: set[str],
                  where: str = "") -> list[Disagreement]:
    """``landed`` against ``truth.rows``, matched on ``truth.key``; ``names``: where each fact landed,
    ``where``: how findings name the array the rows come from."""
    out = []
    key = [names[k] for k in truth.key]
    expected = {_key(r.get(k) for k in truth.key): r for r in truth.rows}
    got: dict[tuple, list[Mapping[str, Any]]] = defaultdict(list)
    for r in landed:
        got[_key(r.get(k) for k in key)].append(r)
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    repeated = [k for k, rs in got.items() if len(rs) > 1]
    for what, keys in (("missing", missing), ("not in Amazon's document", extra), ("landed twice", repeated)):
        if keys:
            out.append(Disagreement("rows", where + ",".join(truth.key), f"{len(keys)} row(s) {what}, e.g. {keys[0]}"))
    mismatches: Counter = Counter()
    example: dict[tuple[str, str], str] = {}
    for k, row in expected.items():
        for r in got.get(k, [])[:1]:
            for h, fact in truth.facts.items():
                if names[h] not in r:
                    continue  # reported by check_columns
                value = row[h]
                if h in hashed and value:  # personal data lands as its SHA-256, never in clear
                    value = hashlib.sha256(value.encode()).hexdigest()
                same = _same(fact, r[names[h]], value)
                if same is None:
                    kind = "type"
                elif not same:
                    kind = "value"
                else:
                    continue
                mismatches[(kind, h)] += 1
                example.setdefault((kind, h), f"{r[names[h]]!r} landed, the seller's is {value!r} (row {k})")
    for (kind, h), n in mismatches.items():
        what = f"does not land as a {truth.facts[h]}" if kind == "type" else "differs from the seller's"
        out.append(Disagreement(kind, where + h, f"{what} in {n} row(s): {example[(kind, h)]}"))
    return out


def _in_window(value: Any, window: tuple[datetime, datetime], by_day: bool) -> bool | None:
    start, end = window
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(), UTC)
    else:
        return None
    if by_day and isinstance(value, datetime):
        moment = datetime.combine(value.astimezone(UTC).date(), time(), UTC)
    return start <= moment < end


def check_cursor(entry: ReportEntry, landed: list[Mapping[str, Any]], truth: Truth,
                 where: str = "") -> list[Disagreement]:
    """Every landed row's cursor lies in the window the document covers (what a window replace relies on)."""
    if truth.window is None or not entry.cursor or entry.cursor.startswith("_"):
        return []
    verdicts = [_in_window(r.get(entry.cursor), truth.window, truth.day_window) for r in landed]
    if any(v is None for v in verdicts):
        return [Disagreement("cursor", where + entry.cursor, f"{entry.name}'s cursor {entry.cursor!r} is not a "
                                                             f"landed date or timestamp column")]
    outside = verdicts.count(False)
    if outside:
        return [Disagreement("outside", where + entry.cursor,
                             f"{outside} of {len(landed)} rows have {entry.cursor} outside the window "
                             f"{truth.window[0]}..{truth.window[1]}: a window replace would delete or duplicate them")]
    return []


def check_landing(entry: ReportEntry, landed: list[Mapping[str, Any]], truth: Truth) -> list[Disagreement]:
    """Every way the rows ``entry`` landed from a document disagree with Amazon's (the sandbox's truth)."""
    if isinstance(truth, JsonTruth):
        raise TypeError(f"{truth.report_type} is a JSON document with child arrays: use check_json_landing")
    return [*check_columns(entry, truth), *check_rules(entry, truth), *check_rows(entry, landed, truth),
            *check_cursor(entry, landed, truth)]


# ---- JSON documents ---------------------------------------------------------------

def json_column(path: str) -> str:
    """The column a JSON leaf lands in: its dotted path in snake_case, each camelCase word
    (and each run of capitals) a word of its own.

    >>> json_column("clickData.asinMedianClickPrice.amount"), json_column("unitsOrderedB2B")
    ('click_data_asin_median_click_price_amount', 'units_ordered_b2b')
    >>> json_column("includedProducts.position"), json_column("aged90PlusDaysSellableInventoryUnits")
    ('included_products_position', 'aged90plus_days_sellable_inventory_units')
    """
    words = re.sub(r"([a-z])([A-Z])", r"\1_\2", path)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    return re.sub(r"[^0-9A-Za-z]+", "_", words).strip("_").lower()


@dataclass(frozen=True)
class Landed:
    """One landed table: its columns and its rows (of one document)."""

    columns: tuple[str, ...]
    rows: list[Mapping[str, Any]]


def json_tables(table: str, truth: JsonTruth) -> dict[str, JsonTruth]:
    """The table each of the document's arrays lands in, by name: ``table`` for the records,
    ``<parent table>__<array>`` for a child array."""
    out = {table: truth}
    for child in truth.children:
        out.update(json_tables(f"{table}__{json_column(child.records)}", child))
    return out


def check_json_landing(entry: ReportEntry, tables: Mapping[str, Landed], truth: JsonTruth) -> list[Disagreement]:
    """Every way the tables ``entry`` landed from one JSON document (by name: its own table and
    every ``<table>__...`` child table it has) disagree with the document's truth."""
    expected = json_tables(entry.table, truth)
    out = check_rules(entry, truth)
    for table, found in expected.items():
        out += _check_json_table(entry, tables.get(table), found, _where(entry.table, table, expected))
    for table in sorted(set(tables) - set(expected)):
        out.append(Disagreement("table", table, f"{entry.name} lands {table}; Amazon's {truth.report_type} "
                                                f"has no array that lands there"))
    return out


def _where(top: str, table: str, tables: Mapping[str, JsonTruth]) -> str:
    """How findings name a child table's array: ``coupons[].asins[].`` (nothing for the records)."""
    parts, name = [], table
    while name != top:
        parts.append(f"{tables[name].records}[].")
        name = name.rsplit("__", 1)[0]
    return "".join(reversed(parts))


def _check_json_table(entry: ReportEntry, landed: Landed | None, truth: JsonTruth, where: str) -> list[Disagreement]:
    if landed is None:
        return [Disagreement("table", where.removesuffix(".") or truth.records,
                             f"Amazon's {truth.records} array ({len(truth.rows)} element(s) in this document) "
                             f"does not land: {entry.name} has no table for it")]
    out = []
    names = {p: json_column(p) for p in truth.facts}
    for p in truth.header:
        if names[p] not in landed.columns:
            out.append(Disagreement("unexpected", where + p, f"Amazon writes {p!r}; {entry.name} does not land it "
                                                             f"(no column {names[p]!r})"))
    known = {names[p] for p in (*truth.leaves, *truth.inherited, *truth.key)}
    for c in landed.columns:
        if not c.startswith("_") and c not in known:
            out.append(Disagreement("missing", where + c, f"{entry.name} lands {c!r}; Amazon's {truth.records} "
                                                          f"records have no such leaf"))
    unkeyed = [k for k in truth.key if names[k] not in landed.columns]
    if unkeyed:  # child rows that do not carry their parent's key cannot be told apart
        out.append(Disagreement("rows", where + ",".join(truth.key),
                                f"rows cannot be matched to Amazon's: {', '.join(names[k] for k in unkeyed)} "
                                f"not landed"))
    else:
        out += _compare_rows(landed.rows, truth, names, set(), where)
    return out + check_cursor(entry, landed.rows, truth, where)
