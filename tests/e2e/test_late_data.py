"""Amazon restates recent days: the lookback re-pull corrects what landed early."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from pipelines.catalog import entry
from pipelines.sandbox.seller import SyntheticSeller

ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
BY_UPDATE = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL")
US = "ATVPDKIKX0DER"


def statuses(warehouse, table, day):
    return dict(warehouse.query(
        f"SELECT order_status, count(*) FROM {table} WHERE _marketplace_id = ? "
        f"AND CAST(timezone('UTC', purchase_date) AS DATE) = ? GROUP BY ALL", [US, day]))


def test_a_lookback_repull_replaces_pending_orders_with_their_final_state(run, sandbox, warehouse):
    day = date.today() - timedelta(days=5)
    morning_after = datetime.combine(day + timedelta(days=1), time(6), timezone.utc)

    sandbox.travel_to(morning_after)  # the daily sync the next morning
    run([ORDERS.asset_name], day)
    early = statuses(warehouse, ORDERS.table, day)
    assert early.get("Pending", 0) > 0  # late orders are not final yet

    sandbox.travel_to(None)  # days later: the lookback re-pulls the same day
    run([ORDERS.asset_name], day)
    final = SyntheticSeller(orders_per_day=20).order_items(US, day)
    expected = {}
    for item in final:
        expected[item.order_status] = expected.get(item.order_status, 0) + 1
    assert statuses(warehouse, ORDERS.table, day) == expected  # no Pending left, same items, no duplicates
    assert warehouse.query(f"SELECT sum(quantity) FROM {ORDERS.table} WHERE _marketplace_id = ?", [US])[0][0] \
        == sum(i.quantity for i in final)


def test_the_orders_model_keeps_each_items_latest_version(run, sandbox, warehouse):
    day = date.today() - timedelta(days=5)
    sandbox.travel_to(datetime.combine(day + timedelta(days=1), time(6), timezone.utc))
    run([BY_UPDATE.asset_name, ORDERS.asset_name], day)
    sandbox.travel_to(None)
    run([BY_UPDATE.asset_name], day, day + timedelta(days=3))  # the updates land in later windows
    run(["orders"])
    final = {(i.amazon_order_id, i.sku): i.order_status
             for i in SyntheticSeller(orders_per_day=20).order_items(US, day)}
    modeled = dict(((o, s), st) for o, s, st in warehouse.query(
        "SELECT amazon_order_id, sku, order_status FROM orders WHERE _marketplace_id = ? "
        "AND CAST(timezone('UTC', purchase_date) AS DATE) = ?", [US, day]))
    assert modeled == final


def test_daily_sales_keeps_pending_units_apart_and_orders_carry_a_currency(run, sandbox, warehouse):
    day = date.today() - timedelta(days=5)
    morning_after = datetime.combine(day + timedelta(days=1), time(6), timezone.utc)
    sandbox.travel_to(morning_after)  # late orders are still Pending, without a price
    run([ORDERS.asset_name, BY_UPDATE.asset_name], day)
    run(["orders", "daily_sales"])
    seen = SyntheticSeller(orders_per_day=20).at(morning_after).order_items(US, day)
    pending = [i for i in seen if i.order_status == "Pending"]
    assert pending  # the case under test
    assert warehouse.query(
        "SELECT sum(pending_units), sum(pending_order_items), sum(final_units), sum(final_order_items), "
        "sum(units), bool_or(in_restatement_window) FROM daily_sales WHERE marketplace_id = ? AND purchase_day = ?",
        [US, day]) == [(sum(i.quantity for i in pending), len(pending),
                        sum(i.quantity for i in seen if i.order_status != "Pending"), len(seen) - len(pending),
                        sum(i.quantity for i in seen), False)]
    assert warehouse.query("SELECT DISTINCT currency FROM orders WHERE _marketplace_id = ?", [US]) == [("USD",)]
    assert warehouse.query("SELECT count(*) FROM orders WHERE _marketplace_id = ? AND is_pending", [US]) \
        == [(len(pending),)]
