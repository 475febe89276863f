"""The client against the local SP-API sandbox over real HTTP on 127.0.0.1.

Skipped until pipelines/sandbox/server.py exists. Checks that orders reports of
a UTF-8 (US), a Cp1252 (DE) and a Shift_JIS (JP) marketplace arrive intact as
UTF-8 files, that the sandbox's faults are survived, and that every request the
client sent is valid against the official models.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime, time, timedelta, timezone

import pytest

server = pytest.importorskip("pipelines.sandbox.server")

from pipelines.spapi.config import SpApiConfig  # noqa: E402
from pipelines.spapi.datakiosk import DataKioskApi  # noqa: E402
from pipelines.spapi.errors import ReportFatalError  # noqa: E402
from pipelines.spapi.http import SpApiClient  # noqa: E402
from pipelines.spapi.reports import ReportsApi  # noqa: E402
from tests.contract import check_request  # noqa: E402

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
DAY = datetime.combine(datetime.now(timezone.utc).date() - timedelta(days=3), time(0), tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sandbox():
    from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

    cfg = server.SandboxConfig(time_scale=1000, processing_delay=0.05, orders_per_day=30, dk_page_records=5)
    with server.SandboxServer(cfg, host="127.0.0.1", port=0) as sb:
        sb.credentials = (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN)
        yield sb


@pytest.fixture
def client(sandbox):
    client_id, secret, refresh = sandbox.credentials
    cfg = SpApiConfig(client_id, secret, refresh, endpoint=sandbox.url, lwa_endpoint=sandbox.url + "/auth/o2/token",
                      poll_initial=0.02, poll_max=0.1, poll_timeout=60.0, backoff_base=0.01, backoff_max=0.1)
    with SpApiClient(cfg) as spapi:
        yield spapi


@pytest.fixture
def api(client):
    return ReportsApi(client)


def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def assert_requests_follow_the_models(sandbox):
    problems = []
    for entry in sandbox.request_log:
        if entry["status"] >= 400:  # the sandbox logs refused calls (429 before reading the body) too
            continue
        query = {k: (",".join(v) if isinstance(v, list) else v) for k, v in (entry.get("query") or {}).items()}
        body = None if entry.get("json") is None else json.dumps(entry["json"]).encode()
        _, found = check_request(entry["method"], entry["path"], query, body)
        problems += [f"{entry['operation']}: {p}" for p in found]
    assert not problems, problems


@pytest.mark.parametrize("marketplace,charset,sample", [
    (US, "UTF-8", None),
    (DE, "Cp1252", "äöüß–€"),
    (JP, "Shift_JIS", None),
])
def test_orders_report_arrives_as_intact_utf8(sandbox, api, tmp_path, marketplace, charset, sample):
    got = api.fetch(ORDERS, [marketplace], start=DAY, end=DAY + timedelta(days=1), dest_dir=tmp_path,
                    reuse_done=False)
    assert got.status == "DONE" and got.charset == charset
    data = rows(got.path)
    assert data, "the sandbox seller has orders every day"
    text = got.path.read_text("utf-8")
    assert "\ufffd" not in text
    names = " ".join(r["product-name"] for r in data)
    if marketplace == DE:
        assert any(ch in names for ch in sample), names[:200]
    if marketplace == JP:
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in names), names[:200]
    assert_requests_follow_the_models(sandbox)


def test_second_fetch_reuses_the_done_report(sandbox, api, tmp_path):
    window = dict(start=DAY - timedelta(days=1), end=DAY)
    first = api.fetch(ORDERS, [US], dest_dir=tmp_path / "a", **window)
    second = api.fetch(ORDERS, [US], dest_dir=tmp_path / "b", **window)
    assert second.reused and second.report_id == first.report_id
    assert second.path.read_bytes() == first.path.read_bytes()


def window(days_back: int) -> dict:
    return dict(start=DAY - timedelta(days=days_back), end=DAY - timedelta(days=days_back - 1))


def new_calls(sandbox, since: int) -> list[tuple[str, int]]:
    return [(e["operation"], e["status"]) for e in sandbox.request_log[since:]]


def test_throttled_create_report_is_retried(sandbox, api, tmp_path):
    since = len(sandbox.request_log)
    sandbox.inject("throttle", operation="createReport", count=2)
    got = api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(4))
    assert got.status == "DONE" and rows(got.path)
    assert new_calls(sandbox, since)[:3] == [("createReport", 429), ("createReport", 429), ("createReport", 202)]


def test_server_error_while_polling_is_retried(sandbox, api, tmp_path):
    sandbox.inject("server_error", operation="getReport", count=1)
    got = api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(5))
    assert got.status == "DONE" and rows(got.path)


def test_dropped_download_is_retried(sandbox, api, tmp_path):
    sandbox.inject("drop_connection", count=1)
    got = api.fetch(ORDERS, [JP], dest_dir=tmp_path, reuse_done=False, **window(6))
    assert got.status == "DONE" and "\ufffd" not in got.path.read_text("utf-8")


def test_expired_url_is_refetched(sandbox, api, tmp_path):
    since = len(sandbox.request_log)
    sandbox.inject("expire_url", count=1)
    got = api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(7))
    assert got.status == "DONE" and rows(got.path)
    assert [op for op, _ in new_calls(sandbox, since)].count("getReportDocument") == 2


def test_truncated_gzip_is_downloaded_again(sandbox, api, tmp_path):
    sandbox.inject("truncated_gzip", count=1)
    got = api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(8))
    assert got.status == "DONE" and rows(got.path)


def test_fatal_and_cancelled(sandbox, api, tmp_path):
    sandbox.inject("fatal", count=1)
    with pytest.raises(ReportFatalError, match="error document says"):
        api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(9))
    sandbox.inject("cancelled", count=1)
    got = api.fetch(ORDERS, [DE], dest_dir=tmp_path, reuse_done=False, **window(9))
    assert (got.status, got.path) == ("CANCELLED", None)


def test_data_kiosk_query_through_every_page(sandbox, client, tmp_path):
    start = (DAY - timedelta(days=19)).date().isoformat()
    end = DAY.date().isoformat()
    query = f"""query {{ analytics_salesAndTraffic_2024_04_24 {{
        salesAndTrafficByDate(startDate: "{start}", endDate: "{end}", aggregateBy: DAY, marketplaceIds: ["{DE}"]) {{
          startDate marketplaceId sales {{ unitsOrdered orderedProductSales {{ amount currencyCode }} }} }} }} }}"""
    run = DataKioskApi(client).run(query, tmp_path)
    assert run.pages >= 3 and len(run.documents) == run.pages
    records = [json.loads(line) for path in run.documents for line in path.read_text("utf-8").splitlines()]
    assert len(records) == 20
    assert_requests_follow_the_models(sandbox)
