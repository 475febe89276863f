"""Build a JSON document that an official report schema (JSON Schema draft-07) accepts.

The walk follows objects, arrays, local ``$ref`` (``#/definitions/...``), enums,
``date`` / ``date-time`` formats and ``minimum`` / ``maximum``. What the caller
knows comes in ``given``, nested like the document (a dict for an object, a list
of dicts for an array of objects; ``Exact`` keeps an object as it is, ``OMIT``
leaves an optional property out). Every other
property is filled from a small table of meanings keyed by the field's name:
``asin`` → one of the seller's ASINs, ``*Units`` / ``*Count`` → a quantity,
``amount`` → money in the marketplace's minor unit, ``currencyCode`` → the
marketplace currency, ``startDate`` / ``endDate`` → the period, ``*Rate`` /
``*Share`` → a fraction, ... Each filled value comes from its own RNG seeded by
the document key and the field's path, so a document does not depend on the
order it is built in. Arrays nobody gave stay empty.

>>> schema = {"type": "object", "required": ["asin"], "properties": {
...     "asin": {"type": "string"}, "shippedUnits": {"type": "integer", "minimum": 0},
...     "startDate": {"type": "string", "format": "date"},
...     "revenue": {"$ref": "#/definitions/Amount"}},
...     "definitions": {"Amount": {"type": "object", "properties": {
...         "amount": {"type": "number"}, "currencyCode": {"type": "string"}}}}}
>>> ctx = Context(key="doc", marketplace_id="A1VC38T7YXB528", currency="JPY", decimals=0,
...               asins=("B0X",), start=datetime(2025, 1, 5, tzinfo=UTC), end=datetime(2025, 1, 11, tzinfo=UTC))
>>> doc = fill(schema, {"shippedUnits": 3}, ctx)
>>> doc["asin"], doc["shippedUnits"], doc["startDate"], doc["revenue"]["currencyCode"]
('B0X', 3, '2025-01-05', 'JPY')
>>> doc == fill(schema, {"shippedUnits": 3}, ctx) and doc["revenue"]["amount"] == int(doc["revenue"]["amount"])
True
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

UTC = timezone.utc


@dataclass(frozen=True)
class Exact:
    """A given object value taken as it is (no property is added to it)."""

    value: Any


@dataclass(frozen=True)
class Context:
    """What filled values are drawn from: one document of one marketplace over one window."""

    key: str  # seeds every RNG: (seed, report type, marketplace, window)
    marketplace_id: str
    currency: str
    decimals: int  # of the currency's minor unit (JPY: 0)
    asins: tuple[str, ...]
    start: datetime  # the window (or period) a date field is drawn from
    end: datetime
    today: date | None = None  # ``lastUpdatedDate`` and the like; default: the window's end
    names: tuple[str, ...] = ()  # product names
    text: dict[str, str] = field(default_factory=dict)  # fixed strings by field name (brand, vendorCode, ...)
    unit_price: float = 20.0  # scale of money values

    def rng(self, path: str) -> random.Random:
        return random.Random(f"{self.key}|{path}")

    def money(self, value: float) -> float:
        return round(float(value), self.decimals) if self.decimals else float(round(value))


def fill(schema: dict, given: Any, ctx: Context) -> Any:
    """The document of ``schema`` (the whole schema, for ``$ref``) with ``given`` values kept."""
    return _fill(schema, schema, "", given, ctx, "")


def resolve(node: dict, root: dict) -> dict:
    """``node`` with its local ``$ref`` followed (``#/definitions/Name``)."""
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


_MISSING = object()
OMIT = object()  # a given value that leaves an optional property out of the document


def _fill(node: dict, root: dict, name: str, given: Any, ctx: Context, path: str) -> Any:
    node = resolve(node, root)
    if isinstance(given, Exact):
        return given.value
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        given = given if isinstance(given, dict) else {}
        props = node.get("properties", {})
        unknown = sorted(set(given) - set(props) - set(node.get("required", ())))
        if unknown:
            raise ValueError(f"{path or '/'}: the schema has no {', '.join(unknown)}")
        out = {}
        for key in [*props, *(k for k in node.get("required", ()) if k not in props)]:
            value = given.get(key, _MISSING)
            if value is OMIT:
                continue
            if key in props:
                out[key] = _fill(props[key], root, key, None if value is _MISSING else value, ctx, f"{path}/{key}")
            elif value is not _MISSING:
                out[key] = value
            else:
                raise ValueError(f"{path}/{key} is required by the schema but has no definition; give its value")
        return out
    if given is not None:
        if kind == "array" and isinstance(given, list):
            items = node.get("items", {})
            return [_fill(items, root, name, g, ctx, f"{path}/{i}") for i, g in enumerate(given)]
        return given
    if kind == "array":
        return []
    return _leaf(name, node, ctx, ctx.rng(path))


def _leaf(name: str, node: dict, ctx: Context, rng: random.Random) -> Any:
    if "enum" in node:
        return rng.choice(node["enum"])
    kind = node.get("type", "string")
    for pattern, kinds, make in _MEANINGS:
        if kind in kinds and pattern.fullmatch(name):
            return _bounded(make(ctx, node, rng, name), node)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "integer":
        return _bounded(rng.randrange(0, 500), node)
    if kind == "number":
        return _bounded(round(rng.uniform(0, 500), 2), node)
    if node.get("format") in ("date", "date-time"):
        return _moment(ctx, node, rng, name)
    return f"{name}-{rng.randrange(10 ** 6):06d}"


def _bounded(value: Any, node: dict) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            value = type(value)(node["minimum"])
        if "maximum" in node and value > node["maximum"]:
            value = type(value)(node["maximum"])
    return value


def date_text(t: datetime | date, node: dict, name: str) -> str:
    """``t`` as the field wants it: ``format`` date or date-time, else by name (``*Date`` is a date)."""
    fmt = node.get("format") or ("date" if name.endswith("Date") else "date-time")
    if fmt == "date":
        return (t.date() if isinstance(t, datetime) else t).isoformat()
    if not isinstance(t, datetime):
        t = datetime.combine(t, datetime.min.time(), UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(ctx: Context, node: dict, rng: random.Random, name: str) -> str:
    lowered = name.lower()
    if lowered.startswith(("start", "datastart")):
        t: datetime | date = ctx.start
    elif lowered.startswith(("end", "dataend")):
        t = ctx.end
    elif name in ("lastUpdatedDate", "forecastGenerationDate"):
        t = ctx.today or ctx.end
    else:
        t = ctx.start + timedelta(seconds=rng.randrange(max(1, int((ctx.end - ctx.start).total_seconds()))))
    return date_text(t, node, name)


def _fraction(ctx: Context, node: dict, rng: random.Random, name: str) -> float:
    if node.get("maximum") == 100:  # a percentage (coupon budgetPercentageUsed)
        return round(rng.uniform(0, 100), 2)
    return round(rng.uniform(0, 1), 4)


def _quantity(ctx: Context, node: dict, rng: random.Random, name: str) -> int:
    return rng.randrange(0, 500)


def _money_value(ctx: Context, node: dict, rng: random.Random, name: str) -> float:
    return ctx.money(ctx.unit_price * rng.uniform(1, 50))


def _digits(n: int) -> Callable[[Context, dict, random.Random, str], str]:
    return lambda ctx, node, rng, name: "".join(str(rng.randrange(10)) for _ in range(n))


def _text(ctx: Context, node: dict, rng: random.Random, name: str) -> str:
    if name in ctx.text:
        return ctx.text[name]
    if ctx.names and name in ("itemName", "productName", "name"):
        return rng.choice(ctx.names)
    return f"{name[0].upper()}{name[1:]} {rng.randrange(1, 100)}"


_STRING, _INT, _NUMBER = ("string",), ("integer",), ("number", "integer")
# (field name pattern, JSON types it applies to, how to make the value); the first match wins.
_MEANINGS: list[tuple[re.Pattern, tuple[str, ...], Callable[[Context, dict, random.Random, str], Any]]] = [
    (re.compile(p), kinds, make) for p, kinds, make in (
        (r"marketplaceId", _STRING, lambda ctx, node, rng, name: ctx.marketplace_id),
        (r"(.*[a-z])?[cC]urrencyCode", _STRING, lambda ctx, node, rng, name: ctx.currency),
        (r"(.*[a-z])?[aA]sin", _STRING, lambda ctx, node, rng, name: rng.choice(ctx.asins)),
        (r".*(Date|Time)|date|time", _STRING, _moment),
        (r"ean|isbn", _STRING, _digits(13)),
        (r"upc", _STRING, _digits(12)),
        (r".*(Rate|Share|Pct|PctTotal|Margin|Percentage|PercentageUsed)|uft", _NUMBER, _fraction),
        (r"amount|.*(Revenue|Sales|Price|Cost|Cogs|Budget|Discount|Spent|Remaining|Amount)"
         r"|revenue|sales|budget", _NUMBER, _money_value),
        (r".*Rank", _INT, lambda ctx, node, rng, name: rng.randrange(1, 1000)),
        (r".*Score", _INT, lambda ctx, node, rng, name: rng.randrange(1, 11)),
        (r".*Days", _NUMBER, lambda ctx, node, rng, name: round(rng.uniform(1, 30), 2)),
        (r".*(Units|Count|Views|Returns|Customers|Volume|Clips|Redemptions)|orders|clips|redemptions"
         r"|count|glanceViews|offerCount|reviewCount", _INT, _quantity),
        (r".*(Id|Code|Number)", _STRING, lambda ctx, node, rng, name: ctx.text.get(name)
         or f"{name[:2].upper()}{rng.randrange(10 ** 9):09d}"),
        (r".*", _STRING, _text),
    )
]
