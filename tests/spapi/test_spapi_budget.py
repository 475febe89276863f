"""Every failure of a call ends within one budget, and says what to do.

One budget per call (max_retries + 1 attempts within max_retry_seconds) covers
the LWA exchange it triggers; LWA failures are shared per account, so a sync of
many threads and calls fails within about a minute of LWA going down, naming it.
Time is simulated (FakeTime) except in the last test, which counts connection
attempts to a dead port instead of measuring time.
"""
from __future__ import annotations

import queue
import socket
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from pipelines.spapi.auth import TokenCache
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.documents import DocumentLocation, download
from pipelines.spapi.errors import AuthError, ReportFatalError, SpApiError, ThrottledError
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.reports import ReportsApi
from tests.spapi.spapi_fakes import API, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, err, ok

ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
DAY = datetime(2024, 3, 1, tzinfo=timezone.utc)
REPORT = "/reports/2021-06-30/reports/R1"


def lwa_500(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="Internal Server Error")


def defaults(**overrides) -> SpApiConfig:
    """The shipped budget: nothing but the endpoint changed."""
    return SpApiConfig(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, endpoint=API, **overrides)


@pytest.fixture
def shipped(fake, ftime):
    """A client with the shipped defaults, a fake Amazon and simulated time."""
    with SpApiClient(defaults(), transport=httpx.MockTransport(fake), sleep=ftime.sleep, clock=ftime.clock,
                     token_cache=TokenCache()) as client:
        yield client


def one_day_sync(client: SpApiClient, tmp_path) -> list[BaseException]:
    """What a one-day orders sync asks of the client: per marketplace, look for a
    reusable report, create one, poll it, download it. Returns each window's error."""
    errors = []
    for mp in (US, DE, JP):
        try:
            ReportsApi(client).fetch(ORDERS, [mp], start=DAY, end=DAY + timedelta(days=1),
                                     dest_dir=tmp_path / mp)
        except Exception as exc:
            errors.append(exc)
    return errors


def assert_names_lwa(error: BaseException, host: str = "api.amazon.com") -> None:
    text = str(error)
    assert isinstance(error, AuthError) and f"Login with Amazon at {host}" in text
    assert f"check network access to {host}, or SPAPI_LWA_ENDPOINT" in text
    assert CLIENT_SECRET not in text and REFRESH_TOKEN not in text


# -- one call, one budget ----------------------------------------------------------------------
def test_a_call_makes_exactly_its_budget_of_attempts(fake, shipped, ftime):
    fake.defaults["getReport"] = lambda request: err(503, "ServiceUnavailable", "down")
    start = ftime.now
    with pytest.raises(SpApiError) as info:
        shipped.request("getReport", "GET", REPORT)
    assert info.value.status == 503
    assert fake.ops() == ["lwa"] + ["getReport"] * 6  # 1 attempt + max_retries=5, one token
    assert ftime.now - start <= 120.0


def test_lwa_failing_a_call_makes_at_most_its_budget_of_lwa_requests(fake, shipped):
    fake.lwa_down = lwa_500
    with pytest.raises(AuthError) as info:
        shipped.request("getReport", "GET", REPORT)
    assert fake.ops() == ["lwa"] * 6  # one LWA request per attempt, never a loop inside an attempt
    assert_names_lwa(info.value)
    assert "failed 6 times in a row" in str(info.value) and info.value.final


def test_lwa_500_fails_a_one_day_sync_within_two_minutes(fake, shipped, ftime, tmp_path):
    fake.lwa_down = lwa_500
    start = ftime.now
    errors = one_day_sync(shipped, tmp_path)
    assert len(errors) == 3
    for error in errors:
        assert_names_lwa(error)
    assert fake.ops() == ["lwa"] * 6  # LWA is known down after the first call: the rest fail at once
    assert ftime.now - start < 120.0


