"""Models rebuild on their own once any upstream partition lands, though history starts late."""
from __future__ import annotations

from dagster import (
    AssetMaterialization,
    AssetSelection,
    DagsterInstance,
    DynamicPartitionsDefinition,
    evaluate_automation_conditions,
)

from assets.accounts import register_accounts
from assets.common import ACCOUNT_SETS

from pipelines.models import load_models

def land(instance: DagsterInstance, defs, tables, days: int) -> None:
    """Record ``tables`` as landed: the account's last ``days`` partitions (its snapshot;
    one settlement report; all of an unpartitioned asset)."""
    for a in defs.assets:
        for key in a.keys:
            if key.to_user_string() not in tables:
                continue
            if a.partitions_def is None:
                instance.report_runless_asset_event(AssetMaterialization(key))
                continue
            if isinstance(a.partitions_def, DynamicPartitionsDefinition) and a.partitions_def.name not in ACCOUNT_SETS:
                instance.add_dynamic_partitions(a.partitions_def.name, ["sandbox:report-1"])  # a listed report
            keys = a.partitions_def.get_partition_keys(dynamic_partitions_store=instance)
            for partition in keys[-days:]:
                instance.report_runless_asset_event(AssetMaterialization(key, partition=partition))


def readers(table: str, deps: dict[str, frozenset[str]]) -> set[str]:
    """The models reading ``table``, directly or through other models."""
    found: set[str] = set()
    while new := {n for n, d in deps.items() if n not in found and d & (found | {table})}:
        found |= new
    return found


def requested(result) -> set[str]:
    return {k.to_user_string() for k in result._requested_partitions_by_asset_key}


def test_models_and_the_bi_copy_follow_recent_partitions_only(defs, sandbox_env):
    models = {m.name: m for m in load_models()}
    built = {k.to_user_string() for a in defs.assets for k in a.keys}
    modeled = {n for n in models if n in built}
    sources = {d for n in modeled for d in models[n].deps if d not in models}
    selection = AssetSelection.groups("models")
    with DagsterInstance.ephemeral() as instance:
        register_accounts(instance, sandbox_env)
        start = evaluate_automation_conditions(defs, instance, asset_selection=selection)  # the sensor's first tick
        assert requested(start) == set()
        land(instance, defs, sources - {"raw_settlements_v2"}, days=3)  # the last 3 of many days; no settlement
        first = evaluate_automation_conditions(defs, instance, asset_selection=selection, cursor=start.cursor)
        waiting = readers("raw_settlements_v2", {n: models[n].deps for n in modeled})
        assert "settlement_lines" in waiting and "orders" not in waiting
        assert requested(first) == (modeled - waiting) | {"bi_snapshot"}

        again = evaluate_automation_conditions(defs, instance, asset_selection=selection,
                                               cursor=first.cursor)
        assert requested(again) == set()  # no new upstream data: nothing to rebuild

        land(instance, defs, {"raw_settlements_v2"}, days=1)
        later = evaluate_automation_conditions(defs, instance, asset_selection=selection, cursor=again.cursor)
        assert requested(later) == waiting | {"bi_snapshot"}
