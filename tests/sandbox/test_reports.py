"""Reports API operations: lifecycle, validation, listing, schedules (layouts: test_layouts.py)."""
from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from pipelines.sandbox.seller import SyntheticSeller

from .conftest import DE, JP, US, rows

REPORTS = "/reports/2021-06-30/reports"
DAY = ("2025-01-01T00:00:00Z", "2025-01-01T23:59:59Z")  # dataEndTime is inclusive
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


def test_lifecycle_moves_from_in_queue_to_done(fresh):
    api = fresh(processing_delay=0.6)
    report_id = api.create_report(ORDERS, start=DAY[0], end=DAY[1]).json()["reportId"]
    seen = [api.get_report(report_id)["processingStatus"]]
    final = api.wait_report(report_id)
    seen.append(final["processingStatus"])
    assert seen == ["IN_QUEUE", "DONE"]
    assert final["processingStartTime"] <= final["processingEndTime"] and final["reportDocumentId"]


def test_orders_agree_with_the_seller_and_cancelled_lines_are_empty(api):
    text, _ = api.report_text(ORDERS, (US,), start=DAY[0], end=DAY[1])
    got = rows(text)
    seller = SyntheticSeller()
    items = seller.order_items(US, datetime(2025, 1, 1).date())
    assert len(got) == len(items)
    assert sum(int(r["quantity"]) for r in got) == sum(i.quantity for i in items)
    cancelled = [r for r in got if r["order-status"] == "Cancelled"]
    assert cancelled, "the sample day has cancelled orders"
    assert all(r["quantity"] == "0" and r["item-price"] == "" and r["currency"] == "" for r in cancelled)
    assert got[0]["purchase-date"].endswith("+00:00") and "T" in got[0]["purchase-date"]


