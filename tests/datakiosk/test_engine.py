"""The sandbox Data Kiosk engine: real GraphQL execution that agrees with the seller's facts."""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pipelines.datakiosk_queries import load_queries, render
from pipelines.sandbox.datakiosk_engine import DataKioskEngine
from pipelines.sandbox.seller import SyntheticSeller

TODAY = date(2025, 6, 1)
DAY = date(2025, 5, 10)
MPS = ["ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"]


@pytest.fixture(scope="module")
def seller():
    return SyntheticSeller(seed=7, orders_per_day=40, skus=24)


@pytest.fixture(scope="module")
def engine(seller):
    return DataKioskEngine(seller, today=TODAY)


@pytest.fixture(scope="module")
def specs():
    return {s.name: s for s in load_queries(today=TODAY)}


def run(engine, spec, start, end, mps=MPS):
    result = engine.execute(render(spec, start, end, mps))
    assert result.errors is None, result.errors
    return result.records


def test_units_and_sales_by_sku_equal_the_sellers_orders_of_the_day(engine, seller, specs):
    records = run(engine, specs["sales_and_traffic_by_sku"], DAY, DAY)
    assert len(records) == 24 * 3
    for mp in MPS:
        units, sales = Counter(), defaultdict(Decimal)
        for item in seller.order_items(mp, DAY):
            units[item.sku] += item.quantity
            sales[item.sku] += item.item_price or Decimal(0)
        rows = {r["sku"]: r for r in records if r["marketplaceId"] == mp}
        assert set(rows) == {p.sku for p in seller.products(mp)}
        assert sum(units.values()) > 0
        for sku, row in rows.items():
            assert row["startDate"] == row["endDate"] == DAY.isoformat()
            assert row["sales"]["unitsOrdered"] == units[sku]
            assert Decimal(str(row["sales"]["orderedProductSales"]["amount"])) == sales[sku]
            assert row["sales"]["orderedProductSales"]["currencyCode"] == seller.marketplace(mp).currency
            traffic = seller.traffic(mp, DAY, row["childAsin"])
            assert (row["traffic"]["sessions"], row["traffic"]["pageViews"]) == (traffic.sessions, traffic.page_views)


def test_records_are_list_elements_with_only_the_selected_fields(engine, specs):
    record = run(engine, specs["sales_and_traffic_by_child_asin"], DAY, DAY, MPS[:1])[0]
    assert set(record) == {"startDate", "endDate", "marketplaceId", "parentAsin", "childAsin", "sales", "traffic"}
    for column in specs["sales_and_traffic_by_child_asin"].columns:  # every column path resolves in a record
        value = record
        for part in column.source.split("."):
            value = value[part]


def test_by_date_totals_agree_with_the_by_asin_rows(engine, specs):
    by_date = run(engine, specs["sales_and_traffic_by_date"], DAY, DAY + timedelta(2))
    assert len(by_date) == 3 * 3
    by_asin = run(engine, specs["sales_and_traffic_by_child_asin"], DAY, DAY)
    for mp in MPS:
        day_row = next(r for r in by_date if r["marketplaceId"] == mp and r["startDate"] == DAY.isoformat())
        rows = [r for r in by_asin if r["marketplaceId"] == mp]
        assert day_row["sales"]["unitsOrdered"] == sum(r["sales"]["unitsOrdered"] for r in rows)
        assert day_row["traffic"]["sessions"] == sum(r["traffic"]["sessions"] for r in rows)
        assert day_row["sales"]["totalOrderItems"] == sum(r["sales"]["totalOrderItems"] for r in rows)
        assert sum(r["traffic"]["pageViewsPercentage"] for r in rows) == pytest.approx(100, abs=0.2)


def test_economics_fees_and_proceeds_come_from_the_sellers_fees(engine, seller, specs):
    records = run(engine, specs["economics_by_msku_day"], DAY, DAY, MPS[:1])
    mp = MPS[0]
    referral, fba, units = defaultdict(Decimal), defaultdict(Decimal), Counter()
    for item in seller.order_items(mp, DAY):
        referral[item.sku] += seller.referral_fee(item)
        fba[item.sku] += seller.fba_fee(item)
        units[item.sku] += item.quantity
    start = datetime.combine(DAY, datetime.min.time(), timezone.utc)
    refunded = Counter()
    for ret in seller.returns_between(mp, start, start + timedelta(days=1)):
        refunded[ret.shipment.item.sku] += ret.quantity
    assert {r["msku"] for r in records} == {sku for sku in set(units) | set(refunded) if units[sku] or refunded[sku]}
    for row in records:
        fees = {f["feeTypeName"]: f["charges"][0]["aggregatedDetail"]["totalAmount"]["amount"] for f in row["fees"]}
        assert Decimal(str(fees["Referral fees"])) == referral[row["msku"]]
        assert Decimal(str(fees.get("FBA fulfillment fees", 0))) == fba[row["msku"]]
        assert row["sales"]["unitsOrdered"] == units[row["msku"]]
        assert row["sales"]["unitsRefunded"] == refunded[row["msku"]]
        assert row["sales"]["netUnitsSold"] == units[row["msku"]] - refunded[row["msku"]]
        net = Decimal(str(row["sales"]["netProductSales"]["amount"])) - sum(Decimal(str(v)) for v in fees.values())
        assert Decimal(str(row["netProceeds"]["total"]["amount"])) == net


