"""Every raw source has a freshness check with the age its schedule allows; a
source that landed recently passes it, one that never landed fails it."""
from __future__ import annotations

from datetime import timedelta

from dagster import AssetMaterialization, AssetSelection, DagsterInstance, Definitions, define_asset_job

from assets.freshness import ALLOWED_AGE, allowed_age
from assets.schedules import source_key


def _sources(defs):
    """Every source asset (one per report or query, child tables included), by its key."""
    return {source_key(a).to_user_string(): a for a in defs.assets
            if a.group_names_by_key[source_key(a)] != "models" and source_key(a).to_user_string() != "unit_costs"}


def test_every_source_but_the_on_demand_ones_has_a_freshness_check(defs):
    checked = {k.asset_key.to_user_string() for c in defs.asset_checks for k in c.check_keys}
    sources = _sources(defs)
    on_demand = {"raw_brand_analytics_search_query_performance", "raw_marketplace_asin_page_view_metrics",
                 "raw_date_range_transactions"}  # the last: whenever the seller generates one
    assert checked == set(sources) - on_demand
    assert allowed_age(sources["raw_settlements_v2"]) == timedelta(days=15)  # a settlement every 14 days
    assert allowed_age(sources["raw_date_range_transactions"]) is None
    assert allowed_age(sources["raw_all_orders_by_order_date"]) == timedelta(hours=36)
    assert allowed_age(sources["raw_merchant_listings_all"]) == timedelta(hours=36)
    assert allowed_age(sources["raw_brand_analytics_search_terms"]) == ALLOWED_AGE["WEEK"] == timedelta(days=8)
    assert allowed_age(sources["raw_fba_storage_fees"]) == ALLOWED_AGE["MONTH"] == timedelta(days=32)
    assert allowed_age(sources["raw_brand_analytics_search_query_performance"]) is None


def test_a_recent_landing_passes_and_a_missing_one_fails(defs):
    instance = DagsterInstance.ephemeral()
    instance.report_runless_asset_event(AssetMaterialization("raw_merchant_listings_all"))
    instance.add_dynamic_partitions("raw_settlements_v2", ["sandbox:5001"])  # one settlement report landed
    instance.report_runless_asset_event(AssetMaterialization("raw_settlements_v2", partition="sandbox:5001"))
    checks = [c for c in defs.asset_checks if any(k.asset_key.to_user_string() in
                                                   ("raw_merchant_listings_all", "raw_open_listings",
                                                    "raw_settlements_v2") for k in c.check_keys)]
    job = define_asset_job("freshness", selection=AssetSelection.checks(*checks))
    result = Definitions(assets=list(defs.assets), asset_checks=checks, jobs=[job],
                         resources=defs.resources).resolve_job_def("freshness").execute_in_process(instance=instance)
    passed = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    assert (passed["raw_merchant_listings_all"], passed["raw_open_listings"]) == (True, False)
    assert passed["raw_settlements_v2"]
