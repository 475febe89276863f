"""The client spends the usage plan, not more: a call queued behind the account's
other calls keeps its retry budget (it starts when the call is first sent)."""
from __future__ import annotations

from datetime import timedelta

import httpx

from pipelines.spapi.auth import TokenCache
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.ratelimit import RateLimiter
from pipelines.spapi.regions import UsagePlan
from pipelines.spapi.reports import ReportsApi
from tests.spapi.spapi_fakes import config, err, ok
from tests.spapi.test_spapi_reports import DE, END, ORDERS, START, TSV, report, serve_document

CREATE = "/reports/2021-06-30/reports"
BODY = {"reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "marketplaceIds": ["ATVPDKIKX0DER"]}
RATE = 0.0167  # createReport's usage plan: 0.0167/s, burst 15


def test_a_create_queued_for_its_token_still_retries_a_429(fake, ftime):
    others_waiting = True  # other threads' creates reserve tokens; they wait in their own threads

    def sleep(seconds: float) -> None:
        if not others_waiting:
            ftime.sleep(seconds)

    limiter = RateLimiter(clock=ftime.clock, sleep=sleep)
    with SpApiClient(config(), transport=httpx.MockTransport(fake), sleep=ftime.sleep, clock=ftime.clock,
                     limiter=limiter, token_cache=TokenCache()) as client:
        for _ in range(25):  # the burst and ten more tokens are spoken for
            limiter.acquire("createReport")
        others_waiting = False
        fake.on("createReport", err(429, "QuotaExceeded", "You exceeded your quota"),
                ok({"reportId": "R9"}, status=202))
        before = ftime.now
        assert client.request("createReport", "POST", CREATE, json=BODY) == {"reportId": "R9"}
    assert fake.ops().count("createReport") == 2
    # 11 intervals in the queue, then (the 429 spent none of Amazon's tokens) one more: the plan's pace
    assert abs((ftime.now - before) - 12 / RATE) < 1e-6



def test_a_backfill_looks_for_reusable_reports_once_per_type_and_marketplace(fake, client, tmp_path):
    """getReports allows a call every 45 s: the windows of one run share one listing, and the
    reports the run created are in it (fetching a window again takes its report, creates none)."""
    api = ReportsApi(client)
    fake.on("getReports", ok({"reports": []}))
    windows = [(START + timedelta(days=30 * n), START + timedelta(days=30 * (n + 1))) for n in range(3)]
    for n, (start, end) in enumerate(windows):
        fake.on("createReport", ok({"reportId": f"R{n}"}, 202))
        fake.on("getReport", ok(report(f"R{n}", "DONE", f"D{n}", start=start, end=end)))
        fake.on("getReportDocument", serve_document(fake, f"D{n}", TSV))
        assert api.fetch(ORDERS, [DE], start=start, end=end, dest_dir=tmp_path / str(n)).report_id == f"R{n}"
    fake.on("getReport", ok(report("R1", "DONE", "D1", start=windows[1][0], end=windows[1][1])))
    fake.on("getReportDocument", serve_document(fake, "D1", TSV))
    again = api.fetch(ORDERS, [DE], start=windows[1][0], end=windows[1][1], dest_dir=tmp_path / "again")
    assert (again.report_id, again.reused) == ("R1", True)
    assert (fake.ops().count("getReports"), fake.ops().count("createReport")) == (1, 3)
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", ok({"reportId": "R9"}, 202))
    fake.on("getReport", ok(report("R9", "CANCELLED")))
    ReportsApi(client).fetch(ORDERS, [DE], start=START, end=END, dest_dir=tmp_path / "new")  # a new run lists again
    assert fake.ops().count("getReports") == 2


def test_a_waiting_call_goes_one_round_trip_after_its_token_is_due(fake, ftime):
    """Amazon counts the first call's token when it arrives, up to a round trip after the client
    took it: the next call, which had to wait, goes out that round trip later, never earlier."""
    arrivals = []

    def amazon(request: httpx.Request) -> httpx.Response:
        if request.url.path == CREATE:
            arrivals.append(ftime.now)
            ftime.now += 0.5  # the round trip
        return fake(request)

    limiter = RateLimiter({"createReport": UsagePlan(RATE, 1)}, clock=ftime.clock, sleep=ftime.sleep)
    with SpApiClient(config(), transport=httpx.MockTransport(amazon), sleep=ftime.sleep, clock=ftime.clock,
                     limiter=limiter, token_cache=TokenCache()) as client:
        for n in range(2):
            fake.on("createReport", ok({"reportId": f"R{n}"}, 202))
            client.request("createReport", "POST", CREATE, json=BODY)
    assert abs(arrivals[1] - arrivals[0] - (1 / RATE + 0.5)) < 1e-9