def test_blackholed_lwa_is_declared_down_within_two_minutes(fake, shipped, ftime, tmp_path):
    def timeout(request):
        ftime.now += 10.0  # each request waits out lwa_timeout
        raise httpx.ConnectTimeout("timed out", request=request)

    fake.lwa_down = timeout
    start = ftime.now
    errors = one_day_sync(shipped, tmp_path)
    assert len(errors) == 3
    for error in errors:
        assert_names_lwa(error)
        assert "timed out after 10s" in str(error)
    assert ftime.now - start < 120.0
    assert "getReports" not in fake.ops() and "createReport" not in fake.ops()


def test_lwa_failing_mid_poll_ends_the_wait_within_two_minutes(fake, shipped, ftime, tmp_path):
    fake.token_lifetime = 300  # renewed a minute before expiry: while the report is polled
    fake.on("getReports", ok({"reports": []}))
    fake.on("createReport", ok({"reportId": "R1"}, 202))
    fake.defaults["getReport"] = lambda request: ok({
        "reportId": "R1", "reportType": ORDERS, "processingStatus": "IN_PROGRESS",
        "createdTime": "2024-03-02T00:00:00Z"})
    failed_at = []

    def down(request):
        failed_at.append(ftime.now)
        return lwa_500(request)

    fake.lwa_down = down
    fake.lwa_queue.append(httpx.Response(200, json={"access_token": "Atza|first", "expires_in": 300}))
    fake.valid_tokens.add("Atza|first")
    with pytest.raises(AuthError) as info:
        ReportsApi(shipped).fetch(ORDERS, [US], start=DAY, end=DAY + timedelta(days=1), dest_dir=tmp_path)
    assert_names_lwa(info.value)
    assert len(failed_at) == 6 and ftime.now - failed_at[0] < 120.0
    assert fake.ops().count("getReport") >= 1  # it was polling when the token ran out


def test_threads_share_one_lwa_budget(fake):
    """8 threads x 2 calls: LWA is asked max_retries + 1 times in all, not per thread or per call."""
    fake.lwa_down = lwa_500
    client = SpApiClient(defaults(), transport=httpx.MockTransport(fake), sleep=lambda s: None,
                         clock=lambda: 1000.0, token_cache=TokenCache())
    errors: list[BaseException] = []

    def window():
        for operation, method, path in (("getReports", "GET", "/reports/2021-06-30/reports"),
                                        ("createReport", "POST", "/reports/2021-06-30/reports")):
            try:
                client.request(operation, method, path)
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=window) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    assert fake.ops() == ["lwa"] * 6
    assert len(errors) == 16
    for error in errors:
        assert_names_lwa(error)


