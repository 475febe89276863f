"""Recovery that spends no quota twice, in the client, against the local sandbox over HTTP.

- A report or query stuck IN_QUEUE past ``queue_timeout`` is cancelled, said so in a
  WARNING, and created again after ``queue_backoff``; time is the client's injectable
  clock (FakeTime), so half an hour in the queue takes milliseconds.
- A createReport/createQuery that took effect but answered 500, or dropped the
  connection, is not repeated: the client finds the report or query it made.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, time, timedelta, timezone

import pytest

from pipelines.datakiosk_queries import load_queries, render
from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from pipelines.spapi.auth import TokenCache
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.datakiosk import DataKioskApi
from pipelines.spapi.errors import StuckInQueueError
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.reports import ReportsApi
from tests.spapi.spapi_fakes import FakeTime, err, ok

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
DAY = datetime.combine(datetime.now(timezone.utc).date() - timedelta(days=5), time(0), tzinfo=timezone.utc)
WINDOW = dict(start=DAY, end=DAY + timedelta(days=1))
BY_DATE = next(q for q in load_queries() if q.name == "sales_and_traffic_by_date")


@pytest.fixture(scope="module")
def sandbox():
    # processing_delay=0: a job that is not stuck is never IN_QUEUE, whatever the fake clock says
    with SandboxServer(SandboxConfig(time_scale=1000, processing_delay=0.0, orders_per_day=10),
                       host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture
def ftime() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(sandbox, ftime):
    cfg = SpApiConfig(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, endpoint=sandbox.url,
                      lwa_endpoint=sandbox.url + "/auth/o2/token", poll_timeout=1e9, backoff_base=0.01,
                      backoff_max=0.1)
    with SpApiClient(cfg, sleep=ftime.sleep, clock=ftime.clock, token_cache=TokenCache()) as spapi:
        yield spapi


@pytest.fixture
def calls(sandbox):
    """The operations the sandbox served from now on (``calls()``), and their request bodies."""
    sandbox.app.faults.clear()
    first = len(sandbox.request_log)

    def since(operation: str | None = None) -> list[dict]:
        return [e for e in sandbox.request_log[first:] if operation is None or e["operation"] == operation]
    return since


def report(sandbox, report_id: str) -> dict:
    return sandbox.app.reports.get_report(report_id)[1]


def reports_of(sandbox, report_type: str, marketplace: str) -> list[dict]:
    """Every report the sandbox holds of that type and marketplace, any status."""
    with sandbox.app.reports._lock:
        held = list(sandbox.app.reports._reports.values())
    return [r.body() for r in held if r.report_type == report_type and r.marketplace_ids == [marketplace]]


def query_text(marketplace: str) -> str:
    return render(BY_DATE, DAY.date(), DAY.date(), [marketplace])


def queries_of(sandbox, text: str) -> list[dict]:
    with sandbox.app.datakiosk._lock:
        held = list(sandbox.app.datakiosk._queries.values())
    return [q.body() for q in held if q.query == text]


# -- stuck IN_QUEUE ----------------------------------------------------------------------------
def test_a_report_stuck_in_queue_is_cancelled_and_created_again(sandbox, client, calls, ftime, tmp_path, caplog):
    sandbox.inject("stuck_in_queue", operation="createReport", count=1)
    with caplog.at_level(logging.WARNING, logger="pipelines.spapi"):
        got = ReportsApi(client).fetch(ORDERS, [US], dest_dir=tmp_path, **WINDOW)
    cancels = calls("cancelReport")
    assert len(calls("createReport")) == 2 and len(cancels) == 1
    cancelled_id = cancels[0]["path"].rsplit("/", 1)[1]
    assert report(sandbox, cancelled_id)["processingStatus"] == "CANCELLED"
    assert got.status == "DONE" and got.report_id != cancelled_id and got.stuck_cancelled == 1
    assert got.path.read_text("utf-8").count("\n") > 1
    assert 300.0 in ftime.sleeps  # queue_backoff before creating it again
    warning = next(r.getMessage() for r in caplog.records if "IN_QUEUE" in r.getMessage())
    assert warning == (f"report {cancelled_id} ({ORDERS} report for {US} {DAY:%Y-%m-%d}T00:00:00Z.."
                       f"{DAY + timedelta(days=1):%Y-%m-%d}T00:00:00Z) was still IN_QUEUE after 1800s "
                       "(queue_timeout 1800s): cancelled it; creating it again in 300s (attempt 2 of 3)")


def test_a_report_stuck_at_every_attempt_fails_naming_its_type_and_window(sandbox, client, calls, tmp_path):
    sandbox.inject("stuck_in_queue", operation="createReport", count=3)
    with pytest.raises(StuckInQueueError) as info:
        ReportsApi(client).fetch(ORDERS, [DE], dest_dir=tmp_path, **WINDOW)
    ids = [e["path"].rsplit("/", 1)[1] for e in calls("cancelReport")]
    assert len(calls("createReport")) == 3 and len(ids) == 3
    assert str(info.value) == (
        f"{ORDERS} report for {DE} {DAY:%Y-%m-%d}T00:00:00Z..{DAY + timedelta(days=1):%Y-%m-%d}T00:00:00Z: "
        f"each of 3 reports ({', '.join(ids)}) was still IN_QUEUE after queue_timeout (1800s) and was "
        "cancelled; Amazon's queue is backed up for this account: retry later (the windows already landed "
        "are kept)")
    assert [report(sandbox, i)["processingStatus"] for i in ids] == ["CANCELLED"] * 3


def test_a_query_stuck_in_queue_is_cancelled_and_created_again(sandbox, client, calls, ftime, tmp_path, caplog):
    text = query_text(US)
    clean = DataKioskApi(client).run(text, tmp_path / "clean")
    sandbox.inject("stuck_in_queue", operation="createQuery", count=1)
    first = len(calls("createQuery"))
    with caplog.at_level(logging.WARNING, logger="pipelines.spapi"):
        run = DataKioskApi(client).run(text, tmp_path / "stuck", label="sales_and_traffic_by_date for US")
    cancelled = [e["path"].rsplit("/", 1)[1] for e in calls("cancelQuery")]
    assert len(calls("createQuery")) - first == 2 and len(cancelled) == 1
    assert run.stuck_cancelled == 1 and cancelled[0] not in run.query_ids and len(run.query_ids) == 1
    assert [p.read_text("utf-8") for p in run.documents] == [p.read_text("utf-8") for p in clean.documents]
    assert len(run.documents) == 1
    assert any(f"Data Kiosk query {cancelled[0]} (sales_and_traffic_by_date for US) was still IN_QUEUE after "
               f"1800s" in r.getMessage() for r in caplog.records)


def test_a_stuck_report_that_starts_as_it_is_cancelled_is_awaited(fake, make_client, tmp_path):
    """Amazon cancels only IN_QUEUE reports: one that began processing since the last poll is awaited."""
    client = make_client(queue_timeout=1.0)
    started = []
    state = lambda: {"reportId": "R1", "reportType": ORDERS, "createdTime": "2024-03-01T00:00:00Z",  # noqa: E731
                     "processingStatus": "DONE" if started else "IN_QUEUE",
                     **({"reportDocumentId": "D1"} if started else {})}
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", ok({"reportId": "R1"}, status=202))
    fake.defaults["getReport"] = lambda request: ok(state())

    def refuse(request):
        started.append(1)
        return err(400, "InvalidInput", "Report R1 is IN_PROGRESS; only IN_QUEUE reports can be cancelled")
    fake.on("cancelReport", refuse)
    fake.on("getReportDocument", ok({"reportDocumentId": "D1", "url": fake.document("d1", b"a\tb\n1\t2\n"),
                                     "compressionAlgorithm": "GZIP"}))
    got = ReportsApi(client).fetch(ORDERS, [US], dest_dir=tmp_path, **WINDOW)
    assert (got.report_id, got.status, got.stuck_cancelled) == ("R1", "DONE", 0)
    assert fake.ops().count("createReport") == 1 and fake.ops().count("cancelReport") == 1


# -- the twin of a create that failed --------------------------------------------------------
@pytest.mark.parametrize("drop", [False, True], ids=["answered_500", "connection_dropped"])
def test_a_create_that_took_effect_but_failed_is_not_repeated(sandbox, client, calls, tmp_path, drop):
    marketplace = DE if drop else US
    before = len(reports_of(sandbox, ORDERS, marketplace))
    sandbox.inject("lost_response", operation="createReport", count=1, drop=drop)
    got = ReportsApi(client).fetch(ORDERS, [marketplace], dest_dir=tmp_path, reuse_done=False,
                                   start=DAY - timedelta(days=20 + drop), end=DAY - timedelta(days=19 + drop))
    assert len(calls("createReport")) == 1 and len(calls("getReports")) == 1  # one create, one look for its twin
    made = reports_of(sandbox, ORDERS, marketplace)
    assert len(made) == before + 1 and made[-1]["reportId"] == got.report_id
    assert got.status == "DONE" and got.path.read_text("utf-8").count("\n") > 1


def test_a_create_refused_with_500_before_acting_is_made_again(sandbox, client, calls, tmp_path):
    before = len(reports_of(sandbox, ORDERS, US))
    sandbox.inject("server_error", operation="createReport", count=1)
    got = ReportsApi(client).fetch(ORDERS, [US], dest_dir=tmp_path, reuse_done=False,
                                   start=DAY - timedelta(days=30), end=DAY - timedelta(days=29))
    assert [e["status"] for e in calls("createReport")] == [500, 202]
    assert len(calls("getReports")) == 1  # the twin was looked for, and not found
    assert len(reports_of(sandbox, ORDERS, US)) == before + 1 and got.status == "DONE"


def test_a_throttled_create_is_retried_without_looking_for_a_twin(sandbox, client, calls, tmp_path):
    sandbox.inject("throttle", operation="createReport", count=1)
    got = ReportsApi(client).fetch(ORDERS, [US], dest_dir=tmp_path, reuse_done=False,
                                   start=DAY - timedelta(days=40), end=DAY - timedelta(days=39))
    assert [e["status"] for e in calls("createReport")] == [429, 202] and calls("getReports") == []
    assert got.status == "DONE"


@pytest.mark.parametrize("drop", [False, True], ids=["answered_500", "connection_dropped"])
def test_a_query_create_that_took_effect_but_failed_is_not_repeated(sandbox, client, calls, tmp_path, drop):
    day = (DAY - timedelta(days=10 + drop)).date()
    text = render(BY_DATE, day, day, [US])
    sandbox.inject("lost_response", operation="createQuery", count=1, drop=drop)
    run = DataKioskApi(client).run(text, tmp_path)
    assert len(calls("createQuery")) == 1 and len(calls("getQueries")) == 1
    compact = calls("createQuery")[0]["json"]["query"]
    made = queries_of(sandbox, compact)
    assert [q["queryId"] for q in made] == run.query_ids
    records = [json.loads(line) for p in run.documents for line in p.read_text("utf-8").splitlines()]
    assert [r["startDate"] for r in records] == [day.isoformat()]



def test_a_twin_lookup_refused_for_good_does_not_fail_the_create(fake, make_client, tmp_path):
    """A lookup answered 400 (a createdSince Amazon's clock puts in the future, say) only
    means the twin is unknown: the create is retried as before, and the fetch succeeds."""
    fake.on("createReport", err(500, "InternalFailure", "We encountered an internal error."),
            ok({"reportId": "R2"}, status=202))
    fake.on("getReports", err(400, "InvalidInput", "createdSince cannot be in the future"))
    fake.on("getReport", ok({"reportId": "R2", "reportType": ORDERS, "createdTime": "2024-03-01T00:00:00Z",
                             "processingStatus": "DONE", "reportDocumentId": "D2"}))
    fake.on("getReportDocument", ok({"reportDocumentId": "D2", "url": fake.document("d2", b"a\tb\n1\t2\n"),
                                     "compressionAlgorithm": "GZIP"}))
    got = ReportsApi(make_client()).fetch(ORDERS, [US], dest_dir=tmp_path, reuse_done=False, **WINDOW)
    assert (got.report_id, got.status) == ("R2", "DONE")
    assert [op for op in fake.ops() if op != "lwa"][:3] == ["createReport", "getReports", "createReport"]
