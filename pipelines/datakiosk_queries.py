"""Data Kiosk query files: load, validate, describe and render.

One ``queries/datakiosk/<name>.graphql`` file = one Data Kiosk asset. The file
is a GraphQL query with variables for what the asset run supplies
(``$startDate``, ``$endDate``, ``$marketplaceIds``) and a front matter of
``# key: value`` comment lines (comments, so the file stays valid GraphQL and
error line numbers match the file)::

    # description: Daily account totals per marketplace.
    # max_window_days: 30
    # lookback_days: 3
    # cursor: start_date
    # key: marketplace_id, start_date
    query ($startDate: Date!, $endDate: Date!, $marketplaceIds: [String!]!) {
      analytics_salesAndTraffic_2024_04_24 {
        salesAndTrafficByDate(startDate: $startDate, endDate: $endDate,
                              aggregateBy: DAY, marketplaceIds: $marketplaceIds) {
          startDate marketplaceId sales { unitsOrdered }
        }
      }
    }

Front matter keys (all optional): ``description``, ``account`` (seller |
vendor; defaults from the dataset), ``max_window_days`` (widest window one
query may ask for, default 30), ``lookback_days`` (trailing days a sync
re-pulls, default 3), ``cursor`` (the date column the window replaces rows
on, default ``start_date``), ``key`` (comma-separated columns identifying a
row), ``period`` (DAY, WEEK or MONTH: the asset's partitions, Sunday-to-Saturday
weeks or calendar months; defaults to the query's date ``aggregateBy``, else
DAY) and ``max_periods`` (how many of those periods one query may cover,
default 1; DAY queries use ``max_window_days``). ``name`` sets the asset name
(default: the file name without ``.graphql``).

One file may serve several date grains: ``# periods: DAY, WEEK, MONTH`` gives
one query per grain, named ``<file>_day``, ``<file>_week``, ``<file>_month``
unless ``name`` says otherwise. The bare enum value ``PERIOD`` in the body
(``aggregateBy: { date: PERIOD, productId: MSKU }``) is replaced by each grain
before the query is validated, and the ``{period}`` token in ``description``
by the grain's wording. ``name``, ``max_window_days``, ``max_periods`` and
``lookback_days`` take one value for every grain or per-grain values, a plain
value applying to the grains not listed: ``# lookback_days: 7, DAY 3``.

Everything is checked at load, before any API call: GraphQL validity against
the official dataset schema (``pipelines/spec/``, validated with
``gql``), the 8,000-character limit after whitespace removal, literal start
dates no more than two years back, supported variables, metadata.

Data Kiosk documents are JSONL: each line is one element of the queried list
(``salesAndTrafficByDate`` etc.) with the fields as selected and no
``data``/dataset wrappers, so column sources are dotted paths inside one such
element (``sales.orderedProductSales.amount``).

>>> spec = next(s for s in load_queries() if s.name == "sales_and_traffic_by_date")
>>> spec.dataset, spec.account, spec.cursor
('salesAndTrafficByDate', 'seller', 'start_date')
>>> q = render(spec, date(2025, 1, 1), date(2025, 1, 31), ["ATVPDKIKX0DER"])
>>> 'startDate:"2025-01-01"' in q and "$" not in q
True
"""
from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence

from gql import Client, gql
from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    print_ast,
)
from graphql.language import REMOVE, Visitor, visit

from pipelines.catalog import Column
from pipelines.periods import period_windows
from pipelines.spec import SPEC_DIR
from pipelines.spec.datakiosk import dataset_schemas, minify, schema_for, two_years_before
from pipelines.spec.models import MAX_QUERY_CHARS
from pipelines.windows import pack

SCHEMA_DIR = SPEC_DIR
UTC = timezone.utc
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUERY_DIR = PROJECT_ROOT / "queries" / "datakiosk"

