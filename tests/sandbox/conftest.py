"""Fixtures: a fast sandbox on a free loopback port and a tiny httpx-based caller
that validates every SP-API response body against the official model."""
from __future__ import annotations

import gzip
import time
from dataclasses import dataclass

import httpx
import pytest

from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from tests.contract import DATAKIOSK_MODEL, REPORTS_MODEL, TOKENS_MODEL, validate_response

FAST = dict(time_scale=1000.0, processing_delay=0.05)
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
MODEL_OF = {"reports": REPORTS_MODEL, "dataKiosk": DATAKIOSK_MODEL, "tokens": TOKENS_MODEL}


def lwa(url: str, **overrides) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": SANDBOX_REFRESH_TOKEN,
            "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET, **overrides}
    return httpx.post(url + "/auth/o2/token", data=form)


@dataclass
class Api:
    """Calls one operation, checks the response against the model, returns it."""

    sb: SandboxServer
    http: httpx.Client
    token: str

    def call(self, operation: str, method: str, path: str, *, params=None, json=None,
             token: str | None = None) -> httpx.Response:
        headers = {"x-amz-access-token": token or self.token}
        r = self.http.request(method, path, params=params, json=json, headers=headers)
        assert r.headers.get("x-amzn-RequestId"), "every response carries x-amzn-RequestId"
        body = r.json() if r.content else None
        validate_response(MODEL_OF[path.split("/")[1]], operation, r.status_code, body)
        return r

    # Reports
    def create_report(self, report_type: str, marketplaces=(US,), start=None, end=None, options=None):
        body = {"reportType": report_type, "marketplaceIds": list(marketplaces)}
        if start:
            body["dataStartTime"] = start
        if end:
            body["dataEndTime"] = end
        if options:
            body["reportOptions"] = options
        return self.call("createReport", "POST", "/reports/2021-06-30/reports", json=body)

    def get_report(self, report_id: str) -> dict:
        return self.call("getReport", "GET", f"/reports/2021-06-30/reports/{report_id}").json()

    def wait_report(self, report_id: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            report = self.get_report(report_id)
            if report["processingStatus"] in ("DONE", "CANCELLED", "FATAL"):
                return report
            assert time.monotonic() < deadline, f"report {report_id} still {report['processingStatus']}"
            time.sleep(0.02)

    def document(self, document_id: str, **params) -> dict:
        return self.call("getReportDocument", "GET", f"/reports/2021-06-30/documents/{document_id}",
                         params=params or None).json()

    def report_text(self, report_type: str, marketplaces=(US,), **kw) -> tuple[str, httpx.Response]:
        """Create, wait, download and decode a report; (text, download response)."""
        report_id = self.create_report(report_type, marketplaces, **kw).json()["reportId"]
        report = self.wait_report(report_id)
        assert report["processingStatus"] == "DONE", report
        doc = self.document(report["reportDocumentId"])
        assert doc["compressionAlgorithm"] == "GZIP"
        r = httpx.get(doc["url"])
        assert r.status_code == 200
        charset = r.headers["content-type"].split("charset=")[1]
        codec = {"UTF-8": "utf-8", "Cp1252": "cp1252", "Shift_JIS": "cp932"}[charset]
        return gzip.decompress(r.content).decode(codec), r


def rows(text: str) -> list[dict]:
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    out = []
    for line in lines[1:]:
        values = line.split("\t")
        assert len(values) == len(header), "every row has as many fields as the header"
        out.append(dict(zip(header, values)))
    return out


def make_api(sb: SandboxServer) -> Api:
    r = lwa(sb.url)
    assert r.status_code == 200, r.text
    return Api(sb, httpx.Client(base_url=sb.url, timeout=30), r.json()["access_token"])


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(SandboxConfig(**FAST)) as sb:
        yield sb


@pytest.fixture(scope="module")
def api(sandbox) -> Api:
    a = make_api(sandbox)
    yield a
    a.http.close()


@pytest.fixture
def fresh():
    """A private sandbox for tests that arm faults or drain rate limits; yields a factory."""
    servers = []

    def start(engine_factory=None, **config) -> Api:
        sb = SandboxServer(SandboxConfig(**{**FAST, **config}), engine_factory=engine_factory).start()
        servers.append(sb)
        return make_api(sb)

    yield start
    for sb in servers:
        sb.stop()