def test_window_includes_both_ends_to_the_second(api):
    text, _ = api.report_text(ORDERS, (US,), start=DAY[0], end=DAY[1])
    stamps = sorted(r["purchase-date"] for r in rows(text))
    cut = stamps[len(stamps) // 2]  # a real purchase time: it belongs to both windows
    first, _ = api.report_text(ORDERS, (US,), start=DAY[0], end=cut)
    second, _ = api.report_text(ORDERS, (US,), start=cut, end=DAY[1])
    a, b = rows(first), rows(second)
    assert a[-1]["purchase-date"] == cut == b[0]["purchase-date"]
    assert all(r["purchase-date"] <= cut for r in a) and all(r["purchase-date"] >= cut for r in b)


def test_empty_window_ends_cancelled(api):
    report_id = api.create_report(ORDERS, start="2025-01-01T00:00:00Z", end="2025-01-01T00:00:01Z").json()["reportId"]
    report = api.wait_report(report_id)
    assert report["processingStatus"] == "CANCELLED" and "reportDocumentId" not in report


def test_snapshot_reports_ignore_the_window(api):
    a, _ = api.report_text("GET_MERCHANT_LISTINGS_ALL_DATA", (US,), start=DAY[0], end=DAY[0])
    b, _ = api.report_text("GET_MERCHANT_LISTINGS_ALL_DATA", (US,))
    assert rows(a) == rows(b) and len(rows(a)) == 24
    assert rows(a)[0]["open-date"][-3:] in ("PST", "PDT")


def test_document_charsets_follow_the_marketplace(api):
    de, r = api.report_text("GET_MERCHANT_LISTINGS_ALL_DATA", (DE,))
    assert r.headers["content-type"] == "text/plain; charset=Cp1252"
    assert "ü" in de or "ß" in de or "ö" in de
    with pytest.raises(UnicodeDecodeError):
        gzip.decompress(r.content).decode("utf-8")
    jp, r = api.report_text("GET_MERCHANT_LISTINGS_ALL_DATA", (JP,))
    assert r.headers["content-type"] == "text/plain; charset=Shift_JIS"
    assert "竹製まな板" in jp


def test_ledger_uses_month_day_year_dates(api):
    text, _ = api.report_text("GET_LEDGER_DETAIL_VIEW_DATA", (US,), start=DAY[0], end=DAY[1])
    assert {r["Date"] for r in rows(text.replace('"', ""))} == {"01/01/2025"}  # values are quoted


@pytest.mark.parametrize("granularity,keys", [("PARENT", {"parentAsin"}), ("CHILD", {"parentAsin", "childAsin"}),
                                               ("SKU", {"parentAsin", "childAsin", "sku"})])
def test_sales_and_traffic_granularity(api, granularity, keys):
    text, _ = api.report_text("GET_SALES_AND_TRAFFIC_REPORT", (US,), start=DAY[0], end="2025-01-02T23:59:59Z",
                              options={"dateGranularity": "DAY", "asinGranularity": granularity})
    doc = json.loads(text)
    assert [d["date"] for d in doc["salesAndTrafficByDate"]] == ["2025-01-01", "2025-01-02"]
    by_asin = doc["salesAndTrafficByAsin"]
    assert all(keys <= set(r) and not ({"parentAsin", "childAsin", "sku"} - keys) & set(r) for r in by_asin)
    units = sum(d["salesByDate"]["unitsOrdered"] for d in doc["salesAndTrafficByDate"])
    assert units == sum(r["salesByAsin"]["unitsOrdered"] for r in by_asin)
    seller = SyntheticSeller()
    assert units == sum(i.quantity for d in (1, 2) for i in seller.order_items(US, datetime(2025, 1, d).date()))


NOW = datetime.now(timezone.utc)


@pytest.mark.parametrize("body,needle", [
    ({"reportType": "GET_NO_SUCH_REPORT", "marketplaceIds": [US]}, "reportType"),
    ({"marketplaceIds": [US]}, "reportType"),
    ({"reportType": ORDERS, "marketplaceIds": []}, "marketplaceIds"),
    ({"reportType": ORDERS, "marketplaceIds": [US] * 26}, "at most 25"),
    ({"reportType": ORDERS, "marketplaceIds": ["A1F83G8C2ARO7P"]}, "marketplaceIds"),
    ({"reportType": ORDERS, "marketplaceIds": [US], "dataStartTime": "yesterday"}, "dataStartTime"),
    ({"reportType": ORDERS, "marketplaceIds": [US], "dataStartTime": DAY[1], "dataEndTime": DAY[0]}, "after"),
    ({"reportType": ORDERS, "marketplaceIds": [US],
      "dataEndTime": (NOW + timedelta(days=2)).isoformat()}, "future"),
    ({"reportType": SETTLEMENT, "marketplaceIds": [US]}, "cannot be requested"),
    ({"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": [US, DE]}, "exactly one"),
    ({"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": [US],
      "reportOptions": {"asinGranularity": "BRAND"}}, "asinGranularity"),
])
def test_create_report_validation(api, body, needle):
    r = api.call("createReport", "POST", REPORTS, json=body)
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["code"] == "InvalidInput" and needle in err["message"] + err.get("details", "")


def test_unknown_ids_are_404(api):
    for op, method, path in (("getReport", "GET", f"{REPORTS}/1"), ("cancelReport", "DELETE", f"{REPORTS}/1"),
                             ("getReportDocument", "GET", "/reports/2021-06-30/documents/nope"),
                             ("getReportSchedule", "GET", "/reports/2021-06-30/schedules/1"),
                             ("cancelReportSchedule", "DELETE", "/reports/2021-06-30/schedules/1")):
        r = api.call(op, method, path)
        assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NotFound"


def test_cancel_only_in_queue(fresh):
    api = fresh(processing_delay=5.0)
    report_id = api.create_report(ORDERS, start=DAY[0], end=DAY[1]).json()["reportId"]
    assert api.call("cancelReport", "DELETE", f"{REPORTS}/{report_id}").status_code == 200
    assert api.get_report(report_id)["processingStatus"] == "CANCELLED"
    done = fresh()
    report_id = done.create_report(ORDERS, start=DAY[0], end=DAY[1]).json()["reportId"]
    done.wait_report(report_id)
    r = done.call("cancelReport", "DELETE", f"{REPORTS}/{report_id}")
    assert r.status_code == 400 and "IN_QUEUE" in r.json()["errors"][0]["message"]


def test_get_reports_filters_and_pages(fresh):
    api = fresh()
    ids = [api.create_report(ORDERS, (mp,), start=DAY[0], end=DAY[1]).json()["reportId"] for mp in (US, DE, JP)]
    for i in ids:
        api.wait_report(i)
    listing = api.call("getReports", "GET", REPORTS, params={"reportTypes": ORDERS, "pageSize": 2}).json()
    assert len(listing["reports"]) == 2 and listing["nextToken"]
    rest = api.call("getReports", "GET", REPORTS, params={"nextToken": listing["nextToken"]}).json()
    got = [r["reportId"] for r in listing["reports"] + rest["reports"]]
    assert sorted(got) == sorted(ids) and "nextToken" not in rest
    only_de = api.call("getReports", "GET", REPORTS, params={"reportTypes": ORDERS, "marketplaceIds": DE}).json()
    assert [r["marketplaceIds"] for r in only_de["reports"]] == [[DE]]
    none = api.call("getReports", "GET", REPORTS,
                    params={"reportTypes": ORDERS, "processingStatuses": "IN_QUEUE,FATAL"}).json()
    assert none["reports"] == []
    earlier = api.call("getReports", "GET", REPORTS, params={
        "reportTypes": ORDERS, "createdUntil": (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()})
    assert earlier.json()["reports"] == []


@pytest.mark.parametrize("params,needle", [
    ({}, "reportTypes"),
    ({"reportTypes": ORDERS, "pageSize": "0"}, "pageSize"),
    ({"reportTypes": ORDERS, "pageSize": "101"}, "pageSize"),
    ({"reportTypes": ORDERS, "processingStatuses": "BAD_VALUE"}, "processingStatuses"),
    ({"reportTypes": ORDERS, "createdSince": "not-a-date"}, "createdSince"),
    ({"reportTypes": ORDERS, "nextToken": "abc"}, "only parameter"),
    ({"nextToken": "!!!"}, "nextToken"),
    ({"reportTypes": ",".join([ORDERS] * 11)}, "at most 10"),
])
def test_get_reports_validation(api, params, needle):
    r = api.call("getReports", "GET", REPORTS, params=params)
    assert r.status_code == 400 and needle in r.json()["errors"][0]["message"]


def test_settlements_are_listed_every_14_days_and_render(api):
    listed = []
    params = {"reportTypes": SETTLEMENT, "marketplaceIds": US, "pageSize": 100}
    listed = api.call("getReports", "GET", REPORTS, params=params).json()["reports"]
    assert len(listed) >= 6  # 90 days of retention
    starts = sorted(datetime.fromisoformat(r["dataStartTime"]) for r in listed)
    assert all(b - a == timedelta(days=14) for a, b in zip(starts, starts[1:]))
    for r in listed:
        assert r["processingStatus"] == "DONE"
        assert datetime.fromisoformat(r["createdTime"]).date() == \
            (datetime.fromisoformat(r["dataEndTime"]) + timedelta(days=1)).date()
    report = api.get_report(listed[0]["reportId"])
    doc = api.document(report["reportDocumentId"])
    got = rows(gzip.decompress(httpx.get(doc["url"]).content).decode("utf-8"))
    summary, lines = got[0], got[1:]
    assert summary["transaction-type"] == "" and summary["settlement-start-date"].endswith(" UTC")
    assert Counter(r["transaction-type"] for r in lines).keys() <= {"Order", "Refund"}
    total = sum(float(r["amount"]) for r in lines)
    assert abs(total - float(summary["total-amount"])) < 0.01
    assert any(r["amount-description"] == "FBAPerUnitFulfillmentFee" for r in lines)


def test_eu_settlement_amounts_use_a_comma(api):
    listed = api.call("getReports", "GET", REPORTS, params={"reportTypes": SETTLEMENT, "marketplaceIds": DE})
    doc = api.document(listed.json()["reports"][0]["reportDocumentId"])
    r = httpx.get(doc["url"])
    assert r.headers["content-type"] == "text/plain; charset=Cp1252"
    got = rows(gzip.decompress(r.content).decode("cp1252"))
    assert "," in got[0]["total-amount"] and all("." not in r["amount"] for r in got[1:])


def test_schedules_create_list_get_cancel(fresh):
    api = fresh()
    path = "/reports/2021-06-30/schedules"
    body = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US], "period": "P1D"}
    first = api.call("createReportSchedule", "POST", path, json=body)
    assert first.status_code == 201
    second = api.call("createReportSchedule", "POST", path, json=body).json()["reportScheduleId"]
    listed = api.call("getReportSchedules", "GET", path, params={"reportTypes": body["reportType"]}).json()
    assert [s["reportScheduleId"] for s in listed["reportSchedules"]] == [second]  # same type+markets: replaced
    got = api.call("getReportSchedule", "GET", f"{path}/{second}").json()
    assert got["period"] == "P1D"
    bad = api.call("createReportSchedule", "POST", path, json={**body, "period": "P2W"})
    assert bad.status_code == 400
    assert api.call("cancelReportSchedule", "DELETE", f"{path}/{second}").status_code == 200
    assert api.call("getReportSchedule", "GET", f"{path}/{second}").status_code == 404


def test_due_schedule_creates_reports(fresh):
    api = fresh()
    past = (datetime.now(timezone.utc) - timedelta(minutes=12)).isoformat()
    body = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US], "period": "PT5M",
            "nextReportCreationTime": past}
    schedule_id = api.call("createReportSchedule", "POST", "/reports/2021-06-30/schedules",
                           json=body).json()["reportScheduleId"]
    listed = api.call("getReports", "GET", REPORTS, params={"reportTypes": body["reportType"]}).json()["reports"]
    assert len(listed) == 3 and {r["reportScheduleId"] for r in listed} == {schedule_id}
