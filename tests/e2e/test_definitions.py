"""What the factories build: asset keys (snapshot), partitions, schedule, load-time validation."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from assets.schedules import RANGE_END_TAG, RANGE_START_TAG, daily_run_requests, range_runs, source_key
from pipelines.catalog import CATALOG
from pipelines.periods import period_start
from tests.e2e.conftest import LAST_DAY

SNAPSHOT = Path(__file__).with_name("asset_keys.txt")
VENDOR_SNAPSHOT = Path(__file__).with_name("asset_keys_vendor.txt")


def asset_keys(defs) -> list[str]:
    """Every asset key, the child tables of a multi-asset report included."""
    return sorted(k.to_user_string() for a in defs.assets for k in a.keys)


def test_asset_keys_match_snapshot(defs):
    """A factory change that adds, drops or renames an asset must update asset_keys.txt on purpose."""
    assert asset_keys(defs) == SNAPSHOT.read_text().split()


def test_vendor_asset_keys_match_snapshot(sandbox_env, monkeypatch):
    """A vendor account gets the vendor reports and views and those open to both, no seller report."""
    from pipelines.config import Settings
    from pipelines.definitions import build_definitions

    monkeypatch.setenv("SPAPI_ACCOUNT_TYPE", "vendor")
    assert asset_keys(build_definitions(Settings.from_env())) == VENDOR_SNAPSHOT.read_text().split()


def test_every_catalog_entry_is_an_asset_with_group_kinds_and_description(defs):
    by_key = {k.to_user_string(): a for a in defs.assets for k in a.keys}
    for e in CATALOG:
        if e.pii:  # built only once an account opts in (tests/e2e/test_pii_reports.py)
            assert e.asset_name not in by_key
            continue
        if "seller" not in e.account_types:
            assert e.asset_name not in by_key
            continue
        a = by_key[e.asset_name]
        assert sorted(k.to_user_string() for k in a.keys) == sorted(e.tables)  # child tables: one multi-asset
        for key in a.keys:
            assert a.descriptions_by_key[key] and e.report_type in a.descriptions_by_key[key]
            assert {"amazon", "duckdb"} <= set(a.specs_by_key[key].kinds)
        if e.windowed and e.requested:  # account × day (or period)
            assert a.partitions_def.partition_dimension_names == ["account", "date"]
            accounts = "seller_accounts" if e.account_types == ("seller",) else "accounts"  # or both kinds
            assert a.partitions_def.get_partitions_def_for_dimension("account").name == accounts
            assert a.backfill_policy.max_partitions_per_run == e.partitions_per_request
            first = a.partitions_def.get_partitions_def_for_dimension("date").get_first_partition_key()
            assert period_start(date.fromisoformat(first), e.period).isoformat() == first


def test_daily_schedule_covers_yesterday_plus_lookback(defs, sandbox_env):
    sources = [a for a in defs.assets if "models" not in a.group_names_by_key.values()]
    today = LAST_DAY + timedelta(days=1)
    today += timedelta(days=(1 - today.weekday()) % 7)  # a Tuesday: the week that ended Saturday is due
    last = today - timedelta(days=1)
    requests = {source_key(a).to_user_string(): r for r in daily_run_requests(sources, today, sandbox_env)
                for a in sources if source_key(a) in r.asset_selection}
    orders = requests["raw_all_orders_by_order_date"]
    assert orders.tags[RANGE_END_TAG] == f"sandbox|{last}"
    assert orders.tags[RANGE_START_TAG] == f"sandbox|{last - timedelta(days=7)}"  # 7-day lookback
    assert requests["raw_merchant_listings_all"].partition_key == "sandbox"  # a snapshot: the account's
    week = (last - timedelta(days=8)).isoformat()  # Sunday of the week that ended on Saturday
    terms = requests["raw_brand_analytics_search_terms"]
    assert (terms.tags[RANGE_START_TAG], terms.tags[RANGE_END_TAG]) == (f"sandbox|{week}", f"sandbox|{week}")
    coupons = requests["raw_coupon_performance"]  # every table of a multi-asset runs together
    assert sorted(k.to_user_string() for k in coupons.asset_selection) == [
        "raw_coupon_performance", "raw_coupon_performance__asins"]
    # a search query performance report needs the user's ASINs (run config): left to them
    needs_options = {"raw_brand_analytics_search_query_performance", "raw_marketplace_asin_page_view_metrics"}
    # a month is due while it ended within the 7-day lookback of its queries
    months = {"raw_dk_economics_by_msku_month", "raw_dk_sales_and_traffic_by_child_asin_month"}
    listed = {"raw_settlements_v2", "raw_date_range_transactions"}  # one run per report, by their sensors
    expected = {source_key(a).to_user_string() for a in sources} - needs_options - listed
    assert set(requests) == (expected if today.day <= 8 else expected - months)


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


def test_sync_runs_group_periods_and_delays_and_take_the_latest_month(fixed_defs):
    """``spapi-sync`` for the last 7 days: one run per period and publication delay;
    a monthly report gets its latest whole month even when no month ended in those
    days; reports needing the user's options run only with them, from run config."""
    sources = [a for a in fixed_defs("seller").assets if a.partitions_def is not None]
    last = date(2026, 11, 24)  # a Tuesday, mid-month
    runs = {label: (sorted(source_key(a).to_user_string() for a in members), tags, config)
            for label, members, tags, config in range_runs(sources, last - timedelta(days=6), last, ONE_ACCOUNT)}
    both = " (reports of sellers and vendors)"  # partitions of their own: accounts of both kinds
    day, month, week, both_week = (runs[f"windowed sources {s}, account sandbox"] for s in (
        "2026-11-18..2026-11-24", "2026-10-01..2026-10-01 (MONTH periods)", "2026-11-15..2026-11-15 (WEEK periods)",
        f"2026-11-15..2026-11-15 (WEEK periods){both}"))
    assert set(runs) == {"windowed sources 2026-11-18..2026-11-24, account sandbox",
                         f"windowed sources 2026-11-18..2026-11-24{both}, account sandbox",
                         "windowed sources 2026-10-01..2026-10-01 (MONTH periods), account sandbox",
                         "windowed sources 2026-11-15..2026-11-15 (WEEK periods), account sandbox",
                         f"windowed sources 2026-11-15..2026-11-15 (WEEK periods){both}, account sandbox"}
    assert "raw_fba_storage_fees" in month[0] and "raw_dk_economics_by_msku_month" in month[0]
    assert "raw_brand_analytics_search_terms" in both_week[0] and "raw_dk_economics_by_msku_week" in week[0]
    assert "raw_brand_analytics_search_query_performance" not in both_week[0]
    assert (day[1][RANGE_START_TAG], day[1][RANGE_END_TAG]) == ("sandbox|2026-11-18", "sandbox|2026-11-24")
    assert day[2] == month[2] == week[2] == {}

    with_options = {label: (members, config) for label, members, _, config in
                    range_runs(sources, last - timedelta(days=6), last, ONE_ACCOUNT,
                               {"asin": "B00X B00Y", "productType": "T"})}
    week_members, week_config = with_options[
        "windowed sources 2026-11-15..2026-11-15 (WEEK periods) (reports of sellers and vendors), account sandbox"]
    assert "raw_brand_analytics_search_query_performance" in [source_key(a).to_user_string() for a in week_members]
    assert week_config == {"ops": {"raw_brand_analytics_search_query_performance": {
        "config": {"report_options": {"asin": "B00X B00Y"}}}}}


