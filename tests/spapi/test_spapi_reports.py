"""ReportsApi: create/reuse → poll → document → download; CANCELLED, FATAL, pagination."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from pipelines.spapi.errors import PollTimeoutError, ReportCancelledError, ReportFatalError, SpApiError
from pipelines.spapi.reports import ReportsApi, iso_utc
from tests.spapi.spapi_fakes import err, json_of, ok

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
START = datetime(2024, 3, 1, tzinfo=timezone.utc)
END = datetime(2024, 3, 2, tzinfo=timezone.utc)
TSV = "amazon-order-id\tproduct-name\n302-1\tKaffeebecher für Küche\n"


def report(report_id, status, document_id=None, *, start=START, end=END, marketplaces=(DE,), created=None):
    body = {"reportId": report_id, "reportType": ORDERS, "processingStatus": status,
            "marketplaceIds": list(marketplaces), "dataStartTime": iso_utc(start), "dataEndTime": iso_utc(end),
            "createdTime": iso_utc(created or datetime.now(timezone.utc))}
    if document_id:
        body["reportDocumentId"] = document_id
    return body


def serve_document(fake, document_id, text, charset="Cp1252", codec="cp1252", faults=()):
    url = fake.document(document_id, text.encode(codec), content_type=f"text/plain;charset={charset}", faults=faults)
    return ok({"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})


def script_new_report(fake, final):
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", ok({"reportId": "R1"}, 202))
    fake.on("getReport", ok(report("R1", "IN_QUEUE")), ok(report("R1", "IN_PROGRESS")),
            ok(report("R1", "IN_PROGRESS")), ok(final))


def test_fetch_done_downloads_utf8_file(fake, client, tmp_path, ftime):
    script_new_report(fake, report("R1", "DONE", "D1"))
    fake.on("getReportDocument", serve_document(fake, "D1", TSV))
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert (got.report_id, got.status, got.document_id, got.charset, got.reused) == ("R1", "DONE", "D1", "Cp1252", False)
    assert got.path.read_text("utf-8") == TSV and got.path.parent == tmp_path
    body = json_of([r for op, r in fake.calls if op == "createReport"][0])
    assert body == {"reportType": ORDERS, "marketplaceIds": [DE],
                    "dataStartTime": "2024-03-01T00:00:00Z", "dataEndTime": "2024-03-02T00:00:00Z"}
    # exponential poll backoff from poll_initial (0.01) doubling, capped at poll_max (0.08)
    assert ftime.sleeps == pytest.approx([0.01, 0.02, 0.04])


def test_poll_interval_is_capped_and_times_out(fake, make_client, tmp_path, ftime):
    client = make_client(poll_timeout=0.5)
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", ok({"reportId": "R9"}, 202))
    fake.defaults["getReport"] = lambda request: ok(report("R9", "IN_PROGRESS"))
    with pytest.raises(PollTimeoutError, match="R9"):
        ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert max(ftime.sleeps) == pytest.approx(0.08)
    assert sum(ftime.sleeps) <= 0.5


def test_cancelled_means_no_data(fake, client, tmp_path):
    script_new_report(fake, report("R1", "CANCELLED"))
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert (got.status, got.path, got.charset) == ("CANCELLED", None, None)
    assert "getReportDocument" not in fake.ops() and list(tmp_path.iterdir()) == []
    with pytest.raises(ReportCancelledError, match="R1"):
        got.require_path(ORDERS)


def test_fatal_quotes_the_error_document(fake, client, tmp_path):
    script_new_report(fake, report("R1", "FATAL", "E1"))
    message = "Report request failed: dataStartTime must be within the last 730 days. " + "x" * 5000
    fake.on("getReportDocument", serve_document(fake, "E1", message, "UTF-8", "utf-8"))
    with pytest.raises(ReportFatalError) as info:
        ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    e = info.value
    assert e.report_id == "R1" and e.error_text.startswith("Report request failed: dataStartTime")
    assert len(e.error_text) < 2100 and e.error_text.endswith("[truncated]")
    assert "within the last 730 days" in str(e)
    assert list(tmp_path.iterdir()) == []  # the error document is not left behind


def test_fatal_without_error_document(fake, client, tmp_path):
    script_new_report(fake, report("R1", "FATAL"))
    with pytest.raises(ReportFatalError, match="no error document"):
        ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)


def test_reuses_a_recent_done_report_with_the_same_window(fake, client, tmp_path):
    fake.on("getReports", ok({"reports": [
        report("OTHER", "DONE", "DX", start=START - timedelta(days=1)),  # different window
        report("BOTH", "DONE", "DY", marketplaces=(DE, US)),  # different marketplaces
        report("R7", "DONE", "D7"),
    ]}))
    fake.on("getReportDocument", serve_document(fake, "D7", TSV))
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert (got.report_id, got.reused) == ("R7", True)
    assert got.path.read_text("utf-8") == TSV
    assert "createReport" not in fake.ops() and "getReport" not in fake.ops()
    query = dict(parse_qsl([r for op, r in fake.calls if op == "getReports"][0].url.query.decode()))
    assert query["reportTypes"] == ORDERS and query["marketplaceIds"] == DE
    assert set(query["processingStatuses"].split(",")) == {"DONE", "IN_QUEUE", "IN_PROGRESS"}
    since = datetime.fromisoformat(query["createdSince"].replace("Z", "+00:00"))
    assert timedelta(hours=3) < datetime.now(timezone.utc) - since < timedelta(hours=5)


def test_waits_for_a_pending_twin_instead_of_creating_one(fake, client, tmp_path):
    fake.on("getReports", ok({"reports": [report("R5", "IN_PROGRESS")]}))
    fake.on("getReport", ok(report("R5", "DONE", "D5")))
    fake.on("getReportDocument", serve_document(fake, "D5", TSV))
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert (got.report_id, got.reused) == ("R5", True) and "createReport" not in fake.ops()


def test_reuse_can_be_disabled_and_is_skipped_with_options(fake, client, tmp_path):
    for kwargs in ({"reuse_done": False}, {"options": {"ShowSalesChannel": "true"}}):
        fake.on("createReport", ok({"reportId": "R2"}, 202))
        fake.on("getReport", ok(report("R2", "CANCELLED")))
        ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path, **kwargs)
    assert "getReports" not in fake.ops()
    assert json_of([r for op, r in fake.calls if op == "createReport"][-1])["reportOptions"] == {"ShowSalesChannel": "true"}


def test_expired_document_url_is_refetched_with_get_report_document(fake, client, tmp_path):
    script_new_report(fake, report("R1", "DONE", "D1"))
    first = serve_document(fake, "D1", TSV, faults=("expired",))
    fake.on("getReportDocument", first, first)
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert got.path.read_text("utf-8") == TSV
    assert fake.ops().count("getReportDocument") == 2


def test_list_reports_follows_next_token_alone(fake, client):
    fake.on("getReports", ok({"reports": [report("A", "DONE")], "nextToken": "t1"}),
            ok({"reports": [report("B", "DONE")], "nextToken": "t2"}),
            ok({"reports": [report("C", "DONE")]}))
    got = list(ReportsApi(client).list_reports([ORDERS], marketplace_ids=[DE], created_since=date(2024, 3, 1)))
    assert [r["reportId"] for r in got] == ["A", "B", "C"]
    queries = [dict(parse_qsl(r.url.query.decode())) for op, r in fake.calls if op == "getReports"]
    assert queries[0]["createdSince"] == "2024-03-01T00:00:00Z"
    assert queries[1:] == [{"nextToken": "t1"}, {"nextToken": "t2"}]


def test_json_report_gets_json_extension(fake, client, tmp_path):
    script_new_report(fake, report("R1", "DONE", "DJ"))
    url = fake.document("DJ", b'{"salesAndTrafficByDate": []}', content_type="application/json;charset=UTF-8")
    fake.on("getReportDocument", ok({"reportDocumentId": "DJ", "url": url, "compressionAlgorithm": "GZIP"}))
    got = ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)
    assert got.path.suffix == ".json" and got.path.read_text() == '{"salesAndTrafficByDate": []}'


def test_restricted_document_uses_a_restricted_data_token(fake, client, tmp_path):
    fake.on("createRestrictedDataToken", ok({"restrictedDataToken": "Atz.rdt|R", "expiresIn": 3600}))
    fake.on("getReportDocument", serve_document(fake, "DP", TSV))
    ReportsApi(client, restricted=True).download_document("DP", tmp_path / "pii.txt")
    rdt_request = [r for op, r in fake.calls if op == "createRestrictedDataToken"][0]
    assert json_of(rdt_request) == {"restrictedResources": [
        {"method": "GET", "path": "/reports/2021-06-30/documents/DP"}]}
    doc_request = [r for op, r in fake.calls if op == "getReportDocument"][0]
    assert doc_request.headers["x-amz-access-token"] == "Atz.rdt|R"


def test_create_report_error_surfaces_amazon_message(fake, client, tmp_path):
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", err(400, "InvalidInput", "Report type FOO is not supported", request_id="rid-x"))
    with pytest.raises(SpApiError, match="Report type FOO is not supported.*rid-x"):
        ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path)


def test_iso_utc_normalises_timezones_and_dates():
    assert iso_utc(date(2024, 1, 2)) == "2024-01-02T00:00:00Z"
    assert iso_utc(datetime(2024, 1, 2, 9, 0, tzinfo=timezone(timedelta(hours=9)))) == "2024-01-02T00:00:00Z"
    assert iso_utc(datetime(2024, 1, 2, 3, 4, 5, 120000)) == "2024-01-02T03:04:05.120000Z"
