"""Modeled tables: one ``queries/models/<name>.sql`` file per table.

Each file is a single SELECT in DuckDB's dialect. sqlglot parses it and finds
the tables it reads; those become the model's upstream assets (raw tables or
other models). Building a model replaces the table in one transaction.

A file starts with a header naming its grain, its key (the columns that are
unique and never null in every row; the model's checks test them) and the
question it answers::

    -- grain: one row per order item
    -- key: account, amazon_order_id, sku
    -- question: What is the latest state of every order item?

>>> m = Model.from_sql("daily", "SELECT d FROM raw_x JOIN orders USING (k) WHERE d IN (SELECT d FROM cte_src)")
>>> sorted(m.deps)
['cte_src', 'orders', 'raw_x']
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

MODELS_DIR = Path(__file__).resolve().parent.parent / "queries" / "models"


class ModelError(ValueError):
    """A model file that cannot be used: names the file and what is wrong."""


@dataclass(frozen=True)
class Model:
    name: str
    sql: str
    deps: frozenset[str]
    description: str = ""
    path: Path | None = None
    key: tuple[str, ...] = ()

    @classmethod
    def from_sql(cls, name: str, sql: str, path: Path | None = None) -> "Model":
        where = path or name
        try:
            statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
        except sqlglot.errors.ParseError as exc:
            raise ModelError(f"{where}: not valid DuckDB SQL: {exc}") from None
        if len(statements) != 1 or not isinstance(statements[0], exp.Query):
            raise ModelError(f"{where}: a model file must hold exactly one SELECT statement")
        tree = statements[0]
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        deps = frozenset(t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes)
        if name in deps:
            raise ModelError(f"{where}: model {name!r} reads itself")
        return cls(name=name, sql=sql.strip().rstrip(";"), deps=deps, description=_description(sql), path=path,
                   key=_key(sql))


def _header(sql: str) -> list[str]:
    """The leading ``--`` comment lines of a model file, without the dashes."""
    lines = []
    for line in sql.strip().splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return lines


def _description(sql: str) -> str:
    r"""The header without its ``key:`` line (grain, question and any notes).

    >>> _description("-- grain: one row per day\n-- key: day\n-- question: How many?\nSELECT 1")
    'grain: one row per day question: How many?'
    """
    return " ".join(line for line in _header(sql) if not line.startswith("key:"))


def _key(sql: str) -> tuple[str, ...]:
    r"""The columns of the header's ``-- key: a, b`` line; () without one.

    >>> _key("-- grain: one row per sku\n-- key: account, sku\nSELECT 1")
    ('account', 'sku')
    """
    for line in _header(sql):
        if line.startswith("key:"):
            return tuple(c.strip() for c in line[len("key:"):].split(",") if c.strip())
    return ()


def load_models(folder: Path = MODELS_DIR) -> list[Model]:
    models = [Model.from_sql(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(folder.glob("*.sql"))]
    for m in models:
        if not m.key:
            raise ModelError(f"{m.path or m.name}: the header needs a '-- key: col_a, col_b' line naming the "
                             f"columns that identify one row (the model's unique and not-null checks test them)")
    names = {m.name for m in models}
    for m in models:
        _check_acyclic(m, {x.name: x for x in models}, ())
    assert len(names) == len(models)
    return models


def _check_acyclic(model: Model, by_name: dict[str, Model], path: tuple[str, ...]) -> None:
    if model.name in path:
        raise ModelError(f"models form a cycle: {' -> '.join(path + (model.name,))}")
    for dep in model.deps:
        if dep in by_name:
            _check_acyclic(by_name[dep], by_name, path + (model.name,))


def build_model(warehouse, model: Model) -> int:
    """Rebuild ``model`` in one transaction; returns its row count."""
    return warehouse.replace_table(model.name, model.sql)
