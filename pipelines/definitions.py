"""The Dagster code location: every asset, resource and schedule.

Assets come from three declarations: the report catalog (pipelines/catalog.py),
the Data Kiosk query files (queries/datakiosk/*.graphql) and the model files
(queries/models/*.sql). Loading this module validates all of them.
"""
from __future__ import annotations

from pathlib import Path

from dagster import Definitions

from assets.accounts import accounts_sensor
from assets.conventions import with_conventions
from assets.datakiosk import query_assets
from assets.freshness import freshness_checks, freshness_sensor
from assets.listed_reports import listed_report_definitions
from assets.models import model_assets
from assets.reports import report_assets
from assets.schedules import daily_sync_schedule
from assets.unit_costs import unit_costs_asset
from pipelines.catalog import CATALOG
from pipelines.config import Settings
from pipelines.datakiosk_queries import DEFAULT_QUERY_DIR, load_queries
from pipelines.resources import SpApiResource, WarehouseResource


def build_definitions(settings: Settings | None = None, queries_dir: Path | None = None) -> Definitions:
    """Every asset, resource and schedule; ``queries_dir`` overrides queries/datakiosk."""
    settings = settings or Settings.from_env()
    sources = report_assets(settings) + query_assets(settings, queries_dir)
    listed, listed_sensors = listed_report_definitions(settings)  # settlements: a partition per report
    queries = load_queries(queries_dir or DEFAULT_QUERY_DIR)
    # files the user maintains: unit costs are per seller SKU
    inputs = [unit_costs_asset(settings)] if "seller" in settings.account_types else []
    declared = [t for e in CATALOG for t in e.tables] + [q.table for q in queries] + ["unit_costs"]
    models = model_assets((k.to_user_string() for a in sources + listed + inputs for k in a.keys), declared)
    freshness = freshness_checks(sources + listed)
    return Definitions(
        assets=with_conventions([*sources, *listed, *inputs, *models], queries_dir),
        asset_checks=freshness,
        resources={"spapi": spapi_resource(settings),
                   "warehouse": WarehouseResource(path=str(settings.warehouse_path))},
        schedules=[daily_sync_schedule(sources, settings)],
        sensors=[freshness_sensor(freshness), accounts_sensor(settings), *listed_sensors],
    )


def spapi_resource(settings: Settings) -> SpApiResource:
    """The SP-API resource holding the settings the partitions were built from; it
    parses its fields with the same rules, so anything else would be a bug."""
    spapi = SpApiResource.holding(settings)
    if spapi.settings != settings:
        raise ValueError(f"the SP-API resource's settings {spapi.settings} differ from the definitions' {settings}: "
                         f"build the definitions from the environment's settings (Settings.from_env())")
    return spapi


defs = build_definitions()
