"""The ``unit_costs`` asset: the user's unit cost CSV as a table models join for COGS and margin."""

from dagster import AssetExecutionContext, AssetsDefinition, AutomationCondition, MaterializeResult, asset

from assets.common import materialize_result
from pipelines.config import Settings
from pipelines.resources import WarehouseResource
from pipelines.sync import SyncResult
from pipelines.unit_costs import TABLE, UNIT_COSTS_VAR, load_unit_costs, unit_costs_path, write_unit_costs


def unit_costs_asset(settings: Settings) -> AssetsDefinition:
    """Loads the file ``SPAPI_UNIT_COSTS`` names (read at run time); a bad row fails
    the run naming file, line and column, and leaves the previous table in place."""

    @asset(
        name=TABLE,
        group_name="models",
        description=f"Unit costs per SKU, marketplace and start day from the CSV in {UNIT_COSTS_VAR} "
                    "(default data/unit_costs.csv; the sandbox uses queries/unit_costs.sample.csv). "
                    "Materialize it after editing the file; no file gives an empty table.",
        kinds={"csv", "duckdb"},
        # Built once when missing (so the models that join it can build), then daily.
        automation_condition=AutomationCondition.eager() | AutomationCondition.on_cron("0 0 * * *"),
    )
    def _unit_costs(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        path = unit_costs_path(settings.sandbox)
        costs = load_unit_costs(path)
        wh = warehouse.warehouse()
        rows = write_unit_costs(wh, costs)
        context.log.info(f"unit costs: {rows} rows from {path}" + ("" if path.exists() else " (no such file)"))
        return materialize_result(SyncResult(TABLE, rows=rows), wh, source="csv", file=str(path))

    return _unit_costs
