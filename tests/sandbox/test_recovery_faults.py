"""The sandbox faults behind the client's recovery: a job stuck IN_QUEUE until it is
cancelled, and a call that takes effect but answers 500 or drops the connection."""
from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import US
from tests.sandbox.test_datakiosk import QUERIES, QUERY, StandIn, create, wait

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
WINDOW = dict(start="2025-01-01T00:00:00Z", end="2025-01-02T00:00:00Z")


def test_a_stuck_report_stays_in_queue_until_cancelled(fresh):
    api = fresh()
    api.sb.inject("stuck_in_queue", operation="createReport", count=1)
    stuck = api.create_report(ORDERS, **WINDOW).json()["reportId"]
    after = api.create_report(ORDERS, **WINDOW).json()["reportId"]
    assert api.wait_report(after)["processingStatus"] == "DONE"  # created later, done; the stuck one waits on
    assert api.get_report(stuck)["processingStatus"] == "IN_QUEUE"
    assert api.call("cancelReport", "DELETE", f"/reports/2021-06-30/reports/{stuck}").status_code == 200
    report = api.get_report(stuck)
    assert report["processingStatus"] == "CANCELLED" and "reportDocumentId" not in report


def test_a_stuck_query_stays_in_queue_until_cancelled(fresh):
    api = fresh(engine_factory=StandIn)
    api.sb.inject("stuck_in_queue", operation="createQuery", count=1)
    stuck = create(api).json()["queryId"]
    after = create(api).json()["queryId"]
    assert wait(api, after)["processingStatus"] == "DONE"
    assert api.call("getQuery", "GET", f"{QUERIES}/{stuck}").json()["processingStatus"] == "IN_QUEUE"
    assert api.call("cancelQuery", "DELETE", f"{QUERIES}/{stuck}").status_code == 204
    assert wait(api, stuck)["processingStatus"] == "CANCELLED"


def test_a_lost_response_takes_effect_then_answers_500_or_nothing(fresh):
    api = fresh(engine_factory=StandIn)
    api.sb.inject("lost_response", operation="createReport", count=1)
    r = api.create_report(ORDERS, [US], **WINDOW)
    assert r.status_code == 500 and r.json()["errors"][0]["code"] == "InternalFailure"
    api.sb.inject("lost_response", operation="createQuery", count=1, drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        create(api)
    listed = api.call("getReports", "GET", "/reports/2021-06-30/reports",
                      params={"reportTypes": ORDERS, "processingStatuses": "IN_QUEUE,IN_PROGRESS,DONE"}).json()
    assert len(listed["reports"]) == 1  # the create answered 500 made its report all the same
    queries = api.call("getQueries", "GET", QUERIES).json()["queries"]
    assert [q["query"] for q in queries] == [QUERY]  # and the dropped one its query
    assert api.create_report(ORDERS, [US], **WINDOW).status_code == 202  # each fault is spent once


def test_lost_response_drop_must_be_a_boolean(sandbox):
    from pipelines.sandbox.faults import FaultError

    with pytest.raises(FaultError, match="drop must be true or false"):
        sandbox.inject("lost_response", drop="yes")
