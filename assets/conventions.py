"""What every asset carries for the people who run it: its owners, and a code
reference to the file that declares it.

A source's declaration is its catalog entry (``pipelines/catalog/<family>.py``,
at the entry's line) or its Data Kiosk query file (``queries/datakiosk/*.graphql``);
a model's is its ``queries/models/*.sql`` file. An asset written by hand (the
unit costs, the BI copy) is declared by its own function, which
``with_source_code_references`` finds. With ``SPAPI_GIT_URL`` set (a GitHub or
GitLab repository; ``SPAPI_GIT_BRANCH``, default ``main``), the references link
to that repository instead of local files, for a deployment whose UI cannot
open the files.

Owners: ``team:analytics-engineering`` (the people who run this connector and
answer for its tables), or the comma-separated owners in ``SPAPI_ASSET_OWNERS``.

>>> asset_owners({"SPAPI_ASSET_OWNERS": "team:brand-a, ana@example.com"})
['team:brand-a', 'ana@example.com']
>>> asset_owners({"SPAPI_ASSET_OWNERS": "brand-a"})
Traceback (most recent call last):
...
pipelines.spapi.errors.ConfigError: SPAPI_ASSET_OWNERS: 'brand-a' is not an owner; use an email address or a team name prefixed with 'team:' (team:brand-a)
"""
from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import warnings
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from dagster import (
    AnchorBasedFilePathMapping,
    AssetsDefinition,
    BetaWarning,
    CodeReferencesMetadataValue,
    LocalFileCodeReference,
    link_code_references_to_git,
    with_source_code_references,
)

import pipelines.catalog
from pipelines.catalog import CATALOG, ReportEntry
from pipelines.datakiosk_queries import DEFAULT_QUERY_DIR, load_queries
from pipelines.models import load_models
from pipelines.spapi.errors import ConfigError

DEFAULT_OWNER = "team:analytics-engineering"
OWNERS_VAR = "SPAPI_ASSET_OWNERS"
GIT_URL_VAR = "SPAPI_GIT_URL"
GIT_BRANCH_VAR = "SPAPI_GIT_BRANCH"
CODE_REFERENCES = "dagster/code_references"
ROOT = Path(__file__).resolve().parent.parent
# Dagster's own rule for an owner: an email address, or a team name prefixed with "team:".
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,7}")


def asset_owners(env: Mapping[str, str] | None = None) -> list[str]:
    """The owners of every asset: ``SPAPI_ASSET_OWNERS``, or the default team."""
    env = os.environ if env is None else env
    owners = [o.strip() for o in env.get(OWNERS_VAR, "").split(",") if o.strip()] or [DEFAULT_OWNER]
    for owner in owners:
        if not (_EMAIL.fullmatch(owner) or (owner.startswith("team:") and len(owner) > len("team:"))):
            raise ConfigError(f"{OWNERS_VAR}: {owner!r} is not an owner; use an email address or a team name "
                              f"prefixed with 'team:' (team:{owner.split('@')[0]})")
    return owners


def with_conventions(assets: Sequence[AssetsDefinition], queries_dir: Path | None = None,
                     env: Mapping[str, str] | None = None) -> list[AssetsDefinition]:
    """``assets`` with the owners and a code reference to their declaration."""
    env = os.environ if env is None else env
    owners = asset_owners(env)
    with warnings.catch_warnings():  # code references are beta in Dagster 1.13; we rely on them deliberately
        warnings.simplefilter("ignore", BetaWarning)
        declared = declarations(queries_dir or DEFAULT_QUERY_DIR)
        result = []
        for a in assets:
            a = a.map_asset_specs(lambda spec: spec.merge_attributes(owners=owners))
            if all(k.to_user_string() in declared for k in a.keys):
                a = a.map_asset_specs(lambda spec: spec.merge_attributes(metadata={CODE_REFERENCES: (
                    CodeReferencesMetadataValue(code_references=[declared[spec.key.to_user_string()]]))}))
            else:  # a hand-written asset: its function is its declaration
                [a] = with_source_code_references([a])
            result.append(a)
        if env.get(GIT_URL_VAR):
            if not re.match(r"https://[^/]*(github|gitlab)[^/]*/\S+", env[GIT_URL_VAR]):
                raise ConfigError(f"{GIT_URL_VAR}={env[GIT_URL_VAR]!r} is not a GitHub or GitLab repository URL, "
                                  f"e.g. https://github.com/your-org/spapi-duckdb")
            result = link_code_references_to_git(
                result, git_url=env[GIT_URL_VAR].rstrip("/"), git_branch=env.get(GIT_BRANCH_VAR) or "main",
                file_path_mapping=AnchorBasedFilePathMapping(local_file_anchor=ROOT / "pyproject.toml",
                                                             file_anchor_path_in_repository="pyproject.toml"))
    return list(result)


def declarations(queries_dir: Path) -> dict[str, LocalFileCodeReference]:
    """Where each table's asset is declared: catalog entries (every table of an
    entry), Data Kiosk query files, model files."""
    refs = {}
    for e in CATALOG:
        ref = catalog_reference(e)
        refs.update((t, ref) for t in e.tables)
    for q in load_queries(queries_dir):
        refs[q.table] = _reference(q.path, label="Data Kiosk query")
    for m in load_models():
        if m.path is not None:
            refs[m.name] = _reference(m.path, label="model SQL")
    return refs


def catalog_reference(entry: ReportEntry) -> LocalFileCodeReference:
    """The catalog module listing ``entry`` in its ENTRIES, at the call that names it."""
    for module in _catalog_modules():
        if any(e is entry for e in getattr(module, "ENTRIES", ())):
            path = Path(module.__file__).resolve()
            return _reference(path, _naming_line(path, entry.name), label="catalog entry")
    raise LookupError(f"catalog entry {entry.name!r} is in no pipelines/catalog module's ENTRIES")


def _reference(path: Path, line: int | None = None, label: str | None = None) -> LocalFileCodeReference:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BetaWarning)
        return LocalFileCodeReference(file_path=str(path.resolve()), line_number=line, label=label)


@cache
def _catalog_modules() -> tuple:
    return tuple(importlib.import_module(f"pipelines.catalog.{m.name}")
                 for m in pkgutil.iter_modules(pipelines.catalog.__path__))


@cache
def _naming_line(path: Path, name: str) -> int | None:
    """The line of the first call in ``path`` given ``name`` (as ``name=`` or positionally)."""
    calls = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call)]
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        values = [k.value for k in call.keywords if k.arg == "name"] + list(call.args)
        if any(isinstance(v, ast.Constant) and v.value == name for v in values):
            return call.lineno
    return None
