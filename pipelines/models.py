"""Modeled tables: one ``queries/models/<name>.sql`` file per table.

Each file is a single SELECT in DuckDB's dialect. sqlglot parses it and finds
the tables it reads; those become the model's upstream assets (raw tables or
other models). Building a model replaces the table in one transaction.

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
        return cls(name=name, sql=sql.strip().rstrip(";"), deps=deps, description=_description(sql), path=path)


def _description(sql: str) -> str:
    """The leading ``--`` comment block of a model file."""
    lines = []
    for line in sql.strip().splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def load_models(folder: Path = MODELS_DIR) -> list[Model]:
    models = [Model.from_sql(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(folder.glob("*.sql"))]
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
