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


def model_asset(model: Model, known: set[str]) -> AssetsDefinition:
    unknown = sorted(model.deps - known)
    if unknown:
        raise ModelError(f"{model.path or model.name}: reads {', '.join(unknown)}, which no asset produces "
                         f"(known tables: {', '.join(sorted(known))})")

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


def model_assets(upstream_names: Iterable[str]) -> list[AssetsDefinition]:
    models = load_models()
    known = set(upstream_names) | {m.name for m in models}
    return [model_asset(m, known) for m in models]
