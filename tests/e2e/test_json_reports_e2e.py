"""JSON reports from the official schemas, end to end against the sandbox: weekly Brand
Analytics, vendor reports with their aggregate, account health and coupons with child
tables, report options from the run config, and Data Kiosk by week."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta, timezone

import pytest
from dagster import AssetSelection

from pipelines.periods import first_period_on_or_after, period_end, period_start
from pipelines.sandbox.seller import SyntheticSeller
from tests.e2e.conftest import LAST_DAY, materialize_range
from tests.e2e.test_reports_e2e import content_fingerprint, create_report_calls

UTC = timezone.utc
MARKETPLACES = ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528")
SELLER = SyntheticSeller(orders_per_day=20)
SUNDAY = period_start(LAST_DAY, "WEEK") - timedelta(days=7)  # a whole week, over before LAST_DAY
SATURDAY = SUNDAY + timedelta(days=6)


def shipped_orders_by_asin(mp: str, first, last) -> dict[str, int]:
    """Ground truth: shipped orders holding each ASIN, purchased first..last."""
    orders = defaultdict(set)
    for n in range((last - first).days + 1):
        for item in SELLER.order_items(mp, first + timedelta(days=n)):
            if item.shipped:
                orders[item.asin].add(item.amazon_order_id)
    return {asin: len(ids) for asin, ids in orders.items()}


def test_a_brand_analytics_week_is_requested_sunday_to_saturday_and_lands(run, sandbox, warehouse):
    assert run(["raw_brand_analytics_repeat_purchase"], SUNDAY, SUNDAY).success
    calls = create_report_calls(sandbox, "GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT")
    assert sorted((c["json"]["marketplaceIds"], c["json"]["dataStartTime"], c["json"]["dataEndTime"],
                   c["json"]["reportOptions"]) for c in calls) == sorted(
        ([mp], f"{SUNDAY}T00:00:00Z", f"{SATURDAY}T23:59:59Z", {"reportPeriod": "WEEK"}) for mp in MARKETPLACES)
    for mp in MARKETPLACES:
        landed = warehouse.query("SELECT asin, orders, start_date, end_date FROM raw_brand_analytics_repeat_purchase "
                                 "WHERE _marketplace_id = ?", [mp])
        assert {a: n for a, n, _, _ in landed} == shipped_orders_by_asin(mp, SUNDAY, SATURDAY)
        assert {(s, e) for _, _, s, e in landed} == {(SUNDAY, SATURDAY)}


def test_search_terms_rows_belong_to_their_week(run, warehouse):
    assert run(["raw_brand_analytics_search_terms"], SUNDAY, SUNDAY).success
    weeks = warehouse.query("SELECT DISTINCT _window_start, _window_end FROM raw_brand_analytics_search_terms")
    assert weeks == [(datetime.combine(SUNDAY, time(), UTC), datetime.combine(SATURDAY + timedelta(days=1), time(), UTC))]
    assert warehouse.query("SELECT count(*) FROM raw_brand_analytics_search_terms WHERE click_share_rank "
                           "NOT BETWEEN 1 AND 3")[0][0] == 0


def test_search_query_performance_takes_its_asins_from_the_run_config(defs, sandbox_env, sandbox, warehouse):
    asset = "raw_brand_analytics_search_query_performance"
    missing = materialize_range(defs, sandbox_env, AssetSelection.assets(asset), SUNDAY, SUNDAY,
                                raise_on_error=False)
    assert not missing.success
    failure = next(e for e in missing.all_events if e.is_step_failure).event_specific_data.error.to_string()
    assert "needs the report option(s) asin: set them in the run config" in failure
    assert not create_report_calls(sandbox, "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT")

    asins = " ".join(p.asin for p in SELLER.products(MARKETPLACES[0])[:2])
    config = {"ops": {asset: {"config": {"report_options": {"asin": asins}}}}}
    assert materialize_range(defs, sandbox_env, AssetSelection.assets(asset), SUNDAY, SUNDAY,
                             run_config=config).success
    calls = create_report_calls(sandbox, "GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT")
    assert {tuple(sorted(c["json"]["reportOptions"].items())) for c in calls} == {
        (("asin", asins), ("reportPeriod", "WEEK"))}
    assert warehouse.query(f"SELECT DISTINCT start_date FROM {asset}") == [(SUNDAY,)]


def test_vendor_sales_land_per_asin_with_their_aggregate(sandbox_env, monkeypatch):
    from pipelines.config import Settings
    from pipelines.definitions import build_definitions
    from pipelines.warehouse import Warehouse

    monkeypatch.setenv("SPAPI_ACCOUNT_TYPE", "vendor")
    settings = Settings.from_env()
    defs = build_definitions(settings)
    first = LAST_DAY - timedelta(days=2)
    assert materialize_range(defs, settings, AssetSelection.assets("raw_vendor_sales").required_multi_asset_neighbors(),
                             first, LAST_DAY).success
    wh = Warehouse(settings.warehouse_path)
    for mp in MARKETPLACES:
        for n in range(3):
            day = first + timedelta(days=n)
            units = sum(i.quantity for i in SELLER.order_items(mp, day) if i.shipped)
            where = "_marketplace_id = ? AND start_date = ?"
            assert wh.query(f"SELECT sum(shipped_units) FROM raw_vendor_sales WHERE {where}", [mp, day]) == [(units,)]
            assert wh.query(f"SELECT shipped_units, sales_aggregate_position FROM raw_vendor_sales__sales_aggregate "
                            f"WHERE {where}", [mp, day]) == [(units, n + 1)]


def test_account_health_lands_with_child_tables_and_a_rerun_keeps_one_snapshot(run, warehouse):
    assert run(["raw_seller_performance"]).success
    tables = ("raw_seller_performance", "raw_seller_performance__account_statuses")
    before = {t: content_fingerprint(warehouse, t, "true") for t in tables}
    assert warehouse.query("SELECT _marketplace_id, marketplace_id FROM raw_seller_performance ORDER BY 1") == [
        (mp, mp) for mp in sorted(MARKETPLACES)]
    assert warehouse.query("SELECT _marketplace_id, marketplace_id, account_statuses_position "
                           "FROM raw_seller_performance__account_statuses ORDER BY 1") == [
        (mp, mp, 1) for mp in sorted(MARKETPLACES)]
    assert run(["raw_seller_performance"]).success
    assert {t: content_fingerprint(warehouse, t, "true") for t in tables} == before  # replaced, not added


def test_coupons_land_with_their_asins_and_a_rerun_replaces_both(run, warehouse):
    first = LAST_DAY - timedelta(days=13)
    assert run(["raw_coupon_performance"], first, LAST_DAY).success
    start, end = datetime.combine(first, time(), UTC), datetime.combine(LAST_DAY + timedelta(days=1), time(), UTC)
    expected = {c.coupon_id: c for mp in MARKETPLACES for c in SELLER.coupons(mp, start, end - timedelta(seconds=1))}
    assert expected  # a coupon starts every week
    assert {r[0] for r in warehouse.query("SELECT coupon_id FROM raw_coupon_performance")} == set(expected)
    asins = warehouse.query("SELECT coupon_id, asins_position, asin FROM raw_coupon_performance__asins ORDER BY 1, 2")
    assert asins == sorted((cid, n + 1, asin) for cid, c in expected.items() for n, asin in enumerate(c.asins))
    tables = ("raw_coupon_performance", "raw_coupon_performance__asins")
    before = {t: content_fingerprint(warehouse, t) for t in tables}
    assert run(["raw_coupon_performance"], first, LAST_DAY).success
    assert {t: content_fingerprint(warehouse, t) for t in tables} == before


MONTH = first_period_on_or_after(LAST_DAY - timedelta(days=60), "MONTH")  # a whole month, long over
MONTH_END = period_end(MONTH, "MONTH") - timedelta(days=1)


@pytest.mark.parametrize("query,first,last", [("sales_and_traffic_by_child_asin_week", SUNDAY, SATURDAY),
                                              ("economics_by_msku_week", SUNDAY, SATURDAY),
                                              ("sales_and_traffic_by_child_asin_month", MONTH, MONTH_END)])
def test_a_data_kiosk_period_query_asks_for_the_whole_period(query, first, last, run, sandbox, warehouse):
    assert run([f"raw_dk_{query}"], first, first).success
    texts = [r["json"]["query"] for r in sandbox.request_log  # first pages (later ones repeat the query)
             if r["operation"] == "createQuery" and "paginationToken" not in r["json"]]
    assert len(texts) == 3 and all(f'startDate:"{first}"' in t and f'endDate:"{last}"' in t for t in texts)
    assert warehouse.query(f"SELECT DISTINCT start_date, end_date FROM raw_dk_{query}") == [(first, last)]