def test_late_published_reports_run_behind_by_their_delay(fixed_defs):
    sources = [a for a in fixed_defs("vendor").assets if a.partitions_def is not None]
    last = date(2026, 11, 24)
    runs = {label: sorted(source_key(a).to_user_string() for a in members)
            for label, members, _, _ in range_runs(sources, last - timedelta(days=6), last, ONE_ACCOUNT)}
    behind = "windowed sources 2026-11-10..2026-11-16 (8 days behind: Amazon publishes them late), account sandbox"
    assert runs[behind] == ["raw_vendor_net_pure_product_margin"]
    assert "raw_vendor_net_pure_product_margin" not in runs["windowed sources 2026-11-18..2026-11-24, account sandbox"]


def ONE_ACCOUNT(account_set: str) -> list[tuple[str, str]]:
    return [("sandbox", "sandbox")]


@pytest.fixture
def fixed_defs(sandbox_env, monkeypatch):
    """Definitions of a seller or vendor account whose partitions start on 2026-01-01."""
    from pipelines.config import Settings
    from pipelines.definitions import build_definitions

    def build(account_type: str):
        monkeypatch.setenv("SPAPI_ACCOUNT_TYPE", account_type)
        monkeypatch.setenv("SPAPI_START_DATE", "2026-01-01")
        return build_definitions(Settings.from_env())

    return build
