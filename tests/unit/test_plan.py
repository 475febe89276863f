"""``spapi-sync plan``: the calls and least wall time of a backfill, counted
from the catalog, the Data Kiosk queries and the official usage plans."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.catalog import entry
from pipelines.config import Account, Settings
from pipelines.datakiosk_queries import load_queries
from pipelines.plan import min_seconds, plan, render

US, UK, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
NOW = datetime(2026, 4, 2, 12, tzinfo=timezone.utc)


def settings(*accounts: Account) -> Settings:
    return Settings(sandbox=True, accounts=accounts, start_date=date(2025, 1, 1), warehouse_path=Path("unused"))


SELLER = Account("brand-a", "na", (US, UK, JP))
QUERIES = {q.name: q for q in load_queries()}


def test_ninety_days_of_orders_in_three_marketplaces_fit_the_burst():
    p = plan(settings(SELLER), date(2026, 1, 1), date(2026, 3, 31), catalog=(entry("all_orders_by_order_date"),),
             queries=[], now=NOW)
    (account,) = p.accounts
    (source,) = account.sources
    assert (source.source, source.api, source.windows) == (
        "all_orders_by_order_date", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", 3)
    assert account.calls == {"createReport": 9, "getReport": 9, "getReportDocument": 9}
    assert account.min_seconds == 0.0


def test_sixty_daily_queries_in_three_marketplaces_wait_past_the_burst():
    daily = replace(QUERIES["sales_and_traffic_by_date"], max_window_days=1)
    p = plan(settings(SELLER), date(2026, 1, 1), date(2026, 3, 1), catalog=(), queries=[daily], now=NOW)
    (account,) = p.accounts
    assert account.sources[0].windows == 60
    assert account.calls == {"createQuery": 180, "getDocument": 180, "getQuery": 180}
    assert account.wall_seconds["createQuery"] == (180 - 15) / 0.0167
    assert account.wall_seconds["getQuery"] == (180 - 15) / 2.0
    assert account.min_seconds == (180 - 15) / 0.0167  # the slowest operation, not the sum


def test_an_account_waits_for_its_slowest_operation_not_the_sum():
    daily = replace(QUERIES["sales_and_traffic_by_date"], max_window_days=1)
    reports = (entry("sales_and_traffic_by_asin"),)  # one-day windows
    p = plan(settings(SELLER), date(2026, 1, 1), date(2026, 1, 20), catalog=reports, queries=[daily], now=NOW)
    (account,) = p.accounts
    assert account.calls["createReport"] == account.calls["createQuery"] == 60
    assert account.min_seconds == (60 - 15) / 0.0167


def test_weeks_are_cut_to_whole_weeks_and_packed_four_to_a_request():
    # 2026-01-01 is a Thursday: the first whole week starts Sunday the 4th; the last ends Saturday the 31st.
    p = plan(settings(SELLER), date(2026, 1, 1), date(2026, 2, 2), catalog=(entry("brand_analytics_market_basket"),),
             queries=[], now=NOW)
    assert [(s.windows, s.calls["createReport"]) for s in p.accounts[0].sources] == [(1, 3)]


def test_listed_snapshot_and_left_out_reports():
    catalog = tuple(entry(n) for n in ("settlements_v2", "merchant_listings_all", "unshipped_orders",
                                       "brand_analytics_search_query_performance", "afn_inventory_by_country"))
    p = plan(settings(SELLER), date(2026, 1, 1), date(2026, 3, 31), catalog=catalog, queries=[], now=NOW)
    sources = {s.source: (s.windows, s.calls) for s in p.accounts[0].sources}
    assert sources == {
        "settlements_v2": (0, {"getReports": 1}),  # Amazon makes them: one listing, no create
        "merchant_listings_all": (1, {"createReport": 3, "getReport": 3, "getReportDocument": 3}),
        "afn_inventory_by_country": (1, {"createReport": 1, "getReport": 1, "getReportDocument": 1}),  # EU only
    }
    assert p.accounts[0].left_out == (
        "unshipped_orders: restricted (buyer data): set pii_reports to opt in",
        "brand_analytics_search_query_performance: needs report options asin of yours")
    opted_in = plan(settings(replace(SELLER, pii_reports=True)), date(2026, 1, 1), date(2026, 3, 31),
                    catalog=(entry("unshipped_orders"),), queries=[], now=NOW)
    assert [s.source for s in opted_in.accounts[0].sources] == ["unshipped_orders"]


def test_vendor_accounts_plan_vendor_sources_and_skip_windows_older_than_served():
    vendor = Account("brand-v", "na", (US,), account_type="vendor")
    catalog = (entry("all_orders_by_order_date"), entry("vendor_real_time_inventory"))
    queries = [q for q in QUERIES.values() if q.account == "vendor"]
    p = plan(settings(vendor), date(2026, 3, 1), date(2026, 4, 1), catalog=catalog, queries=queries, now=NOW)
    (account,) = p.accounts
    names = [s.source for s in account.sources]
    assert names == ["vendor_real_time_inventory", *[f"dk:{q.name}" for q in queries]]
    realtime = account.sources[0]
    # hourly report, one day per window: only the days within 168 hours (minus an hour) of NOW are served
    assert realtime.windows == len(entry("vendor_real_time_inventory").served(
        entry("vendor_real_time_inventory").windows(datetime(2026, 3, 1, tzinfo=timezone.utc),
                                                    datetime(2026, 4, 2, tzinfo=timezone.utc)), NOW)[0])
    assert realtime.windows == 6
    assert account.left_out == ("vendor_real_time_inventory: 26 window(s) older than Amazon serves (7 days, 0:00:00)",)


def test_min_seconds_uses_the_official_usage_plans():
    assert min_seconds("createReport", 15) == 0.0
    assert min_seconds("createReport", 16) == 1 / 0.0167
    assert min_seconds("getReports", 11) == 1 / 0.0222  # burst 10


def test_cli_prints_the_table_then_one_json_line(capsys, monkeypatch, tmp_path):
    for var in ("SPAPI_ACCOUNTS_FILE", "SPAPI_CLIENT_ID", "SPAPI_CLIENT_SECRET", "SPAPI_REFRESH_TOKEN",
                "SPAPI_MARKETPLACE_IDS", "SPAPI_ACCOUNT_TYPE", "SPAPI_PII_REPORTS", "SPAPI_ACCOUNT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("A_ID", "x")
    monkeypatch.setenv("A_SECRET", "x")
    monkeypatch.setenv("A_TOKEN", "x")
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[[account]]\nname = "brand-a-eu"\nregion = "eu"\nmarketplace_ids = ["A1PA6795UKMFR9"]\n'
                        'client_id_env = "A_ID"\nclient_secret_env = "A_SECRET"\nrefresh_token_env = "A_TOKEN"\n')
    assert cli.main(["plan", "--start", "2026-01-01", "--end", "2026-01-31", "--accounts", str(accounts)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    expected = plan(Settings.from_env({"SPAPI_ACCOUNTS_FILE": str(accounts), "A_ID": "x", "A_SECRET": "x",
                                       "A_TOKEN": "x"}), date(2026, 1, 1), date(2026, 1, 31))
    assert figures == expected.as_dict()
    assert [a["account"] for a in figures["accounts"]] == ["brand-a-eu"]
    orders = next(s for s in figures["accounts"][0]["sources"] if s["source"] == "all_orders_by_order_date")
    assert orders == {"source": "all_orders_by_order_date", "api": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
                      "windows": 2, "calls": {"createReport": 2, "getReport": 2, "getReportDocument": 2}}
    assert "\n".join(lines[:-1]) == render(expected)


@pytest.mark.parametrize("args, message", [
    (["--start", "2026-02-30", "--end", "2026-03-01"], "argument --start: must be a date YYYY-MM-DD, got '2026-02-30'"),
    (["--start", "2026-03-01", "--end", "03/05/2026"], "argument --end: must be a date YYYY-MM-DD, got '03/05/2026'"),
    (["--start", "2026-03-02", "--end", "2026-03-01"], "--end 2026-03-01 is before --start 2026-03-02"),
    (["--start", "2026-03-01"], "the following arguments are required: --end"),
])
def test_cli_bad_dates_exit_2_with_one_line(capsys, args, message):
    assert cli.main(["plan", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and message in captured.err


def test_cli_missing_accounts_file_exits_2(capsys, tmp_path):
    assert cli.main(["plan", "--start", "2026-03-01", "--end", "2026-03-02", "--accounts",
                     str(tmp_path / "none.toml")]) == 2
    assert capsys.readouterr().err == f"spapi-sync: SPAPI_ACCOUNTS_FILE {tmp_path / 'none.toml'} does not exist\n"