class ArrivalsCache(TokenCache):
    """A token cache that reports each caller coming for an account's lock."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: queue.Queue = queue.Queue()

    def lock(self, key: str) -> threading.Lock:
        self.arrivals.put(key)
        return super().lock(key)


def test_a_caller_waiting_for_a_failed_exchange_gets_its_error_without_asking_lwa(fake):
    cache = ArrivalsCache()
    in_lwa, release = threading.Event(), threading.Event()

    def slow_failure(request):
        in_lwa.set()
        release.wait(10)
        return lwa_500(request)

    fake.lwa_down = slow_failure
    client = SpApiClient(defaults(), transport=httpx.MockTransport(fake), sleep=lambda s: None,
                         clock=lambda: 1000.0, token_cache=cache)
    results: dict[str, BaseException] = {}

    def get(name):
        try:
            client.tokens.token()
        except AuthError as exc:
            results[name] = exc

    holder = threading.Thread(target=get, args=("holder",))
    holder.start()
    cache.arrivals.get(timeout=10)
    assert in_lwa.wait(10)
    waiter = threading.Thread(target=get, args=("waiter",))
    waiter.start()
    cache.arrivals.get(timeout=10)  # the waiter is at the lock the holder keeps
    release.set()
    holder.join()
    waiter.join()
    client.close()
    assert fake.ops() == ["lwa"]
    assert str(results["waiter"]) == str(results["holder"])
    assert results["waiter"] is not results["holder"]
    assert results["waiter"].retry_after == 60.0  # no wait beyond the point LWA is declared down


def test_a_declared_outage_is_remembered_briefly_then_lwa_is_tried_again(fake, shipped, ftime):
    fake.lwa_down = lwa_500
    with pytest.raises(AuthError):
        shipped.request("getReport", "GET", REPORT)
    assert fake.ops().count("lwa") == 6
    ftime.now += 30
    with pytest.raises(AuthError, match="fails at once"):
        shipped.request("getReport", "GET", REPORT)
    assert fake.ops().count("lwa") == 6  # still declared down: no request
    ftime.now += 31
    with pytest.raises(AuthError, match="failed 7 times in a row"):
        shipped.request("getReport", "GET", REPORT)
    assert fake.ops().count("lwa") == 7  # one probe, still down: declared again at once
    ftime.now += 61
    fake.lwa_down = None  # LWA is back
    fake.on("getReport", ok({"reportId": "R1", "reportType": ORDERS, "processingStatus": "DONE",
                             "createdTime": "2024-03-02T00:00:00Z"}))
    assert shipped.request("getReport", "GET", REPORT)["processingStatus"] == "DONE"
    assert fake.ops()[-2:] == ["lwa", "getReport"]


# -- refusals are never retried ----------------------------------------------------------------------
def test_invalid_grant_is_asked_once_and_says_to_reauthorize_naming_the_variable(fake, ftime):
    env = {"BRAND_A_ID": CLIENT_ID, "BRAND_A_SECRET": CLIENT_SECRET, "BRAND_A_TOKEN": REFRESH_TOKEN,
           "SPAPI_ENDPOINT": API}
    cfg = SpApiConfig.from_env(env, credential_vars=("BRAND_A_ID", "BRAND_A_SECRET", "BRAND_A_TOKEN"))
    fake.lwa_down = lambda request: httpx.Response(400, json={
        "error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})
    with SpApiClient(cfg, transport=httpx.MockTransport(fake), sleep=ftime.sleep, clock=ftime.clock,
                     token_cache=TokenCache()) as client:
        for _ in range(3):
            with pytest.raises(AuthError) as info:
                client.request("getReport", "GET", REPORT)
            text = str(info.value)
            assert info.value.code == "invalid_grant" and info.value.final
            assert "re-authorize" in text and "BRAND_A_TOKEN" in text and REFRESH_TOKEN not in text
    assert fake.ops() == ["lwa"]  # refused once: the next calls fail at once
    assert ftime.sleeps == []


def test_a_refused_secret_does_not_block_the_right_one(ftime):
    def lwa(request):
        if b"client_secret=wrong" in request.content:
            return httpx.Response(401, json={"error": "invalid_client", "error_description": "bad"})
        return httpx.Response(200, json={"access_token": "Atza|ok", "expires_in": 3600})

    cache = TokenCache()
    wrong = SpApiClient(SpApiConfig(CLIENT_ID, "wrong", REFRESH_TOKEN), transport=httpx.MockTransport(lwa),
                        sleep=ftime.sleep, clock=ftime.clock, token_cache=cache)
    right = SpApiClient(SpApiConfig(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN), transport=httpx.MockTransport(lwa),
                        sleep=ftime.sleep, clock=ftime.clock, token_cache=cache)
    with pytest.raises(AuthError, match="SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET"):
        wrong.tokens.token()
    assert right.tokens.token() == "Atza|ok"
    wrong.close(), right.close()


# -- messages a person can act on ------------------------------------------------------------------
def test_a_throttling_storm_names_the_operation_its_rate_and_the_shared_quota(fake, shipped):
    fake.defaults["getReport"] = lambda request: err(429, "QuotaExceeded", "You exceeded your quota")
    with pytest.raises(ThrottledError) as info:
        shipped.request("getReport", "GET", REPORT)
    text = str(info.value)
    assert fake.ops().count("getReport") == 6
    assert "still throttled after 6 attempts" in text
    assert "getReport's usage plan allows 2 requests/s (burst 15)" in text
    assert "Another process may be spending this account's quota" in text and "`spapi` concurrency pool" in text


def test_a_throttled_slow_operation_stops_when_its_plan_allows_no_attempt_within_the_budget(fake, shipped, ftime):
    """createReport may be sent once a minute: after a 429 the bucket makes the next attempt
    wait that minute, so 120 s hold three attempts, and the call ends inside its budget."""
    fake.defaults["createReport"] = lambda request: err(429, "QuotaExceeded", "You exceeded your quota")
    start = ftime.now
    with pytest.raises(ThrottledError, match="still throttled after 3 attempts") as info:
        shipped.request("createReport", "POST", "/reports/2021-06-30/reports",
                        json={"reportType": ORDERS, "marketplaceIds": [US]})
    assert fake.ops().count("createReport") == 3
    assert ftime.now - start <= 120.0
    assert "createReport's usage plan allows 0.0167 requests/s (burst 15)" in str(info.value)


def test_403_names_the_role_and_the_region(fake, shipped):
    fake.on("getReport", err(403, "Unauthorized", "Access to requested resource is denied.", request_id="rid-403"))
    with pytest.raises(AuthError) as info:
        shipped.request("getReport", "GET", REPORT)
    text = str(info.value)
    assert fake.ops().count("getReport") == 1
    assert "lack the SP-API role" in text and "Developer Central" in text and "re-authorize" in text
    assert "region na (sellingpartnerapi-na.amazon.com)" in text and "SPAPI_REGION" in text
    assert "rid-403" in text


def test_fatal_says_what_to_do():
    text = str(ReportFatalError("R1", ORDERS, "Report request failed: too much data"))
    assert text == (f"report R1 ({ORDERS}) ended FATAL: the window may be too wide or too far back, or the "
                    "report not available for this marketplace or account; retry later, or narrow the window. "
                    "Amazon's error document says: Report request failed: too much data")


def test_a_long_download_that_drops_is_still_retried(fake, ftime, tmp_path):
    """The download budget bounds its waits, not the transfer: a document may stream for minutes."""
    url = fake.document("D1", b"sku\tqty\nA\t1\n", faults=("drop",))

    def slow(request):
        ftime.now += 300.0  # each transfer takes five minutes
        return fake(request)

    with httpx.Client(transport=httpx.MockTransport(slow)) as http:
        got = download(http, lambda: DocumentLocation(url, "GZIP"), tmp_path / "d.txt", timeout=30.0,
                       max_retries=5, max_seconds=120.0, base=1.0, cap=60.0, sleep=ftime.sleep, clock=ftime.clock)
    assert got.path.read_text("utf-8") == "sku\tqty\nA\t1\n"
    assert fake.ops() == ["document", "document"]


# -- the real thing: a sync against a dead LWA port --------------------------------------------------
class CountingTransport(httpx.HTTPTransport):
    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.port == self.port:
            self.attempts += 1
        return super().handle_request(request)


@pytest.fixture
def dead_port():
    """A loopback port bound but not listening: connections are refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_sync_against_a_dead_lwa_port_fails_fast_naming_lwa(dead_port, tmp_path):
    from pipelines.catalog import entry
    from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
    from pipelines.sandbox.server import SandboxConfig, SandboxServer
    from pipelines.sync import Target, sync_report_window
    from pipelines.warehouse import Warehouse

    orders = entry(ORDERS)
    with SandboxServer(SandboxConfig(orders_per_day=5, time_scale=1000, processing_delay=0.0),
                       host="127.0.0.1", port=0) as sandbox:
        cfg = SpApiConfig(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, endpoint=sandbox.url,
                          lwa_endpoint=f"http://127.0.0.1:{dead_port}/auth/o2/token",
                          backoff_base=0.01, backoff_max=0.05)
        transport = CountingTransport(dead_port)
        warehouse = Warehouse(tmp_path / "w.duckdb")
        with SpApiClient(cfg, transport=transport, token_cache=TokenCache()) as client:
            with pytest.raises(AuthError) as info:
                sync_report_window(orders, ReportsApi(client), Target(warehouse, "acct", "amazon", tmp_path),
                                   [US, DE, JP], DAY, DAY + timedelta(days=1))
        assert_names_lwa(info.value, f"127.0.0.1:{dead_port}")
        assert "unreachable (ConnectError)" in str(info.value)
        assert transport.attempts == 6  # three windows, two calls each: one LWA budget in all
        assert sandbox.request_log == []  # nothing reached SP-API without a token
    assert not warehouse.exists(orders.table)
