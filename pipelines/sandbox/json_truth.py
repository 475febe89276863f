"""What a JSON report document holds, typed: the ground truth a landing of it is checked against.

A record's leaves are keyed by their dotted JSON path (``clickData.clickCount``); the
kind of fact each one is comes from the official schema:

- ``integer`` → quantity, ``boolean`` → flag;
- ``number`` → money when it is the ``amount`` of a money object (``amount`` +
  ``currencyCode``), has a ``<name>CurrencyCode`` sibling, or is one of the report's
  currency values (``money``: paths the schema describes as "Currency value"), else number;
- ``string`` → date or timestamp when its ``format`` says so, or when it is named like
  one (``*Date`` is a date, ``*Time``/``*DateTime`` a timestamp, as ``schema_fill``
  writes them), else text. A field the schema requires without defining it is text.

An array of objects inside a record is a child (``JsonTruth.children``): one row per
element, carrying every leaf of its ancestors (by their own paths) and the 1-based
position of each array it sits in (``<array>.position``). The document's other
top-level arrays (a vendor report's aggregate) are top-level children, keyed by position.

>>> schema = {"properties": {"rows": {"type": "array", "items": {"properties": {
...     "id": {"type": "string"}, "paid": {"properties": {"amount": {"type": "number"},
...     "currencyCode": {"type": "string"}}}, "when": {"type": "string", "format": "date"},
...     "tags": {"type": "array", "items": {"properties": {"tag": {"type": "string"}}}}}}}}}
>>> doc = {"rows": [{"id": "a", "paid": {"amount": 1.5, "currencyCode": "EUR"}, "when": "2025-01-05",
...                  "tags": [{"tag": "x"}, {"tag": "y"}]}]}
>>> t = document_truth(doc, schema, "rows", ("id",), report_type="T", marketplace_id="M")
>>> t.rows
[{'id': 'a', 'paid.amount': Decimal('1.5'), 'paid.currencyCode': 'EUR', 'when': datetime.date(2025, 1, 5)}]
>>> (child,) = t.children
>>> child.records, child.key, [r["tags.position"] for r in child.rows], child.rows[1]["tag"]
('tags', ('id', 'tags.position'), [1, 2], 'y')
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Mapping, Sequence

from pipelines.sandbox.layouts.model import Truth
from pipelines.sandbox.schema_fill import resolve

_DATE_NAME = re.compile(r".*(Date|Time)|date|time")  # schema_fill's date and time fields


def position(array: str) -> str:
    """The path of an element's 1-based position in ``array`` (a key of child rows)."""
    return f"{array}.position"


@dataclass(frozen=True)
class JsonTruth(Truth):
    """A ``Truth`` of one JSON records array: ``records`` names the array (a child's is its
    path in the parent record, or the document's array for a ``top_level`` child)."""

    leaves: tuple[str, ...] = ()  # every leaf path an element can have (``header``: those this document has)
    children: tuple["JsonTruth", ...] = ()
    top_level: bool = False
    inherited: tuple[str, ...] = ()  # ancestor leaves and positions each row carries
    max_periods: int | None = None  # reporting periods one request may span (None: no documented limit)


@dataclass
class _Shape:
    """A record type of the schema: its leaves' fact kinds and its arrays of objects."""

    facts: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, "_Shape"] = field(default_factory=dict)


def _within(paths, array: str) -> frozenset[str]:
    """The ``paths`` inside ``array``, relative to its elements."""
    return frozenset(p.removeprefix(f"{array}.") for p in paths if p.startswith(f"{array}."))


def _fact(name: str, node: dict, money: bool) -> str:
    kind = node.get("type")
    if kind == "integer":
        return "quantity"
    if kind == "boolean":
        return "flag"
    if kind == "number":
        return "money" if money else "number"
    fmt = node.get("format")
    if fmt is None and _DATE_NAME.fullmatch(name):
        fmt = "date" if name.endswith("Date") else "date-time"
    return {"date": "date", "date-time": "timestamp"}.get(fmt or "", "text")


def _shape(node: dict, schema: dict, money: frozenset[str], prefix: str = "", out: _Shape | None = None) -> _Shape:
    out = out if out is not None else _Shape()
    node = resolve(node, schema)
    props = {k: resolve(v, schema) for k, v in node.get("properties", {}).items()}
    money_object = "amount" in props and "currencyCode" in props
    for name, prop in props.items():
        path = prefix + name
        if prop.get("type") == "array":
            items = resolve(prop.get("items", {}), schema)
            if "properties" not in items:
                raise ValueError(f"{path}: arrays of scalars are not in any report record the sandbox serves")
            out.arrays[path] = _shape(items, schema, _within(money, path))
        elif "properties" in prop:
            _shape(prop, schema, money, f"{path}.", out)
        else:
            is_money = (money_object and name == "amount") or f"{name}CurrencyCode" in props or path in money
            out.facts[path] = _fact(name, prop, is_money)
    for name in node.get("required", ()):
        if name not in props:  # required but undefined (account health's ahrStatus): as the example writes it
            out.facts[prefix + name] = "text"
    return out


