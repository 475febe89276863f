"""Data Kiosk operations, with a stand-in engine (the real one is tested by its owner)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx
import pytest

from tests.contract import DATAKIOSK_MODEL, validate_request

QUERIES = "/dataKiosk/2023-11-15/queries"
QUERY = 'query { analytics_salesAndTraffic_2024_04_24 { salesAndTrafficByDate(startDate: "2025-01-01", ' \
        'endDate: "2025-01-03", aggregateBy: DAY, marketplaceIds: ["ATVPDKIKX0DER"]) { startDate } } }'


@dataclass
class Result:
    records: list[dict] | None
    errors: list[str] | None


class StandIn:
    """Answers by keyword: 'fail' → errors, 'empty' → no records, otherwise 25 numbered records."""

    runs = 0

    def __init__(self, seller, vendor: bool):
        self.vendor = vendor

    def execute(self, query: str, now=None) -> Result:
        StandIn.runs += 1
        if "fail" in query:
            return Result(None, ["Cannot query field 'fail'", "second problem"])
        if "empty" in query:
            return Result([], None)
        return Result([{"n": i, "name": "Küchenmesser 竹"} for i in range(25)], None)


@pytest.fixture
def dk(fresh):
    return fresh(engine_factory=StandIn, dk_page_records=10)


def create(api, query=QUERY, **extra):
    body = {"query": query, **extra}
    validate_request(DATAKIOSK_MODEL, "createQuery", {}, body)
    return api.call("createQuery", "POST", QUERIES, json=body)


def wait(api, query_id: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        q = api.call("getQuery", "GET", f"{QUERIES}/{query_id}").json()
        if q["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
            return q
        assert time.monotonic() < deadline
        time.sleep(0.02)


def download(api, document_id: str) -> httpx.Response:
    doc = api.call("getDocument", "GET", f"/dataKiosk/2023-11-15/documents/{document_id}").json()
    assert doc["documentId"] == document_id
    return httpx.get(doc["documentUrl"])


def test_pages_follow_next_token(dk):
    StandIn.runs = 0
    q = wait(dk, create(dk).json()["queryId"])
    pages = []
    while True:
        assert q["processingStatus"] == "DONE"
        r = download(dk, q["dataDocumentId"])
        assert r.headers["content-encoding"] == "gzip"  # httpx already decompressed it
        pages.append([json.loads(line) for line in r.text.splitlines()])
        token = q.get("pagination", {}).get("nextToken")
        if not token:
            break
        q = wait(dk, create(dk, paginationToken=token).json()["queryId"])
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [r["n"] for p in pages for r in p] == list(range(25))
    assert pages[0][0]["name"] == "Küchenmesser 竹"
    assert StandIn.runs == 1, "pages come from one execution"


def test_errors_end_fatal_with_an_error_document(dk):
    q = wait(dk, create(dk, QUERY.replace("startDate }", "startDate fail }")).json()["queryId"])
    assert q["processingStatus"] == "FATAL" and "dataDocumentId" not in q
    assert download(dk, q["errorDocumentId"]).json() == {
        "errorMessage": "Cannot query field 'fail'; second problem"}


def test_no_records_is_done_without_a_document(dk):
    q = wait(dk, create(dk, QUERY.replace("startDate }", "startDate empty }")).json()["queryId"])
    assert q["processingStatus"] == "DONE" and "dataDocumentId" not in q and "pagination" not in q


def test_create_query_validation(dk):
    r = dk.call("createQuery", "POST", QUERIES, json={})
    assert r.status_code == 400
    r = create(dk, "query { unbalanced ")
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == "The provided query is invalid."
    long = "query { a { " + " ".join(f"f{i}" for i in range(2000)) + " } }"
    r = create(dk, long)
    assert r.status_code == 413 and "8000" in r.json()["errors"][0]["details"]
    padded = "query {\n" + " " * 9000 + "a { b } }"  # whitespace does not count
    assert create(dk, padded).status_code == 202
    r = create(dk, paginationToken="not-issued")
    assert r.status_code == 400
    r = create(dk, "query { analytics_vendorAnalytics_2024_09_30 { x } }")
    assert r.status_code == 403


def test_cancel_and_list(fresh):
    api = fresh(engine_factory=StandIn, processing_delay=5.0)
    first = create(api).json()["queryId"]
    second = create(api).json()["queryId"]
    assert api.call("cancelQuery", "DELETE", f"{QUERIES}/{first}").status_code == 204
    assert api.call("cancelQuery", "DELETE", f"{QUERIES}/{first}").status_code == 204  # no-op
    assert api.call("getQuery", "GET", f"{QUERIES}/{first}").json()["processingStatus"] == "CANCELLED"
    assert api.call("cancelQuery", "DELETE", f"{QUERIES}/nope").status_code == 404
    page = api.call("getQueries", "GET", QUERIES, params={"pageSize": 1}).json()
    assert [q["queryId"] for q in page["queries"]] == [second]
    rest = api.call("getQueries", "GET", QUERIES,
                    params={"pageSize": 5, "paginationToken": page["pagination"]["nextToken"]}).json()
    assert [q["queryId"] for q in rest["queries"]] == [first] and "pagination" not in rest
    cancelled = api.call("getQueries", "GET", QUERIES, params={"processingStatuses": "CANCELLED"}).json()
    assert [q["queryId"] for q in cancelled["queries"]] == [first]
    bad = api.call("getQueries", "GET", QUERIES, params={"pageSize": 1, "processingStatuses": "DONE",
                                                         "paginationToken": page["pagination"]["nextToken"]})
    assert bad.status_code == 400


def test_done_query_cannot_be_cancelled(dk):
    query_id = create(dk).json()["queryId"]
    wait(dk, query_id)
    assert dk.call("cancelQuery", "DELETE", f"{QUERIES}/{query_id}").status_code == 400


@pytest.mark.parametrize("fault,status", [("fatal", "FATAL"), ("cancelled", "CANCELLED")])
def test_faults_apply_to_queries(dk, fault, status):
    dk.sb.inject(fault, operation="createQuery")
    q = wait(dk, create(dk).json()["queryId"])
    assert q["processingStatus"] == status
    if status == "FATAL":
        assert "errorMessage" in download(dk, q["errorDocumentId"]).json()


def test_slow_fault_applies_to_queries(fresh):
    api = fresh(engine_factory=StandIn, processing_delay=0.2)
    api.sb.inject("slow", operation="createQuery", factor=10)
    query_id = create(api).json()["queryId"]
    time.sleep(0.4)
    assert api.call("getQuery", "GET", f"{QUERIES}/{query_id}").json()["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS")


def test_with_the_real_engine(fresh):
    pytest.importorskip("pipelines.sandbox.datakiosk_engine")
    api = fresh()
    q = wait(api, create(api).json()["queryId"])
    if q["processingStatus"] == "FATAL":
        pytest.fail(download(api, q["errorDocumentId"]).text)
    lines = download(api, q["dataDocumentId"]).text.splitlines()
    assert [json.loads(line)["startDate"] for line in lines] == ["2025-01-01", "2025-01-02", "2025-01-03"]


def test_queries_and_documents_are_kept_for_their_retention_only(fresh):
    """Every Sales and Traffic field is @resultRetention(duration: "P30D")."""
    from datetime import datetime, timedelta, timezone

    api = fresh()
    q = wait(api, create(api).json()["queryId"])
    doc = q["dataDocumentId"]
    assert api.call("getDocument", "GET", f"/dataKiosk/2023-11-15/documents/{doc}").status_code == 200

    api.sb.travel_to(datetime.now(timezone.utc) + timedelta(days=29))
    assert api.call("getQuery", "GET", f"{QUERIES}/{q['queryId']}").status_code == 200

    api.sb.travel_to(datetime.now(timezone.utc) + timedelta(days=31))
    assert api.call("getQuery", "GET", f"{QUERIES}/{q['queryId']}").status_code == 404
    assert api.call("getDocument", "GET", f"/dataKiosk/2023-11-15/documents/{doc}").status_code == 404
    listed = api.call("getQueries", "GET", QUERIES, params={"createdSince": "2020-01-01T00:00:00Z"}).json()
    assert q["queryId"] not in [x["queryId"] for x in listed["queries"]]
