"""One Dagster asset per modeled table in ``queries/models/*.sql``.

A model's upstream assets are the tables its SQL reads (found by sqlglot), so
adding a model is adding a file. Models rebuild whole, eagerly after their
upstreams change (with Dagster's automation sensor on), or when materialized.
"""

from collections.abc import Iterable

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, AutomationCondition, MaterializeResult, asset

from assets.common import materialize_result
from pipelines.models import Model, ModelError, build_model, load_models
from pipelines.resources import WarehouseResource
from pipelines.sync import SyncResult


def model_asset(model: Model) -> AssetsDefinition:
    @asset(
        name=model.name,
        group_name="models",
        description=model.description or None,
        kinds={"sql", "duckdb"},
        deps=[AssetKey(d) for d in sorted(model.deps)],
        automation_condition=AutomationCondition.eager(),
        metadata={"model_file": model.path.name if model.path else model.name, "reads": sorted(model.deps)},
    )
    def _model(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        wh = warehouse.warehouse()
        rows = build_model(wh, model)
        context.log.info(f"model {model.name}: {rows} rows")
        result = SyncResult(model.name, rows=rows)
        return materialize_result(result, wh, source="model")

    return _model


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
    available = set(built)
    chosen: list[Model] = []
    for m in sorted(models, key=lambda m: _depth(m, {x.name: x for x in models})):
        if m.deps <= available:
            chosen.append(m)
            available.add(m.name)
    return [model_asset(m) for m in chosen]


def _depth(model: Model, by_name: dict[str, Model]) -> int:
    return 1 + max((_depth(by_name[d], by_name) for d in model.deps if d in by_name), default=0)
