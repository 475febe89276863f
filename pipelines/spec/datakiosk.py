"""What the official Data Kiosk dataset schemas state, read with graphql-core.

Neutral ground for the query compiler and the sandbox: the schemas
themselves, the minified form whose length Data Kiosk limits, how long
Data Kiosk keeps a query's results (``@resultRetention``), and the documented
"no more than two years ago" start-date rule.

>>> sorted(dataset_schemas())[0]
'analytics_economics_2024_03_15'
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from graphql import FieldNode, GraphQLSchema, OperationDefinitionNode, build_schema, parse
from graphql.language import Visitor, visit
from graphql.utilities import TypeInfo, TypeInfoVisitor, strip_ignored_characters

from pipelines.spec import SPEC_DIR

# The schemas' startDate descriptions: "... must be no more than two years ago".
MAX_YEARS_BACK = 2


@lru_cache(maxsize=None)
def dataset_schemas(schema_dir: Path = SPEC_DIR) -> dict[str, GraphQLSchema]:
    """The official dataset schemas keyed by their single root field."""
    out = {}
    for sdl in sorted(schema_dir.glob("*.graphql")):
        schema = build_schema(sdl.read_text(encoding="utf-8"))
        for root in schema.query_type.fields:
            out[root] = schema
    return out


def schema_for(document, schemas: dict[str, GraphQLSchema] | None = None) -> tuple[str, GraphQLSchema] | None:
    """The (root field, schema) a parsed query targets, from its first top-level field."""
    schemas = dataset_schemas() if schemas is None else schemas
    for op in document.definitions:
        if isinstance(op, OperationDefinitionNode):
            for sel in op.selection_set.selections:
                if isinstance(sel, FieldNode) and sel.name.value in schemas:
                    return sel.name.value, schemas[sel.name.value]
    return None


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration (years as 365 days, months as 30).

    >>> parse_duration("P30D"), parse_duration("PT12H")
    (datetime.timedelta(days=30), datetime.timedelta(seconds=43200))
    """
    m = _DURATION.match(text or "")
    if not m or not any(m.groups()):
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    y, mo, w, d, h, mi, sec = (int(g or 0) for g in m.groups())
    return timedelta(days=365 * y + 30 * mo + 7 * w + d, hours=h, minutes=mi, seconds=sec)


def retention(query_text: str) -> timedelta | None:
    """How long Data Kiosk keeps this query and its documents: the shortest
    ``@resultRetention`` of the fields it selects (None if none says)."""
    document = parse(query_text)
    target = schema_for(document)
    if target is None:
        return None
    info = TypeInfo(target[1])
    found: list[timedelta] = []

    class Retentions(Visitor):
        def enter_field(self, node, *_):
            field = info.get_field_def()
            for directive in getattr(getattr(field, "ast_node", None), "directives", None) or ():
                if directive.name.value == "resultRetention":
                    for arg in directive.arguments:
                        if arg.name.value == "duration":
                            found.append(parse_duration(arg.value.value))

    visit(document, TypeInfoVisitor(info, Retentions()))
    return min(found) if found else None


def minify(text: str) -> str:
    """The query with comments, commas and unnecessary whitespace removed: the
    form whose length Data Kiosk limits (graphql-core's strip_ignored_characters).

    >>> minify('query { a(x: 1, y: "b c", z: ["d", "e"]) # note\\n { f g } }')
    'query{a(x:1 y:"b c" z:["d" "e"]){f g}}'
    """
    return strip_ignored_characters(text)


def two_years_before(today: date) -> date:
    """The oldest start date Data Kiosk accepts on ``today``.

    >>> two_years_before(date(2026, 3, 1)), two_years_before(date(2028, 2, 29))
    (datetime.date(2024, 3, 1), datetime.date(2026, 2, 28))
    """
    try:
        return today.replace(year=today.year - MAX_YEARS_BACK)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MAX_YEARS_BACK, day=28)
