"""Settlements exactly once: the sensor adds each new settlement report as a partition and requests
one run for it; after a restart (a new definitions object, the stored cursor) it requests only the
settlement Amazon generated since, and a tick with nothing new requests nothing. The sandbox's clock
moves from one settlement to the next."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

from dagster import AssetKey, AssetSelection, DagsterInstance, build_sensor_context, materialize

from assets.listed_reports import listed_report_runs
from assets.schedules import RANGE_END_TAG, RANGE_START_TAG
from pipelines import resources
from pipelines.catalog import entry
from pipelines.config import Settings
from pipelines.definitions import build_definitions
from pipelines.sandbox.render import render_settlement
from pipelines.sandbox.settlements import CREATED_AFTER_CLOSE, settlements
from pipelines.spapi.reports import iso_utc
from tests.e2e.conftest import listed_rows

SETTLEMENTS = entry("settlements_v2")
DATE_RANGE = entry("date_range_transactions")
SENSOR = "raw_settlements_v2_sensor"
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def latest_settlement_created(config, now: datetime) -> datetime:
    """When the sandbox generated its latest settlements (one per marketplace, the same second) by ``now``."""
    return max(s.created for s in settlements(config.new_seller(), config.marketplace_ids, now))


def tick(defs, instance: DagsterInstance, cursor: str | None):
    """One evaluation of the settlement sensor, applied as the daemon applies it: partitions added."""
    result = defs.resolve_sensor_def(SENSOR)(build_sensor_context(instance=instance, cursor=cursor))
    for request in result.dynamic_partitions_requests or ():
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def run_all(defs, instance: DagsterInstance, requests) -> None:
    """Launch each run request as the daemon would: one run per partition."""
    for request in requests:
        assets = [a for a in defs.assets if set(a.keys) & set(request.asset_selection)]
        result = materialize(assets, resources=defs.resources, instance=instance, partition_key=request.partition_key,
                             selection=AssetSelection.assets(*request.asset_selection))
        assert result.success


def materialized_partitions(instance: DagsterInstance, table: str) -> Counter:
    records = instance.fetch_materializations(AssetKey(table), limit=1000).records
    return Counter(r.asset_materialization.partition for r in records)


def landed(warehouse, table: str) -> dict[str, int]:
    return dict(warehouse.query(f'SELECT _report_id, count(*) FROM "{table}" GROUP BY ALL'))


def duplicated_rows(warehouse, table: str) -> int:
    return warehouse.query(f'SELECT count(*) - count(DISTINCT (_report_id, _row_number)) FROM "{table}"')[0][0]


def test_each_settlement_lands_once_across_a_daemon_restart(sandbox_env, sandbox, warehouse, tmp_path):
    config, account = sandbox.config, sandbox_env.accounts[0].name
    first = latest_settlement_created(config, datetime.now(timezone.utc))
    later = first + timedelta(days=14)  # the next settlement period closed: its reports appear then
    assert latest_settlement_created(config, later) == later  # (CREATED_AFTER_CLOSE after the close)
    assert later - CREATED_AFTER_CLOSE > first

    instance = DagsterInstance.ephemeral()
    sandbox.travel_to(first + timedelta(hours=1))
    defs = build_definitions(sandbox_env)
    start = tick(defs, instance, None)
    truth_first = listed_rows(config, SETTLEMENTS, EPOCH, first + timedelta(hours=1), tmp_path)
    assert len(truth_first) >= 18  # 90 days of 14-day settlements in 3 marketplaces
    assert sorted(r.partition_key for r in start.run_requests) == sorted(f"{account}:{i}" for i in truth_first)
    assert all(r.run_key == r.partition_key for r in start.run_requests)
    run_all(defs, instance, start.run_requests)
    assert landed(warehouse, SETTLEMENTS.table) == truth_first

    # the daemon restarts: new definitions, the cursor Dagster stored
    defs = build_definitions(sandbox_env)
    same = tick(defs, instance, start.cursor)
    assert not same.run_requests and same.cursor == start.cursor

    sandbox.travel_to(later)  # Amazon generates the next settlements (every marketplace, the same second)
    truth_later = listed_rows(config, SETTLEMENTS, later, later, tmp_path)
    assert len(truth_later) == len(config.marketplace_ids) == 3
    calls = len(sandbox.request_log)
    after = tick(defs, instance, start.cursor)
    assert sorted(r.partition_key for r in after.run_requests) == sorted(f"{account}:{i}" for i in truth_later)
    listings = [r for r in sandbox.request_log[calls:] if r["operation"] == "getReports"]
    assert [r["query"].get("createdSince") for r in listings] == [[iso_utc(first)]]  # the cursor's second
    run_all(defs, instance, after.run_requests)

    assert not tick(defs, instance, after.cursor).run_requests  # nothing new
    assert not tick(defs, instance, None).run_requests  # even with the cursor lost: every one is a partition

    truth = truth_first | truth_later
    assert landed(warehouse, SETTLEMENTS.table) == truth  # every settlement, all its rows
    assert duplicated_rows(warehouse, SETTLEMENTS.table) == 0
    keys = sorted(f"{account}:{i}" for i in truth)
    assert sorted(instance.get_dynamic_partitions(SETTLEMENTS.asset_name)) == keys
    assert materialized_partitions(instance, SETTLEMENTS.table) == Counter({k: 1 for k in keys})  # each run once
    assert not [r for r in sandbox.request_log if r["operation"] == "createReport"]  # listed, never requested


def test_without_the_daemon_every_generated_report_lands_once(sandbox_env, sandbox, warehouse, tmp_path):
    """What spapi-sync and the demo call: the settlements and Date Range reports Amazon keeps, each a
    partition, landed here as a backfill does (one run over a range of partitions); called again, nothing."""
    config = sandbox.config
    now = latest_settlement_created(config, datetime.now(timezone.utc)) + timedelta(hours=1)
    sandbox.travel_to(now)
    defs, instance = build_definitions(sandbox_env), DagsterInstance.ephemeral()
    requests = listed_report_runs(instance, sandbox_env)
    for e in (SETTLEMENTS, DATE_RANGE):
        keys = [r.partition_key for r in requests if r.asset_selection == [AssetKey(e.table)]]
        assert keys == instance.get_dynamic_partitions(e.asset_name)  # added in order: one range
        result = materialize([a for a in defs.assets if AssetKey(e.table) in a.keys], resources=defs.resources,
                             instance=instance, tags={RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]})
        assert result.success
    for e in (SETTLEMENTS, DATE_RANGE):
        truth = {i: n for i, n in listed_rows(config, e, EPOCH, now, tmp_path).items() if n}
        assert truth and landed(warehouse, e.table) == truth
        assert duplicated_rows(warehouse, e.table) == 0
    assert listed_report_runs(instance, sandbox_env) == []

    # a partition of an account no longer configured fails naming it, and lands nothing
    instance.add_dynamic_partitions(SETTLEMENTS.asset_name, ["gone:123"])
    before = landed(warehouse, SETTLEMENTS.table)
    failed = materialize([a for a in defs.assets if AssetKey(SETTLEMENTS.table) in a.keys], resources=defs.resources,
                         instance=instance, partition_key="gone:123", raise_on_error=False)
    error = failed.get_step_failure_events()[0].event_specific_data.error
    assert "account partition(s) gone not configured: add them back to the accounts file" in str(error)
    assert "run the partitions of configured accounts (sandbox)" in str(error)
    assert landed(warehouse, SETTLEMENTS.table) == before


TWO_ACCOUNTS = """
[[account]]
name = "brand-na"
region = "na"
marketplace_ids = ["ATVPDKIKX0DER"]
sandbox = true

