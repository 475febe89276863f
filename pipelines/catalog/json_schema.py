"""Columns and child tables of a JSON report, walked from its official schema.

A record type's leaves become columns named by their dotted path
(``impressionData.impressionCount`` → ``impression_data_impression_count``);
arrays of objects inside a record become child tables (``ChildTable``); arrays
of scalars become one DuckDB list column. Leaf kinds come from the schema:

- ``integer`` → int, ``boolean`` → bool, ``number`` → float, or decimal when it
  is money: the ``amount`` of a money object (``amount`` + ``currencyCode``) or a
  number with a ``<name>CurrencyCode`` sibling;
- ``string`` with ``format: date`` → date, ``format: date-time`` → timestamptz,
  any other string (enums included) → text;
- ``$ref`` (local, chained) is followed wherever it appears;
- a field an object ``required`` but does not define (``accountHealthRating.ahrStatus``)
  is text, as the schema's examples write it.

>>> shape = records_shape("promotionReport.json", "promotions")
>>> [(c.source, c.kind) for c in shape.columns][4:6]
[('unitsSold', 'int'), ('amountSpent', 'decimal')]
>>> [(t.array, [c.source for c in t.columns][:2]) for t in shape.children]
[('includedProducts', ['asin', 'productName'])]
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipelines.catalog.model import ChildTable, Column, ReportEntry
from pipelines.spec import SPEC_DIR

_SCALAR_LISTS = {"int": "BIGINT", "float": "DOUBLE", "decimal": "DECIMAL(18,4)", "bool": "BOOLEAN"}


@dataclass(frozen=True)
class RecordShape:
    """What one record type lands as: its columns and its child tables."""

    columns: tuple[Column, ...]
    children: tuple[ChildTable, ...] = ()


@lru_cache(maxsize=None)
def load_schema(schema_file: str) -> dict:
    return json.loads((SPEC_DIR / schema_file).read_text(encoding="utf-8"))


def records_shape(schema_file: str, records: str, kinds: Mapping[str, str] | None = None) -> RecordShape:
    """The shape of the elements of the document's top-level array ``records``."""
    schema = load_schema(schema_file)
    prop = schema.get("properties", {}).get(records)
    if prop is None:
        raise ValueError(f"{schema_file} has no top-level property {records!r}; it has: "
                         f"{', '.join(schema.get('properties', {}))}")
    walker = _Walker(schema_file, schema, kinds or {})
    array = walker.resolve(prop, records)
    if _type(array) != "array":
        raise ValueError(f"{schema_file} {records} is not an array of records")
    return walker.shape(array.get("items", {}), records)


def record_shape(schema_file: str, pointer: str, kinds: Mapping[str, str] | None = None) -> RecordShape:
    """The shape of the record type at the JSON pointer ``pointer`` (``#/definitions/X``)."""
    walker = _Walker(schema_file, load_schema(schema_file), kinds or {})
    return walker.shape({"$ref": pointer}, pointer.rsplit("/", 1)[-1])


def json_entry(schema_file: str, records: str, *, also: Sequence[str] = (),
               kinds: Mapping[str, str] | None = None, **fields) -> ReportEntry:
    """A catalog entry for a JSON report whose rows are the elements of ``records``,
    every column and child table derived from the official schema.

    ``also``: other top-level arrays of the same document, landed beside it as
    top-level child tables. ``kinds``: kind overrides by schema path
    (``"trafficByAsin.startDate": "date"``) where the schema leaves a format out.
    """
    overrides = dict(kinds or {})
    shape = records_shape(schema_file, records, overrides)
    siblings = []
    for array in also:
        s = records_shape(schema_file, array, overrides)
        siblings.append(ChildTable(array, s.columns, s.children, top_level=True))
    unused = [p for p in overrides if not _used(p, records, also)]
    if unused:
        raise ValueError(f"{schema_file}: kind overrides {unused} name no array this entry lands")
    return ReportEntry(format="json", json_records=records, columns=shape.columns,
                       children=shape.children + tuple(siblings), **fields)


def _used(path: str, records: str, also: Sequence[str]) -> bool:
    return any(path.startswith(a + ".") for a in (records, *also))


def _type(node: dict) -> str | None:
    t = node.get("type")
    if isinstance(t, list):  # ["string", "null"]
        t = next((x for x in t if x != "null"), None)
    if t is None and "properties" in node:
        return "object"
    if t is None and "enum" in node:
        return "string"
    return t


class _Walker:
    def __init__(self, schema_file: str, schema: dict, kinds: Mapping[str, str]):
        self.file, self.schema, self.kinds = schema_file, schema, kinds

    def resolve(self, node: dict, where: str) -> dict:
        """Follow ``$ref`` (local JSON pointers, chained) to the node they name."""
        seen: list[str] = []
        while "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"{self.file} {where}: only local $ref are supported, got {ref!r}")
            if ref in seen:
                raise ValueError(f"{self.file} {where}: $ref loop {' -> '.join(seen + [ref])}")
            seen.append(ref)
            node = self.schema
            for part in ref[2:].split("/"):
                if part not in node:
                    raise ValueError(f"{self.file} {where}: $ref {ref!r} names nothing")
                node = node[part]
        return node

    def shape(self, node: dict, where: str) -> RecordShape:
        record = self.resolve(node, where)
        if _type(record) != "object" or not record.get("properties"):
            raise ValueError(f"{self.file} {where}: a record must be an object with properties")
        columns: list[Column] = []
        children: list[ChildTable] = []
        self._walk(record, "", where, columns, children)
        return RecordShape(tuple(columns), tuple(children))

    def _walk(self, obj: dict, prefix: str, where: str, columns: list, children: list) -> None:
        props = obj["properties"]
        money = "amount" in props and "currencyCode" in props
        for key, raw in props.items():
            path, at = prefix + key, f"{where}.{key}"
            prop = self.resolve(raw, at)
            kind = _type(prop)
            if kind == "object" and prop.get("properties"):
                self._walk(prop, path + ".", at, columns, children)
            elif kind == "array":
                items = self.resolve(prop.get("items", {}), at)
                if _type(items) == "object" and items.get("properties"):
                    sub = self.shape(items, at)
                    children.append(ChildTable(path, sub.columns, sub.children))
                else:
                    leaf = self._leaf(items, at, money=False)
                    columns.append(Column(path, f"duckdb:{_SCALAR_LISTS.get(leaf, 'VARCHAR')}[]"))
            else:
                is_money = (money and key == "amount") or f"{key}CurrencyCode" in props
                columns.append(Column(path, self.kinds.get(at, self._leaf(prop, at, is_money))))
        for key in obj.get("required", ()):
            if key not in props:  # required but left undefined (account health's ahrStatus): its examples are text
                columns.append(Column(prefix + key, self.kinds.get(f"{where}.{key}", "text")))

    def _leaf(self, prop: dict, where: str, money: bool) -> str:
        kind = _type(prop)
        if kind == "integer":
            return "int"
        if kind == "number":
            return "decimal" if money else "float"
        if kind == "boolean":
            return "bool"
        if kind == "string":
            return {"date": "date", "date-time": "timestamptz"}.get(prop.get("format", ""), "text")
        if kind == "object":  # free-form object: kept as its JSON text
            return "text"
        raise ValueError(f"{self.file} {where}: unsupported schema type {prop.get('type')!r}")