def _typed(value: Any, fact: str, path: str) -> Any:
    if value is None:
        return None
    if fact == "money":
        return Decimal(str(value))
    if fact == "number":
        return float(value)
    if fact == "date":  # a day, written with its midnight by some reports ("2020-11-14 00:00:00")
        return datetime.fromisoformat(value).date() if len(value) > 10 else date.fromisoformat(value)
    if fact == "timestamp":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if fact == "text" and not isinstance(value, str):
        return json.dumps(value)
    if fact not in ("quantity", "flag", "text"):
        raise ValueError(f"{path}: unknown fact kind {fact!r}")
    return value


def _get(record: Mapping, path: str) -> tuple[bool, Any]:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _truth(records: Sequence[Mapping], shape: _Shape, array: str, key: tuple[str, ...], base: dict[str, str],
           above: Sequence[Mapping[str, Any]], window: tuple[datetime, datetime] | None, window_field: str | None,
           common: dict) -> JsonTruth:
    """The truth of ``records`` (the elements of ``array``), each row starting with ``above``
    (its ancestors' leaves and positions, whose facts are ``base``)."""
    rows, present = [], set()
    nested: dict[str, list[tuple[Mapping, dict]]] = {a: [] for a in shape.arrays}
    for record, carried in zip(records, above):
        row = dict(carried)
        for path, fact in shape.facts.items():
            found, value = _get(record, path)
            if found:
                present.add(path)
            row[path] = _typed(value, fact, path)
        rows.append(row)
        for sub in shape.arrays:
            _, elements = _get(record, sub)
            nested[sub] += [(element, {**row, position(sub): n}) for n, element in enumerate(elements or [], 1)]
    facts = {**base, **shape.facts}
    children = tuple(
        _truth([e for e, _ in nested[sub]], shape.arrays[sub], sub, (*key, position(sub)),
               {**facts, position(sub): "quantity"}, [a for _, a in nested[sub]], None, None, common)
        for sub in shape.arrays)
    if window_field not in shape.facts:
        window = window_field = None
    return JsonTruth(header=tuple(p for p in shape.facts if p in present), facts=facts, rows=rows, key=key,
                     window=window, window_column=window_field, records=array, leaves=tuple(shape.facts),
                     children=children, inherited=tuple(base), **common)


def document_truth(doc: Mapping, schema: dict, records: str, key: tuple[str, ...], *, report_type: str,
                   marketplace_id: str, money: Sequence[str] = (), window: tuple[datetime, datetime] | None = None,
                   window_field: str | None = None, snapshot: bool = False, max_window: timedelta | None = None,
                   max_periods: int | None = None) -> JsonTruth:
    """The truth of the document's ``records`` array (rows identified by the leaves ``key``), with
    its nested arrays and the document's other top-level arrays as children. ``money``: further
    leaves (``array.path``) that are currency values; ``window``: the half-open range the document
    covers, filtered on the leaf ``window_field``."""
    common = dict(report_type=report_type, marketplace_id=marketplace_id, snapshot=snapshot, max_window=max_window)
    props = schema["properties"]
    arrays = [name for name, node in props.items() if resolve(node, schema).get("type") == "array"]
    if records not in arrays:
        raise ValueError(f"{report_type}: the document has no records array {records!r}; it has {arrays}")

    def of(array: str, top_level: bool) -> JsonTruth:
        shape = _shape(resolve(props[array], schema).get("items", {}), schema, _within(money, array))
        elements = doc.get(array) or []
        if not top_level:
            return _truth(elements, shape, array, key, {}, [{}] * len(elements), window, window_field, common)
        at = position(array)  # a top-level array's element is known by its position in the document
        found = _truth(elements, shape, array, (at,), {at: "quantity"},
                       [{at: n} for n in range(1, len(elements) + 1)], window, window_field, common)
        return replace(found, top_level=True)

    main = of(records, top_level=False)
    beside = tuple(of(a, top_level=True) for a in arrays if a != records)
    return replace(main, children=main.children + beside, max_periods=max_periods)