[[account]]
name = "brand-eu"
region = "eu"
marketplace_ids = ["A1PA6795UKMFR9"]
sandbox = true
"""


def test_each_account_lists_and_lands_its_own_settlements(sandbox_env, monkeypatch, warehouse, tmp_path):
    """Two accounts in two regions: each lists its own settlements (its own position in the cursor), each
    settlement a partition of its account, landed with its account's rows; one backfill run lands all."""
    (tmp_path / "accounts.toml").write_text(TWO_ACCOUNTS)
    monkeypatch.setenv("SPAPI_ACCOUNTS_FILE", str(tmp_path / "accounts.toml"))
    settings = Settings.from_env()
    sandbox = resources.embedded_sandbox(settings)
    tenants = sandbox.config.accounts
    assert [t.name for t in tenants] == ["brand-na", "brand-eu"]
    now = datetime.now(timezone.utc)
    sandbox.travel_to(now)
    truth = {}  # partition key: rows, from each account's own seller
    for t in tenants:
        seller = sandbox.config.new_seller(t)
        for s in settlements(seller, t.marketplace_ids, now):
            truth[f"{t.name}:{s.report_id}"] = render_settlement(seller, s, tmp_path / "truth.gz").rows

    defs, instance = build_definitions(settings), DagsterInstance.ephemeral()
    result = tick(defs, instance, None)
    keys = [r.partition_key for r in result.run_requests]
    assert sorted(keys) == sorted(truth) and len(truth) >= 12  # 90 days of settlements, 1 marketplace each
    assert sorted(json.loads(result.cursor)) == ["brand-eu", "brand-na"]
    run = materialize([a for a in defs.assets if AssetKey(SETTLEMENTS.table) in a.keys], resources=defs.resources,
                      instance=instance, tags={RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]})
    assert run.success
    rows = warehouse.query(f"SELECT _account || ':' || _report_id, count(*) FROM {SETTLEMENTS.table} GROUP BY ALL")
    assert dict(rows) == truth
    assert duplicated_rows(warehouse, SETTLEMENTS.table) == 0
    assert not tick(defs, instance, result.cursor).run_requests