def test_week_aggregation_uses_whole_sunday_to_saturday_weeks(engine, seller):
    query = ('{analytics_salesAndTraffic_2024_04_24{salesAndTrafficByDate(startDate:"2025-05-01" '
             'endDate:"2025-05-20" aggregateBy:WEEK marketplaceIds:["ATVPDKIKX0DER"]){startDate endDate '
             'sales{unitsOrdered}}}}')
    rows = engine.execute(query).records
    assert [(r["startDate"], r["endDate"]) for r in rows] == [("2025-05-04", "2025-05-10"),
                                                              ("2025-05-11", "2025-05-17")]
    week = [date(2025, 5, 4) + timedelta(d) for d in range(7)]
    assert rows[0]["sales"]["unitsOrdered"] == sum(i.quantity for d in week
                                                   for i in seller.order_items("ATVPDKIKX0DER", d))


def test_invalid_query_is_an_error_not_data(engine):
    result = engine.execute('{analytics_salesAndTraffic_2024_04_24{salesAndTrafficByDate(startDate:"2025-05-01" '
                            'endDate:"2025-05-02" aggregateBy:DAY marketplaceIds:["ATVPDKIKX0DER"]){unitsOrderd}}}')
    assert result.records is None
    assert result.errors == ["Cannot query field 'unitsOrderd' on type 'SalesAndTrafficByDate'. "
                             "(line 1, column 155)"]
    assert engine.execute("{ not graphql").errors[0].startswith("Syntax Error")
    assert "versioned domain field" in engine.execute("{ analytics_other_2020_01_01 { x } }").errors[0]


def test_start_more_than_two_years_back_and_unknown_marketplace_are_errors(engine, specs):
    spec = specs["sales_and_traffic_by_date"]
    old = engine.execute(render(spec, date(2023, 5, 31), date(2023, 6, 1), MPS))
    assert old.records is None and "no more than two years ago" in old.errors[0]
    assert engine.execute(render(spec, date(2023, 6, 1), date(2023, 6, 1), MPS)).errors is None
    bad = engine.execute(render(spec, DAY, DAY, ["A1F83G8C2ARO7P"]))
    assert "Invalid marketplaceIds ['A1F83G8C2ARO7P']" in bad.errors[0]


def test_days_after_today_have_no_data(engine, specs):
    assert run(engine, specs["sales_and_traffic_by_date"], TODAY + timedelta(1), TODAY + timedelta(5)) == []


def test_vendor_datasets_are_denied_to_a_seller_account(engine, specs):
    for name in ("vendor_manufacturing_view", "vendor_sourcing_view"):
        result = engine.execute(render(specs[name], DAY, DAY))
        assert result.records is None and result.access_denied
        assert "Access to requested resource is denied." in result.errors[0]


def test_vendor_account_gets_deterministic_views_derived_from_the_products(seller, specs):
    engine = DataKioskEngine(seller, vendor=True, today=TODAY)
    query = render(specs["vendor_manufacturing_view"], DAY, DAY + timedelta(1))
    first, second = engine.execute(query), engine.execute(query)
    assert first.errors is None and first.records == second.records
    assert len(first.records) == 2 * 3  # a row per day and marketplace
    row = next(r for r in first.records if r["marketplaceId"] == MPS[0] and r["startDate"] == DAY.isoformat())
    asins = [m["groupByKey"]["asin"] for m in row["metrics"]]
    assert asins == [p.asin for p in seller.products(MPS[0])]
    units = [m["metrics"]["orders"]["orderedUnitsWithRevenue"]["units"] for m in row["metrics"]]
    assert row["totals"]["orders"]["orderedUnitsWithRevenue"]["units"] == sum(units)
    assert sum(units) == sum(i.quantity for i in seller.order_items(MPS[0], DAY))
    assert row["totals"]["orders"]["orderedUnitsWithRevenue"]["value"]["currencyCode"] == "USD"
    sourcing = engine.execute(render(specs["vendor_sourcing_view"], DAY, DAY))
    assert sourcing.errors is None and len(sourcing.records) == 3


def test_thirty_days_of_24_skus_in_3_marketplaces_is_fast(seller, specs):
    engine = DataKioskEngine(seller, today=TODAY)  # fresh: no warm caches from other tests
    started = time.perf_counter()
    records = run(engine, specs["economics_by_msku_day"], DAY - timedelta(29), DAY)
    by_date = run(engine, specs["sales_and_traffic_by_date"], DAY - timedelta(29), DAY)
    assert len(by_date) == 90 and len(records) > 1000
    assert time.perf_counter() - started < 15
