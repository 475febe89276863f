"""Every injectable fault, armed through sb.inject(...) or POST /_sandbox/faults."""
from __future__ import annotations

import gzip
import json
import zlib

import httpx
import pytest

from pipelines.sandbox.faults import FAULTS, FaultError

from .conftest import US

LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
REPORTS = "/reports/2021-06-30/reports"


def _report(api):
    return api.wait_report(api.create_report(LISTINGS, (US,)).json()["reportId"])


def test_throttle_then_recover(fresh):
    api = fresh()
    api.sb.inject("throttle", operation="createReport", count=2)
    codes = [api.create_report(LISTINGS).status_code for _ in range(3)]
    assert codes == [429, 429, 202]
    assert api.call("getReport", "GET", f"{REPORTS}/1").status_code == 404  # other operations untouched


def test_server_error_500_and_503(fresh):
    api = fresh()
    api.sb.inject("server_error", operation="getReport")
    api.sb.inject("server_error", operation="getReport", status=503)
    first, second = (api.call("getReport", "GET", f"{REPORTS}/1") for _ in range(2))
    assert (first.status_code, second.status_code) == (500, 503)
    assert first.json()["errors"][0]["code"] == "InternalFailure"
    assert api.call("getReport", "GET", f"{REPORTS}/1").status_code == 404


def test_fatal_report_has_an_error_document(fresh):
    api = fresh()
    api.sb.inject("fatal")
    report = _report(api)
    assert report["processingStatus"] == "FATAL" and report["reportDocumentId"]
    body = httpx.get(api.document(report["reportDocumentId"])["url"]).content
    assert "errorDetails" in json.loads(gzip.decompress(body))
    assert _report(api)["processingStatus"] == "DONE"


def test_cancelled_report(fresh):
    api = fresh()
    api.sb.inject("cancelled", operation="createReport")
    assert _report(api)["processingStatus"] == "CANCELLED"


def test_slow_processing(fresh):
    api = fresh(processing_delay=0.2)
    api.sb.inject("slow", factor=10)
    report_id = api.create_report(LISTINGS).json()["reportId"]
    import time
    time.sleep(0.4)  # past the normal delay, well within the 2 s slowed one
    assert api.get_report(report_id)["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS")
    assert api.wait_report(report_id)["processingStatus"] == "DONE"


def test_expire_url(fresh):
    api = fresh()
    document_id = _report(api)["reportDocumentId"]
    api.sb.inject("expire_url")
    r = httpx.get(api.document(document_id)["url"])
    assert r.status_code == 403 and b"Request has expired" in r.content
    assert httpx.get(api.document(document_id)["url"]).status_code == 200


def test_drop_connection_mid_body(fresh):
    api = fresh()
    url = api.document(_report(api)["reportDocumentId"])["url"]
    api.sb.inject("drop_connection")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    assert gzip.decompress(httpx.get(url).content)


def test_truncated_gzip(fresh):
    api = fresh()
    url = api.document(_report(api)["reportDocumentId"])["url"]
    api.sb.inject("truncated_gzip")
    r = httpx.get(url)
    assert r.status_code == 200
    with pytest.raises((EOFError, zlib.error)):
        gzip.decompress(r.content)
    assert gzip.decompress(httpx.get(url).content)


def test_new_column(fresh):
    api = fresh()
    api.sb.inject("new_column")
    url = api.document(_report(api)["reportDocumentId"])["url"]
    header = gzip.decompress(httpx.get(url).content).decode().split("\n", 1)[0].split("\t")
    assert header[-1] == "new-amazon-column"
    url = api.document(_report(api)["reportDocumentId"])["url"]
    assert "new-amazon-column" not in gzip.decompress(httpx.get(url).content).decode().split("\n", 1)[0]


def test_faults_over_http(fresh):
    api = fresh()
    r = httpx.post(api.sb.url + "/_sandbox/faults", json={"fault": "throttle", "operation": "getReport", "count": 1})
    assert r.status_code == 201 and r.json()["armed"][0]["fault"] == "throttle"
    assert httpx.get(api.sb.url + "/_sandbox/faults").json()["armed"]
    assert api.call("getReport", "GET", f"{REPORTS}/1").status_code == 429
    assert httpx.post(api.sb.url + "/_sandbox/faults", json={"fault": "gremlins"}).status_code == 400
    httpx.post(api.sb.url + "/_sandbox/faults", json={"fault": "throttle", "count": None})
    assert httpx.delete(api.sb.url + "/_sandbox/faults").status_code == 204
    assert api.call("getReport", "GET", f"{REPORTS}/1").status_code == 404


def test_unknown_fault_is_refused(sandbox):
    with pytest.raises(FaultError, match="known faults"):
        sandbox.inject("gremlins")
    assert set(FAULTS) == {"throttle", "server_error", "drop_connection", "expire_url", "fatal", "cancelled",
                           "truncated_gzip", "new_column", "malformed_row", "slow", "empty_document", "empty_gzip",
                           "headerless", "header_only", "html_document", "foreign_header", "wrong_json",
                           "stuck_in_queue", "lost_response"}


def test_malformed_row_fault_puts_an_unparsable_integer_in_the_second_row(fresh):
    from pipelines.sandbox.render import MALFORMED_VALUE

    api = fresh()
    api.sb.inject("malformed_row")
    text, _ = api.report_text("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", (US,),
                              start="2025-01-01T00:00:00Z", end="2025-01-01T23:59:59Z")
    rows = [line.split("\t") for line in text.splitlines()]
    quantity = rows[0].index("quantity")
    assert rows[2][quantity] == MALFORMED_VALUE and rows[1][quantity].isdigit()
