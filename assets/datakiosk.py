"""One Dagster asset per Data Kiosk query in ``queries/datakiosk/`` (per date grain a file serves).

Partitions are account × each query's ``period`` (days, Sunday-to-Saturday
weeks or calendar months). Query files are validated against the official dataset schema when definitions
load, so a bad query fails here, naming its file, line and field, before any
API call. Vendor-only queries are built only for vendor accounts
(``SPAPI_ACCOUNT_TYPE=vendor``).
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, asset

from assets.common import (
    API_POOL,
    RunScope,
    backfill_policy,
    configured_accounts,
    key_check_spec,
    materialize_result,
    resume_key,
    run_accounts,
    run_window,
    source_partitions,
)
from pipelines.config import Settings
from pipelines.datakiosk_queries import QuerySpec, load_queries
from pipelines.resources import SpApiResource, WarehouseResource
from pipelines.sync import sync_query_window


def query_asset(spec: QuerySpec, settings: Settings) -> AssetsDefinition:
    table = spec.table

    @asset(
        name=table,
        group_name="datakiosk",
        description=f"{spec.description}\n\nData Kiosk query `{spec.path.name}` → DuckDB table `{table}`.",
        kinds={"amazon", "graphql", "duckdb"},
        pool=API_POOL,
        partitions_def=source_partitions(settings, (spec.account,), spec.period),
        backfill_policy=backfill_policy(spec.partitions_per_request),
        metadata={"query_file": spec.path.name, "table": table, "key": list(spec.key),
                  "lookback_days": spec.lookback_days, "max_window_days": spec.max_window_days,
                  "period": spec.period},
        tags={"spapi/api": "datakiosk"},
        check_specs=key_check_spec(table, spec.key),
    )
    def _query(context: AssetExecutionContext, spapi: SpApiResource, warehouse: WarehouseResource) -> MaterializeResult:
        start, end = run_window(context)
        accounts = configured_accounts(run_accounts(context), spapi.settings)
        context.log.info(f"Data Kiosk {spec.name}: {start:%Y-%m-%d}..{end:%Y-%m-%d} for {', '.join(accounts)} "
                         f"({spapi.source})")

        def sync(api):
            return sync_query_window(spec, api.datakiosk(), api.target, api.account.marketplace_ids, start, end,
                                     resume_key=resume_key(context))
        result = spapi.for_each_account(spec.account, warehouse, sync, accounts)
        return materialize_result(result, warehouse.warehouse(), spapi.source, key=spec.key,
                                  scope=RunScope(accounts, start, end),
                                  query_ids=result.requests, pages=result.pages)

    return _query


def query_assets(settings: Settings, folder: Path | None = None) -> list[AssetsDefinition]:
    specs = load_queries(folder) if folder else load_queries()
    return [query_asset(s, settings) for s in specs if s.account in settings.account_types]
