"""One Dagster asset per modeled table in ``queries/models/*.sql``.

A model's upstream assets are the tables its SQL reads (found by sqlglot), so
adding a model is adding a file. Models rebuild whole, after any upstream
partition lands (with Dagster's automation sensor on), or when materialized;
``bi_snapshot`` follows the models.
"""

import time
from collections.abc import Iterable
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AutomationCondition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.common import table_metadata
from assets.model_checks import ModelCheck, key_checks, model_checks
from pipelines.models import Model, ModelError, build_model, load_models
from pipelines.resources import WarehouseResource
from pipelines.warehouse import publish_path
from pipelines.warehouse.lake import redact


ROOT = Path(__file__).resolve().parent.parent


def _a_dep_never_landed() -> AutomationCondition:
    landed = ~AutomationCondition.missing() | AutomationCondition.will_be_requested()
    return (~AutomationCondition.all_deps_match(landed)).with_label("a_dep_never_landed")


# eager() waits until no partition of any upstream is missing, which never happens when the
# history starts later than SPAPI_START_DATE; a model only needs each upstream table to exist.
AFTER_ANY_UPSTREAM = AutomationCondition.eager().replace(
    "any_deps_missing", _a_dep_never_landed()).with_label("eager_with_partial_history")
# The BI copy publishes the models built so far, so it need not wait for one that is not.
AFTER_ANY_MODEL = AutomationCondition.eager().without(
    ~AutomationCondition.any_deps_missing()).with_label("eager_allow_missing")


def model_asset(model: Model, checks: list[ModelCheck] | None = None) -> AssetsDefinition:
    """The asset that rebuilds ``model``, then runs its ``checks`` (assets/model_checks.py)."""
    checks = key_checks(model) if checks is None else checks

    @asset(
        name=model.name,
        group_name="models",
        description=model.description or None,
        kinds={"sql", "duckdb"},
        deps=[AssetKey(d) for d in sorted(model.deps)],
        automation_condition=AFTER_ANY_UPSTREAM,
        metadata={"model_file": model.path.name if model.path else model.name, "reads": sorted(model.deps),
                  "key": list(model.key)},
        check_specs=[c.spec() for c in checks],
    )
    def _model(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        wh = warehouse.warehouse()
        started = time.monotonic()
        rows = build_model(wh, model)
        context.log.info(f"model {model.name}: {rows} rows")
        return MaterializeResult(metadata=model_metadata(wh, model, rows, time.monotonic() - started),
                                 check_results=[c.run(wh) for c in checks])

    return _model


def model_metadata(warehouse, model: Model, rows: int, seconds: float) -> dict:
    """A built model's rows, columns and preview, its SQL file and how long it took to build
    (no requests or windows: those are a source's)."""
    path = model.path.resolve() if model.path else None
    file = str(path.relative_to(ROOT)) if path and path.is_relative_to(ROOT) else str(path or model.name)
    return {**table_metadata(warehouse, model.name, rows), "model_file": MetadataValue.path(file),
            "duration_seconds": round(seconds, 3)}


def publish_asset(models: list[AssetsDefinition]) -> AssetsDefinition:
    """The BI copy: every modeled table built so far in a separate DuckDB file that
    BI tools open read-only, swapped in atomically, so they never block a sync."""
    names = [m.key.to_user_string() for m in models]

    @asset(
        name="bi_snapshot",
        group_name="models",
        description="Copies the modeled tables into `<warehouse>_bi.duckdb` (e.g. data/sandbox_bi.duckdb) "
                    "for BI tools; the swap is atomic and never blocks the warehouse's writers. On a DuckLake "
                    "(WAREHOUSE_URL) nothing is copied: BI tools attach the lake read-only.",
        kinds={"duckdb"},
        deps=[m.key for m in models],
        automation_condition=AFTER_ANY_MODEL,
    )
    def _publish(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        wh = warehouse.warehouse()
        built = [n for n in names if wh.exists(n)]
        if wh.lake:  # BI tools read the lake itself while syncs write: no serving copy
            counts = {n: wh.row_count(n) for n in built}
            attach = redact(wh.lake.attach_sql(read_only=True))
            context.log.info(f"{len(counts)} modeled tables in {wh.lake}; BI tools attach it: {attach}")
            return MaterializeResult(metadata={"lake": str(wh.lake), "attach": attach,
                                               "tables": MetadataValue.json(counts),
                                               "dagster/row_count": sum(counts.values())})
        counts = wh.publish(built)
        context.log.info(f"published {len(counts)} tables to {publish_path(wh.path)}")
        return MaterializeResult(metadata={"file": str(publish_path(wh.path)), "tables": MetadataValue.json(counts),
                                           "dagster/row_count": sum(counts.values())})

    return _publish


def model_assets(built: Iterable[str], declared: Iterable[str]) -> list[AssetsDefinition]:
    """Models whose upstream tables are built for this account (models over
    seller reports are left out for a vendor account). A model reading a table
    that no declaration produces at all is an error naming the file."""
    models = load_models()
    names = {m.name for m in models}
    declared = set(declared) | names
    for m in models:
        unknown = sorted(m.deps - declared)
        if unknown:
            raise ModelError(f"{m.path or m.name}: reads {', '.join(unknown)}, which no asset produces "
                             f"(known tables: {', '.join(sorted(declared))})")
    built = set(built)
    available = set(built)
    chosen: list[Model] = []
    for m in sorted(models, key=lambda m: _depth(m, {x.name: x for x in models})):
        if m.deps <= available:
            chosen.append(m)
            available.add(m.name)
    assets = [model_asset(m, model_checks(m, built)) for m in chosen]
    return assets + [publish_asset(assets)] if assets else []


def _depth(model: Model, by_name: dict[str, Model]) -> int:
    return 1 + max((_depth(by_name[d], by_name) for d in model.deps if d in by_name), default=0)
