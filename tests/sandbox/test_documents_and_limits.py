"""Document URLs (expiry, encodings, streaming) and usage-plan rate limits."""
from __future__ import annotations

import gzip
import time
from urllib.parse import parse_qs, urlsplit

import httpx

from pipelines.sandbox.operations import load_operations

from .conftest import US, rows

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"


def _done_document(api, report_type=LISTINGS, **kw) -> str:
    report = api.wait_report(api.create_report(report_type, (US,), **kw).json()["reportId"])
    return report["reportDocumentId"]


def test_document_url_is_presigned_and_expires(fresh):
    api = fresh(document_ttl=0.4)
    doc = api.document(_done_document(api))
    query = parse_qs(urlsplit(doc["url"]).query)
    assert {"X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature"} <= set(query)
    assert httpx.get(doc["url"]).status_code == 200
    time.sleep(0.45)
    r = httpx.get(doc["url"])
    assert r.status_code == 403
    assert b"<Code>AccessDenied</Code>" in r.content and b"<Message>Request has expired</Message>" in r.content
    forged = doc["url"].replace(query["X-Amz-Signature"][0], "0" * 64)
    assert httpx.get(forged).status_code == 403


def test_default_ttl_is_five_minutes(api):
    doc = api.document(_done_document(api))
    assert parse_qs(urlsplit(doc["url"]).query)["X-Amz-Expires"] == ["300"]


def test_content_encoding_header_on_request(api):
    document_id = _done_document(api)
    plain = httpx.get(api.document(document_id)["url"])
    assert "content-encoding" not in plain.headers and plain.content[:2] == b"\x1f\x8b"
    auto = httpx.get(api.document(document_id, enableContentEncodingUrlHeader="true")["url"])
    assert auto.headers["content-encoding"] == "gzip"
    assert auto.text.startswith("item-name\t")  # httpx decompressed it


def test_large_document_streams_in_chunks(fresh):
    api = fresh(orders_per_day=20000)
    doc = api.document(_done_document(api, ORDERS, start="2025-01-01T00:00:00Z", end="2025-01-02T00:00:00Z"))
    with httpx.stream("GET", doc["url"]) as r:
        chunks = [c for c in r.iter_raw(64 * 1024)]
    assert len(chunks) > 1
    got = rows(gzip.decompress(b"".join(chunks)).decode("utf-8"))
    assert len(got) > 20000


# The usage-plan tables of the official models, as their docs state them.
OFFICIAL_PLANS = {
    "getReports": (0.0222, 10), "createReport": (0.0167, 15), "cancelReport": (0.0222, 10),
    "getReport": (2.0, 15), "getReportSchedules": (0.0222, 10), "createReportSchedule": (0.0222, 10),
    "cancelReportSchedule": (0.0222, 10), "getReportSchedule": (0.0222, 10), "getReportDocument": (0.0167, 15),
    "getQueries": (0.0222, 10), "createQuery": (0.0167, 15), "cancelQuery": (0.0222, 10),
    "getQuery": (2.0, 15), "getDocument": (0.0167, 15), "createRestrictedDataToken": (1.0, 10),
}


def test_every_operation_is_served_with_its_official_usage_plan():
    ops = load_operations()
    assert {op_id: (op.rate, op.burst) for op_id, op in ops.items()} == OFFICIAL_PLANS


def test_burst_then_429_with_the_applied_rate(fresh):
    api = fresh(time_scale=1.0)
    params = {"reportTypes": LISTINGS}
    statuses = [api.call("getReports", "GET", "/reports/2021-06-30/reports", params=params) for _ in range(11)]
    assert [r.status_code for r in statuses] == [200] * 10 + [429]
    assert statuses[-1].json() == {"errors": [{"code": "QuotaExceeded",
                                               "message": "You exceeded your quota for the requested resource."}]}
    assert statuses[0].headers["x-amzn-RateLimit-Limit"] == "0.0222"
    # buckets are per operation: getReport still has its own burst
    assert api.call("getReport", "GET", "/reports/2021-06-30/reports/1").status_code == 404


def test_time_scale_multiplies_the_rate(fresh):
    api = fresh(time_scale=10.0)
    path = "/reports/2021-06-30/reports/1"
    r = api.call("getReport", "GET", path)
    assert r.headers["x-amzn-RateLimit-Limit"] == "20"
    drained = 1
    while api.call("getReport", "GET", path).status_code != 429:
        drained += 1
        assert drained < 200, "the burst of 15 never ran out"
    time.sleep(0.35)  # 20 requests/s refills about 7 tokens
    assert [api.call("getReport", "GET", path).status_code for _ in range(5)] == [404] * 5


def test_big_reports_render_in_a_worker_process(fresh):
    api = fresh(process_render_rows=10)
    text, _ = api.report_text(ORDERS, (US,), start="2025-01-01T00:00:00Z", end="2025-01-02T00:00:00Z")
    assert len(rows(text)) > 40
    assert api.sb.app.ctx._processes is not None, "the render went to the process pool"
