"""Document faults: the sandbox serves a body that is not the report asked for, once,
then the real document again (which the fault never changes)."""
from __future__ import annotations

import gzip
import json

import httpx
import pytest

from pipelines.sandbox.document_faults import FOREIGN_HEADER, FOREIGN_JSON, HTML_CONTENT_TYPE, JSON_CONTENT_TYPE

from .conftest import US

LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
SALES_AND_TRAFFIC = "GET_SALES_AND_TRAFFIC_REPORT"


@pytest.fixture
def api(fresh):
    return fresh()


def document_url(api, report_type=LISTINGS, **kw) -> str:
    report = api.wait_report(api.create_report(report_type, (US,), **kw).json()["reportId"])
    assert report["processingStatus"] == "DONE", report
    doc = api.document(report["reportDocumentId"])
    assert doc["compressionAlgorithm"] == "GZIP"
    return doc["url"]


def served(url: str) -> tuple[bytes, str]:
    """The body as sent (still gzip) and its Content-Type."""
    r = httpx.get(url)
    assert r.status_code == 200
    return r.content, r.headers["content-type"]


def test_each_fault_serves_its_body_once_then_the_real_document(api):
    url = document_url(api)
    real, content_type = served(url)
    text = gzip.decompress(real)
    header, rest = text.split(b"\n", 1)
    expected = {
        "empty_document": (b"", content_type, None),
        "empty_gzip": (None, content_type, b""),
        "headerless": (None, content_type, rest),
        "header_only": (None, content_type, header + b"\n"),
        "html_document": (None, HTML_CONTENT_TYPE, None),
        "foreign_header": (None, content_type, None),
        "wrong_json": (None, JSON_CONTENT_TYPE, None),
    }
    for fault, (raw, kind, plain) in expected.items():
        api.sb.inject(fault)
        body, got_type = served(url)
        assert got_type == kind, fault
        if raw is not None:
            assert body == raw
        else:
            decoded = gzip.decompress(body)
            if plain is not None:
                assert decoded == plain, fault
            elif fault == "html_document":
                assert decoded.startswith(b"<!DOCTYPE html>")
            elif fault == "foreign_header":
                lines = decoded.decode().splitlines()
                assert lines[0].split("\t") == FOREIGN_HEADER and len(lines) == 3
            else:
                assert json.loads(decoded) == FOREIGN_JSON and decoded.count(b"\n") > 3
        assert served(url) == (real, content_type), f"{fault} is used once and leaves the document as it was"


def test_header_only_json_report_keeps_its_envelope_with_empty_arrays(api):
    url = document_url(api, SALES_AND_TRAFFIC, start="2025-01-01T00:00:00Z", end="2025-01-01T23:59:59Z",
                       options={"dateGranularity": "DAY", "asinGranularity": "SKU"})
    real = json.loads(gzip.decompress(served(url)[0]))
    assert real["salesAndTrafficByAsin"]
    api.sb.inject("header_only")
    emptied = json.loads(gzip.decompress(served(url)[0]))
    assert emptied == {k: ([] if isinstance(v, list) else v) for k, v in real.items()}
    assert emptied["reportSpecification"] == real["reportSpecification"]


def test_document_faults_follow_their_operation_and_are_armed_over_http(api):
    url = document_url(api)
    real, _ = served(url)
    r = httpx.post(api.sb.url + "/_sandbox/faults", json={"fault": "empty_gzip", "operation": "getDocument"})
    assert r.status_code == 201
    assert served(url)[0] == real  # a report document is not a Data Kiosk getDocument
    r = httpx.post(api.sb.url + "/_sandbox/faults", json={"fault": "empty_document", "count": 2})
    assert r.status_code == 201
    assert [served(url)[0] for _ in range(3)] == [b"", b"", real]
    armed = httpx.get(api.sb.url + "/_sandbox/faults").json()["armed"]
    assert armed == [{"fault": "empty_gzip", "operation": "getDocument", "count": 1}]
