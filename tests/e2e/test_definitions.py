"""What the factories build: asset keys (snapshot), partitions, schedule, load-time validation."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assets.schedules import RANGE_END_TAG, RANGE_START_TAG, daily_run_requests
from pipelines.catalog import CATALOG
from tests.e2e.conftest import LAST_DAY

SNAPSHOT = Path(__file__).with_name("asset_keys.txt")


def test_asset_keys_match_snapshot(defs):
    """A factory change that adds, drops or renames an asset must update asset_keys.txt on purpose."""
    keys = sorted(a.key.to_user_string() for a in defs.assets)
    assert keys == SNAPSHOT.read_text().split()


def test_every_catalog_entry_is_an_asset_with_group_kinds_and_description(defs):
    by_key = {a.key.to_user_string(): a for a in defs.assets}
    for e in CATALOG:
        a = by_key[e.asset_name]
        assert a.descriptions_by_key[a.key] and e.report_type in a.descriptions_by_key[a.key]
        assert {"amazon", "duckdb"} <= set(a.specs_by_key[a.key].kinds)
        assert (a.partitions_def is not None) == (e.windowed and e.requested)
        if a.partitions_def is not None:
            assert a.backfill_policy.max_partitions_per_run == e.max_window_days


def test_daily_schedule_covers_yesterday_plus_lookback(defs):
    sources = [a for a in defs.assets if a.group_names_by_key[a.key] != "models"]
    today = LAST_DAY + timedelta(days=1)
    requests = {r.asset_selection[0].to_user_string(): r for r in daily_run_requests(sources, today)}
    orders = requests["raw_all_orders_by_order_date"]
    assert orders.tags[RANGE_END_TAG] == LAST_DAY.isoformat()
    assert orders.tags[RANGE_START_TAG] == (LAST_DAY - timedelta(days=7)).isoformat()  # 7-day lookback
    assert RANGE_START_TAG not in requests["raw_merchant_listings_all"].tags
    assert set(requests) == {a.key.to_user_string() for a in sources}


def test_an_invalid_query_file_fails_definitions_loading(sandbox_env, tmp_path):
    from pipelines.datakiosk_queries import QueryFileError
    from pipelines.definitions import build_definitions

    bad = tmp_path / "bad_sales.graphql"
    good = Path(__file__).parents[2] / "queries" / "datakiosk" / "sales_and_traffic_by_date.graphql"
    text = good.read_text()
    assert "unitsOrdered" in text
    bad.write_text(text.replace("unitsOrdered", "unitsOrderd", 1))
    with pytest.raises(QueryFileError) as err:
        build_definitions(sandbox_env, queries_dir=tmp_path)
    message = str(err.value)
    assert "bad_sales.graphql:" in message and "unitsOrderd" in message
    line = text[: text.index("unitsOrdered")].count("\n") + 1
    assert f"bad_sales.graphql:{line}:" in message


def test_partly_set_credentials_name_the_missing_variables(monkeypatch):
    from pipelines.config import Settings
    from pipelines.spapi.errors import ConfigError

    with pytest.raises(ConfigError, match="SPAPI_REFRESH_TOKEN"):
        Settings.from_env({"SPAPI_CLIENT_ID": "x", "SPAPI_CLIENT_SECRET": "y"})
    with pytest.raises(ConfigError, match="SPAPI_REGION.*na, eu, fe"):
        Settings.from_env({"SPAPI_REGION": "us"})