ACCOUNT_TYPES = ("seller", "vendor")
SUPPORTED_VARIABLES = ("startDate", "endDate", "marketplaceIds")
METADATA_KEYS = ("description", "account", "max_window_days", "lookback_days", "cursor", "key", "period",
                 "max_periods", "periods", "name")
PER_GRAIN_KEYS = ("name", "max_window_days", "max_periods", "lookback_days")
DATE_GRAINS = ("DAY", "WEEK", "MONTH")  # Data Kiosk's date granularities
PERIOD_PLACEHOLDER = "PERIOD"  # the enum value a multi-grain file writes where its grain goes
PERIOD_WORDS = {"DAY": "day", "WEEK": "week (Sunday to Saturday)", "MONTH": "calendar month"}

# Scalar → (catalog kind, DuckDB type) for leaves of the selection.
_SCALARS = {
    "String": ("text", "VARCHAR"),
    "ID": ("text", "VARCHAR"),
    "Int": ("int", "BIGINT"),
    "Long": ("int", "BIGINT"),
    "Float": ("float", "DOUBLE"),
    "Boolean": ("bool", "BOOLEAN"),
    "Date": ("date", "DATE"),
    "DateTime": ("timestamptz", "TIMESTAMPTZ"),
}
_MONEY = ("decimal", "DECIMAL(18,4)")  # Amount.amount: money stays exact
_META_LINE = re.compile(r"^#\s*([a-z][a-z0-9_]*)\s*:\s*(.*?)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class QueryFileError(ValueError):
    """A query file (or a window asked of it) that Data Kiosk would reject.

    The message starts with ``file:line:column:`` when a position is known.
    """

    def __init__(self, message: str, path: Path | str | None = None,
                 line: int | None = None, column: int | None = None):
        self.path, self.line, self.column, self.reason = path, line, column, message
        where = ":".join(str(p) for p in (_display(path) if path else None, line, column) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


class QueryWindowError(QueryFileError):
    """The date window asked of a query is not allowed (too old, too wide, reversed)."""


@dataclass(frozen=True)
class QuerySpec:
    """One validated Data Kiosk query file and what the asset factory needs."""

    name: str  # asset name: the file name without .graphql, or its ``name`` for this grain
    path: Path
    text: str  # the file as written (with variables; a multi-grain file's PERIOD replaced by the grain)
    schema: str  # dataset schema root field, e.g. analytics_salesAndTraffic_2024_04_24
    dataset: str  # the queried list field, e.g. salesAndTrafficByDate
    account: str  # seller | vendor
    description: str
    cursor: str | None
    key: tuple[str, ...]
    max_window_days: int
    lookback_days: int
    columns: tuple[Column, ...]
    variables: tuple[str, ...]  # variables the run must supply
    period: str = "DAY"  # the asset's partitions: DAY, WEEK (Sunday to Saturday) or MONTH
    max_periods: int = 1  # WEEK/MONTH periods one query may cover

    @property
    def table(self) -> str:
        return f"raw_dk_{self.name}"

    @property
    def takes_marketplaces(self) -> bool:
        """False for datasets without a marketplace argument (vendor views answer for the account)."""
        return "marketplaceIds" in self.variables

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def partitions_per_request(self) -> int:
        return self.max_window_days if self.period == "DAY" else self.max_periods

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """``[start, end)`` packed into the widest windows one query may ask for."""
        if self.period == "DAY":
            return list(pack(start, end, self.max_window_days))
        return list(period_windows(start, end, self.period, self.max_periods))


# Schemas, minify, @resultRetention and the two-year rule are read in pipelines.spec.datakiosk.


def _display(path: Path | str) -> str:
    p = Path(path)
    for base in (Path.cwd(), PROJECT_ROOT):
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(p)


# ---- loading ----------------------------------------------------------------------

def load_queries(folder: Path | str = DEFAULT_QUERY_DIR, *, today: date | None = None) -> list[QuerySpec]:
    """Every query of the ``*.graphql`` files in ``folder`` (one per grain a file serves), validated,
    sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise QueryFileError(f"Data Kiosk query folder {folder} does not exist")
    specs: dict[str, QuerySpec] = {}
    for path in sorted(folder.glob("*.graphql")):
        for spec in load_query_file(path, today=today):
            if spec.name in specs:
                raise QueryFileError(f"query name {spec.name!r} is also given by {_display(specs[spec.name].path)}",
                                     path)
            specs[spec.name] = spec
    return [specs[name] for name in sorted(specs)]


def load_query(path: Path | str, *, today: date | None = None) -> QuerySpec:
    """Parse, validate and describe a query file that serves one date grain (raises QueryFileError)."""
    specs = load_query_file(path, today=today)
    if len(specs) != 1:
        raise QueryFileError(f"the file serves {len(specs)} periods ({', '.join(s.period for s in specs)}); "
                             "load it with load_query_file", path)
    return specs[0]


def load_query_file(path: Path | str, *, today: date | None = None) -> list[QuerySpec]:
    """One validated query per date grain the file serves (``# periods``), else its single query."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta = _front_matter(text, path)
    if "periods" not in meta:
        placeholder = _placeholders(text, path)
        if placeholder:
            raise QueryFileError(f"{PERIOD_PLACEHOLDER} stands for a date grain; declare the grains with "
                                 "'# periods: DAY, WEEK, MONTH'", path, *placeholder[0][1])
        return [_load(path, text, meta, today)]
    if "period" in meta:
        raise QueryFileError("declare either period (one grain) or periods (several), not both",
                             path, meta["period"][1], 1)
    specs = []
    for grain in _grains(meta["periods"], path):
        grain_meta = _for_grain(meta, grain, path)
        try:
            specs.append(_load(path, _with_grain(text, grain, path), grain_meta, today))
        except QueryFileError as e:
            raise QueryFileError(f"period {grain}: {e.reason}", path, e.line, e.column) from None
    return specs


def _grains(periods: tuple[str, int], path: Path) -> list[str]:
    raw, line = periods
    grains = [g.strip() for g in raw.split(",") if g.strip()]
    unknown = [g for g in grains if g not in DATE_GRAINS]
    if unknown or not grains:
        raise QueryFileError(f"periods must list grains among {', '.join(DATE_GRAINS)}, got {raw!r}", path, line, 1)
    if len(set(grains)) != len(grains):
        raise QueryFileError(f"periods lists a grain twice: {raw!r}", path, line, 1)
    return grains


def _for_grain(meta: dict[str, tuple[str, int]], grain: str, path: Path) -> dict[str, tuple[str, int]]:
    """The front matter as one grain sees it: its own per-grain values, its period, its name."""
    out = {k: v for k, v in meta.items() if k != "periods"}
    out["period"] = (grain, meta["periods"][1])
    grains = _grains(meta["periods"], path)
    for key in PER_GRAIN_KEYS:
        if key not in meta:
            continue
        raw, line = meta[key]
        values: dict[str | None, str] = {}
        for item in (i.strip() for i in raw.split(",")):
            head, _, rest = item.partition(" ")
            which, value = (head, rest.strip()) if head in DATE_GRAINS else (None, item)
            if which is not None and which not in grains:
                raise QueryFileError(f"{key} gives a value for {which}, which periods does not list", path, line, 1)
            if which in values or not value:
                raise QueryFileError(f"{key} must give one value per grain (e.g. '7, DAY 3'), got {raw!r}",
                                     path, line, 1)
            values[which] = value
        if grain in values or None in values:
            out[key] = (values.get(grain, values.get(None)), line)
        else:
            del out[key]
    if "name" not in out:
        out["name"] = (f"{path.stem}_{grain.lower()}", 1)
    return out


def _placeholders(text: str, path: Path) -> list[tuple[tuple[int, int], tuple[int | None, int | None]]]:
    """(start, end) offsets and (line, column) of every ``PERIOD`` enum value in the query."""
    try:
        document = gql(text).document
    except GraphQLError as e:
        raise _located(e, path) from None
    found = []

    class Placeholders(Visitor):
        def enter_enum_value(self, node, *_):
            if node.value == PERIOD_PLACEHOLDER:
                found.append(((node.loc.start, node.loc.end), _position(node)))

    visit(document, Placeholders())
    return found


def _with_grain(text: str, grain: str, path: Path) -> str:
    """``text`` with each ``PERIOD`` enum value replaced by ``grain`` (lines stay where they were)."""
    for (start, end), _ in reversed(_placeholders(text, path)):
        text = text[:start] + grain + text[end:]
    return text


def _load(path: Path, text: str, meta: dict[str, tuple[str, int]], today: date | None) -> QuerySpec:
    """Parse, validate and describe one query text of ``path`` (raises QueryFileError)."""
    try:
        document = gql(text).document
    except GraphQLError as e:
        raise _located(e, path) from None
    target = schema_for(document)
    if target is None:
        raise QueryFileError(f"the query selects no Data Kiosk dataset; known: {', '.join(sorted(dataset_schemas()))}",
                             path, *_position(document.definitions[0] if document.definitions else None))
    schema_name, schema = target
    try:
        Client(schema=schema).validate(gql(text))
    except GraphQLError as e:
        raise _located(e, path) from None

    op, dataset_node = _single_dataset(document, schema_name, path)
    variables = tuple(v.variable.name.value for v in op.variable_definitions)
    unsupported = [v for v in variables if v not in SUPPORTED_VARIABLES]
    if unsupported:
        node = next(v for v in op.variable_definitions if v.variable.name.value == unsupported[0])
        raise QueryFileError(f"unsupported variable ${unsupported[0]}; the asset run supplies only "
                             + ", ".join(f"${v}" for v in SUPPORTED_VARIABLES), path, *_position(node))
    _check_literal_dates(document, path, today or date.today())
    size = len(minify(text))
    if size > MAX_QUERY_CHARS:
        raise QueryFileError(f"query is {size} characters once whitespace is removed; Data Kiosk accepts at most "
                             f"{MAX_QUERY_CHARS}", path, 1, 1)

    dataset_field = schema.query_type.fields[schema_name].type
    dataset_type = _named(dataset_field)
    field_def = dataset_type.fields[dataset_node.name.value]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    columns = tuple(_columns(_named(field_def.type), dataset_node.selection_set, fragments, ""))
    names = [c.name for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise QueryFileError(f"selected fields give duplicate column names {dupes}; use aliases", path,
                             *_position(dataset_node))
    spec = _spec(path, text, meta, schema_name, dataset_node.name.value, columns, variables,
                 _date_grain(dataset_node, path))
    day = today or date.today()
    render(spec, day, day, ["ATVPDKIKX0DER"])  # as sent: fragments inlined, literals in; raises if too long
    return spec


def _spec(path: Path, text: str, meta: dict[str, tuple[str, int]], schema_name: str, dataset: str,
          columns: tuple[Column, ...], variables: tuple[str, ...],
          grain: tuple[str, int] | None = None) -> QuerySpec:
    def meta_int(key: str, default: int) -> int:
        if key not in meta:
            return default
        raw, line = meta[key]
        if not raw.isdigit() or int(raw) < (1 if key in ("max_window_days", "max_periods") else 0):
            raise QueryFileError(f"{key} must be a whole number of days, got {raw!r}", path, line, 1)
        return int(raw)

    expected_account = "vendor" if "vendor" in schema_name.lower() else "seller"
    account, account_line = meta.get("account", (expected_account, 1))
    if account not in ACCOUNT_TYPES:
        raise QueryFileError(f"account must be one of {', '.join(ACCOUNT_TYPES)}, got {account!r}",
                             path, account_line, 1)
    if account != expected_account:
        raise QueryFileError(f"account: {account} does not match dataset {schema_name} "
                             f"(available to {expected_account} accounts)", path, account_line, 1)
    names = {c.name: c for c in columns}
    default_cursor = "start_date" if "start_date" in names else None
    cursor, cursor_line = meta.get("cursor", (default_cursor, 1))
    if cursor is not None and (cursor not in names or names[cursor].kind not in ("date", "timestamptz")):
        dates = [c.name for c in columns if c.kind in ("date", "timestamptz")]
        raise QueryFileError(f"cursor {cursor!r} is not a selected date column; selected date columns: {dates}",
                             path, cursor_line, 1)
    key_raw, key_line = meta.get("key", ("", 1))
    key = tuple(k.strip() for k in key_raw.split(",") if k.strip())
    missing = [k for k in key if k not in names]
    if missing:
        raise QueryFileError(f"key columns {missing} are not selected; columns: {sorted(names)}", path, key_line, 1)
    period, period_line = meta.get("period", (grain[0] if grain else "DAY", 1))
    if period not in DATE_GRAINS:
        raise QueryFileError(f"period must be one of {', '.join(DATE_GRAINS)}, got {period!r}", path, period_line, 1)
    description = meta.get("description", (f"Data Kiosk {schema_name}.{dataset}", 1))[0]
    description = description.replace("{period}", PERIOD_WORDS[period])
    name, name_line = meta.get("name", (path.stem, 1))
    if "name" in meta and not _NAME.match(name):
        raise QueryFileError(f"name must be lower_snake_case (it names the asset and table), got {name!r}",
                             path, name_line, 1)
    if grain and grain[0] != period:
        raise QueryFileError(f"the query aggregates by {grain[0]} (line {grain[1]}) but its period is {period}",
                             path, period_line, 1)
    return QuerySpec(
        name=name, path=path, text=text, schema=schema_name, dataset=dataset, account=account,
        description=description, cursor=cursor, key=key,
        max_window_days=meta_int("max_window_days", 30), lookback_days=meta_int("lookback_days", 3),
        columns=columns, variables=variables, period=period, max_periods=meta_int("max_periods", 1),
    )


def _date_grain(dataset_node: FieldNode, path: Path) -> tuple[str, int] | None:
    """The date granularity (and its line) the dataset field's arguments ask for:
    ``aggregateBy: WEEK``, ``dateAggregation: MONTH`` or ``aggregateBy: {date: WEEK, ...}``."""
    for arg in dataset_node.arguments or ():
        values = [arg.value]
        if isinstance(arg.value, ObjectValueNode):
            values = [f.value for f in arg.value.fields if f.name.value == "date"]
        for value in values:
            if isinstance(value, EnumValueNode) and value.value in DATE_GRAINS:
                return value.value, _position(value)[0] or 1
    return None


def _front_matter(text: str, path: Path) -> dict[str, tuple[str, int]]:
    """``# key: value`` lines before the first GraphQL token → {key: (value, line)}."""
    meta: dict[str, tuple[str, int]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _META_LINE.match(stripped)
        if not m:
            continue  # a plain comment
        key, value = m.groups()
        if key not in METADATA_KEYS:
            raise QueryFileError(f"unknown front-matter key {key!r}; allowed: {', '.join(METADATA_KEYS)}",
                                 path, lineno, 1)
        meta[key] = (value, lineno)
    return meta


def _single_dataset(document, schema_name: str, path: Path) -> tuple[OperationDefinitionNode, FieldNode]:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].operation != OperationType.QUERY:
        raise QueryFileError("a query file must hold exactly one query operation", path, *_position(ops[-1]))
    op = ops[0]
    roots = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
    if len(roots) != 1 or len(op.selection_set.selections) != 1:
        raise QueryFileError(f"select exactly one dataset ({schema_name}) at the top level",
                             path, *_position(op.selection_set))
    inner = roots[0].selection_set.selections
    if len(inner) != 1 or not isinstance(inner[0], FieldNode):
        raise QueryFileError(f"select exactly one field of {schema_name} (one list → one JSONL document → one "
                             "table); put the others in their own files", path, *_position(roots[0]))
    return op, inner[0]


def _check_literal_dates(document, path: Path, today: date) -> None:
    oldest = two_years_before(today)

    class Dates(Visitor):
        def enter_argument(self, node, *_):
            if node.name.value not in ("startDate", "endDate") or not isinstance(node.value, StringValueNode):
                return
            try:
                value = date.fromisoformat(node.value.value)
            except ValueError:
                raise QueryFileError(f"{node.name.value} {node.value.value!r} is not a date (YYYY-MM-DD)",
                                     path, *_position(node.value)) from None
            if node.name.value == "startDate" and value < oldest:
                raise QueryFileError(f"startDate {value} is more than two years back (oldest allowed on "
                                     f"{today}: {oldest})", path, *_position(node.value))

    visit(document, Dates())


def _position(node) -> tuple[int | None, int | None]:
    if node is None or node.loc is None:
        return None, None
    loc = node.loc.source.get_location(node.loc.start)
    return loc.line, loc.column


def _located(error: GraphQLError, path: Path) -> QueryFileError:
    line, column = (error.locations[0].line, error.locations[0].column) if error.locations else (None, None)
    return QueryFileError(error.message, path, line, column)


# ---- columns -----------------------------------------------------------------------

def _named(gtype):
    while isinstance(gtype, (GraphQLNonNull, GraphQLList)):
        gtype = gtype.of_type
    return gtype


def _fields(selection_set: SelectionSetNode | None, fragments: dict) -> Iterable[FieldNode]:
    """Fields of a selection set with fragments expanded (datasets have no interfaces/unions)."""
    for sel in selection_set.selections if selection_set else ():
        if isinstance(sel, FieldNode):
            yield sel
        elif isinstance(sel, InlineFragmentNode):
            yield from _fields(sel.selection_set, fragments)
        elif isinstance(sel, FragmentSpreadNode):
            yield from _fields(fragments[sel.name.value].selection_set, fragments)


def _is_money(parent: GraphQLObjectType, field_name: str) -> bool:
    return field_name == "amount" and "currencyCode" in parent.fields


def _leaf(parent: GraphQLObjectType, field_name: str, gtype) -> tuple[str, str]:
    if _is_money(parent, field_name):
        return _MONEY
    if isinstance(gtype, GraphQLEnumType):
        return _SCALARS["String"]
    return _SCALARS.get(gtype.name, _SCALARS["String"])


def _columns(parent: GraphQLObjectType, selection_set, fragments: dict, prefix: str) -> Iterable[Column]:
    """Flatten a selection into columns: objects by dotted path, lists as one DuckDB LIST column."""
    for node in _fields(selection_set, fragments):
        if node.name.value == "__typename":
            continue
        key = node.alias.value if node.alias else node.name.value  # JSON key = response key
        source = f"{prefix}{key}"
        ftype = parent.fields[node.name.value].type
        named = _named(ftype)
        if _has_list(ftype):
            yield Column(source, f"duckdb:{_duckdb_type(parent, node, ftype, fragments)}")
        elif isinstance(named, GraphQLObjectType):
            yield from _columns(named, node.selection_set, fragments, source + ".")
        else:
            yield Column(source, _leaf(parent, node.name.value, named)[0])


def _has_list(gtype) -> bool:
    while isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    return isinstance(gtype, GraphQLList)


def _duckdb_type(parent: GraphQLObjectType, node: FieldNode, gtype, fragments: dict) -> str:
    """Exact DuckDB type of a selected field: ``STRUCT("a" VARCHAR, "b" DOUBLE)[]`` etc."""
    if isinstance(gtype, GraphQLNonNull):
        return _duckdb_type(parent, node, gtype.of_type, fragments)
    if isinstance(gtype, GraphQLList):
        return _duckdb_type(parent, node, gtype.of_type, fragments) + "[]"
    if isinstance(gtype, GraphQLObjectType):
        members = []
        for child in _fields(node.selection_set, fragments):
            if child.name.value == "__typename":
                continue
            key = child.alias.value if child.alias else child.name.value
            members.append(f'"{key}" {_duckdb_type(gtype, child, gtype.fields[child.name.value].type, fragments)}')
        return f"STRUCT({', '.join(members)})"
    if isinstance(gtype, (GraphQLScalarType, GraphQLEnumType)):
        return _leaf(parent, node.name.value, gtype)[1]
    raise TypeError(f"unsupported GraphQL type {gtype}")


# ---- run time ------------------------------------------------------------------------

def check_window(spec: QuerySpec, start: date, end: date, today: date | None = None) -> None:
    """Raise QueryWindowError if Data Kiosk would reject ``[start, end]`` (both inclusive) on ``today``,
    or (WEEK/MONTH queries) if it would shift the window to whole periods."""
    today = today or date.today()
    if end < start:
        raise QueryWindowError(f"window end {end} is before its start {start}", spec.path)
    oldest = two_years_before(today)
    if start < oldest:
        raise QueryWindowError(f"startDate {start} is more than two years back (Data Kiosk rejects it); the "
                               f"oldest start allowed on {today} is {oldest}", spec.path)
    if spec.period != "DAY":
        first, after = datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)
        try:
            periods = len(list(period_windows(first, after, spec.period, 1)))
        except ValueError as exc:
            raise QueryWindowError(f"window {start}..{end}: {exc}", spec.path) from None
        if periods > spec.max_periods:
            raise QueryWindowError(f"window {start}..{end} is {periods} {spec.period.lower()}s; this query allows "
                                   f"at most {spec.max_periods} (max_periods)", spec.path)
        return
    days = (end - start).days + 1
    if days > spec.max_window_days:
        raise QueryWindowError(f"window {start}..{end} is {days} days; this query allows at most "
                               f"{spec.max_window_days} (max_window_days)", spec.path)


def render(spec: QuerySpec, start: date, end: date, marketplace_ids: Sequence[str] = ()) -> str:
    """The query text to send to createQuery: variables replaced by literals, named
    fragments expanded in place (the plainest GraphQL), minified.

    ``start`` and ``end`` are Data Kiosk's ``startDate``/``endDate``, both inclusive.
    """
    values = {"startDate": StringValueNode(value=start.isoformat()),
              "endDate": StringValueNode(value=end.isoformat()),
              "marketplaceIds": ListValueNode(values=tuple(StringValueNode(value=m) for m in marketplace_ids))}
    if spec.takes_marketplaces and not marketplace_ids:
        raise QueryFileError(f"{spec.name} needs at least one marketplace id", spec.path)

    class Inline(Visitor):
        def enter_variable_definition(self, *_):
            return REMOVE

        def enter_variable(self, node, *_):
            return values[node.name.value]

        def leave_operation_definition(self, node, *_):
            if node.variable_definitions:
                node = copy(node)
                node.variable_definitions = ()
            return node

    document = visit(gql(spec.text).document, Inline())
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    ops = [_inline_fragments(d, fragments) for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    text = minify(print_ast(DocumentNode(definitions=tuple(ops))))
    if len(text) > MAX_QUERY_CHARS:
        raise QueryFileError(f"rendered query is {len(text)} characters; Data Kiosk accepts at most "
                             f"{MAX_QUERY_CHARS}", spec.path)
    return text


def _inline_fragments(node, fragments: dict):
    """A copy of ``node`` whose selection sets have every ``...Fragment`` spread replaced by its fields."""
    if getattr(node, "selection_set", None) is None:
        return node
    selections = []
    for sel in node.selection_set.selections:
        if isinstance(sel, FragmentSpreadNode):
            inlined = _inline_fragments(fragments[sel.name.value], fragments)
            selections.extend(inlined.selection_set.selections)
        else:
            selections.append(_inline_fragments(sel, fragments))
    out = copy(node)
    out.selection_set = SelectionSetNode(selections=tuple(selections))
    return out
