"""LWA tokens, retries, re-authentication, rate limiting and error parsing of SpApiClient."""
from __future__ import annotations

import logging
import threading

import httpx
import pytest

from pipelines.spapi.auth import TokenCache
from pipelines.spapi.errors import AuthError, SpApiError, ThrottledError
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.ratelimit import RateLimiter, TokenBucket
from pipelines.spapi.regions import UsagePlan
from tests.spapi.spapi_fakes import CLIENT_SECRET, REFRESH_TOKEN, FakeAmazon, config, err, ok

REPORT = "/reports/2021-06-30/reports/R1"


def get_report(client):
    return client.request("getReport", "GET", REPORT)


def report(status="DONE"):
    return ok({"reportId": "R1", "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
               "processingStatus": status, "createdTime": "2024-01-01T00:00:00Z"})


# -- LWA access tokens ---------------------------------------------------------------------
def test_token_is_cached_across_calls_and_clients_sharing_a_cache(fake, make_client):
    cache = TokenCache()
    first, second = make_client(cache=cache), make_client(cache=cache)
    fake.on("getReport", report(), report(), report())
    get_report(first), get_report(first), get_report(second)
    assert fake.ops().count("lwa") == 1
    tokens = {req.headers["x-amz-access-token"] for op, req in fake.calls if op == "getReport"}
    assert len(tokens) == 1


def test_token_renewed_about_a_minute_before_expiry(fake, client, ftime):
    fake.on("getReport", report(), report(), report())
    get_report(client)
    ftime.now += 3600 - 61  # still valid for 61 s: reuse
    get_report(client)
    assert fake.ops().count("lwa") == 1
    ftime.now += 2  # 59 s left: renew before Amazon refuses it
    get_report(client)
    assert fake.ops().count("lwa") == 2


def test_concurrent_callers_trigger_one_token_exchange(fake, make_client):
    client = make_client()
    fake.defaults["getReport"] = lambda request: report()
    threads = [threading.Thread(target=get_report, args=(client,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.ops().count("lwa") == 1 and fake.ops().count("getReport") == 8


def test_lwa_invalid_grant_names_the_fix_without_leaking_secrets(fake, client, caplog):
    fake.lwa_queue.append(httpx.Response(400, json={
        "error": "invalid_grant",
        "error_description": f"The request has an invalid grant parameter : refresh_token {REFRESH_TOKEN}"}))
    with caplog.at_level(logging.DEBUG, logger="pipelines.spapi"), pytest.raises(AuthError) as info:
        get_report(client)
    text = str(info.value)
    assert info.value.code == "invalid_grant" and "SPAPI_REFRESH_TOKEN" in text
    for secret in (REFRESH_TOKEN, CLIENT_SECRET):
        assert secret not in text and secret not in caplog.text
    assert "getReport" not in fake.ops()  # never called SP-API without a token


def test_lwa_invalid_client_points_at_client_id_and_secret(fake, client):
    fake.lwa_queue.append(httpx.Response(401, json={"error": "invalid_client",
                                                    "error_description": "Client authentication failed"}))
    with pytest.raises(AuthError, match="SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET"):
        get_report(client)


def test_lwa_outage_is_retried(fake, client):
    fake.lwa_queue.append(httpx.Response(503, text="unavailable"))
    fake.on("getReport", report())
    assert get_report(client)["processingStatus"] == "DONE"
    assert fake.ops().count("lwa") == 2


def test_reauthenticates_once_on_403_expired_token(fake, client):
    fake.on("getReport", report(), report())
    get_report(client)
    fake.expire_tokens()  # Amazon now says "The access token you provided has expired."
    assert get_report(client)["reportId"] == "R1"
    assert fake.ops() == ["lwa", "getReport", "getReport", "lwa", "getReport"]


def test_second_403_is_not_retried_forever(fake, client):
    fake.on("getReport", *[err(403, "Unauthorized", "Access to requested resource is denied.",
                               "The access token you provided has expired.", request_id="rid-403")] * 3)
    with pytest.raises(AuthError) as info:
        get_report(client)
    assert info.value.status == 403 and info.value.request_id == "rid-403"
    assert fake.ops().count("getReport") == 2 and fake.ops().count("lwa") == 2


def test_403_for_missing_role_is_not_retried_and_explains(fake, client):
    fake.on("getReport", err(403, "Unauthorized", "Access to requested resource is denied.", request_id="rid-role"))
    with pytest.raises(AuthError, match="role") as info:
        get_report(client)
    assert fake.ops().count("getReport") == 1 and info.value.request_id == "rid-role"


# -- retries ---------------------------------------------------------------------------------
def test_429_is_retried_with_backoff_then_succeeds(fake, client, ftime):
    fake.on("getReport", err(429, "QuotaExceeded", "You exceeded your quota for the requested resource."),
            err(429, "QuotaExceeded", "You exceeded your quota for the requested resource."), report())
    assert get_report(client)["processingStatus"] == "DONE"
    assert fake.ops().count("getReport") == 3
    assert len(ftime.sleeps) >= 2  # backoff between attempts (and limiter waits after the 429s)


def test_429_drains_the_bucket_so_the_next_call_waits(fake, make_client, ftime):
    client = make_client(max_retries=0)
    fake.on("getReport", err(429, "QuotaExceeded", "quota"), report())
    with pytest.raises(ThrottledError):
        get_report(client)
    before = ftime.now
    get_report(client)
    assert ftime.now - before == pytest.approx(1 / 2.0)  # one full interval at getReport's 2 req/s


def test_bounded_retries_give_up_with_a_clear_error(fake, make_client):
    client = make_client(max_retries=3)
    fake.on("getReport", *[err(429, "QuotaExceeded", "You exceeded your quota", request_id=f"rid-{i}")
                           for i in range(10)])
    with pytest.raises(ThrottledError) as info:
        get_report(client)
    assert fake.ops().count("getReport") == 4
    e = info.value
    assert (e.status, e.code, e.operation, e.request_id) == (429, "QuotaExceeded", "getReport", "rid-3")
    assert "getReport failed: HTTP 429 QuotaExceeded" in str(e) and "rid-3" in str(e)


def test_retry_time_budget_is_bounded(fake, make_client, ftime):
    client = make_client(max_retries=100, max_retry_seconds=1.0, backoff_base=0.5, backoff_max=0.5)
    fake.defaults["getReport"] = lambda request: err(503, "ServiceUnavailable", "down")
    start = ftime.now
    with pytest.raises(SpApiError) as info:
        get_report(client)
    assert info.value.status == 503
    assert ftime.now - start <= 1.0 + 1e-9
    assert fake.ops().count("getReport") < 100


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(fake, client, status):
    fake.on("getReport", err(status, "InternalFailure", "oops"), report())
    assert get_report(client)["processingStatus"] == "DONE"


def test_transport_errors_are_retried(fake, client):
    def boom(request):
        raise httpx.ConnectError("connection refused", request=request)

    fake.on("getReport", boom, report())
    assert get_report(client)["processingStatus"] == "DONE"


def test_client_errors_are_not_retried_and_carry_the_error_list(fake, client):
    fake.on("createReport", err(400, "InvalidInput", "Invalid input", "dataStartTime is in the future",
                                request_id="rid-400"))
    with pytest.raises(SpApiError) as info:
        client.request("createReport", "POST", "/reports/2021-06-30/reports",
                       json={"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": ["ATVPDKIKX0DER"]})
    e = info.value
    assert (e.status, e.code, e.message, e.details, e.request_id, e.operation) == (
        400, "InvalidInput", "Invalid input", "dataStartTime is in the future", "rid-400", "createReport")
    assert fake.ops().count("createReport") == 1


def test_non_json_error_body_still_gives_a_typed_error(fake, client):
    fake.on("getReport", httpx.Response(404, text="<html>Not Found</html>", headers={"x-amzn-RequestId": "r404"}))
    with pytest.raises(SpApiError) as info:
        get_report(client)
    assert info.value.status == 404 and info.value.code == "HTTP404" and info.value.request_id == "r404"


def test_request_headers(fake, client):
    fake.on("getReport", report())
    get_report(client)
    request = fake.calls[-1][1]
    assert request.headers["x-amz-access-token"].startswith("Atza|")
    assert request.headers["user-agent"].startswith("spapi-duckdb/0.1 (Language=Python/")
    assert len(request.headers["x-amz-date"]) == 16 and request.headers["x-amz-date"].endswith("Z")


def test_logs_never_contain_tokens(fake, client, caplog):
    fake.on("getReport", err(429, "QuotaExceeded", "quota"), report())
    with caplog.at_level(logging.DEBUG, logger="pipelines.spapi"):
        get_report(client)
    assert "Atza|" not in caplog.text and REFRESH_TOKEN not in caplog.text and CLIENT_SECRET not in caplog.text


# -- rate limiting -----------------------------------------------------------------------------
def test_limiter_spaces_calls_after_the_burst(ftime):
    limiter = RateLimiter({"op": UsagePlan(0.5, 2)}, clock=ftime.clock, sleep=ftime.sleep)
    for _ in range(5):
        limiter.acquire("op")
    assert ftime.sleeps == [pytest.approx(2.0)] * 3  # burst of 2 free, then one call per 2 s


def test_limiter_is_thread_safe_and_waits_before_sending():
    bucket = TokenBucket(rate=50.0, burst=1)
    import time
    stamps = []
    lock = threading.Lock()

    def call():
        bucket.acquire()
        with lock:
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert stamps[-1] - stamps[0] >= 5 / 50.0 * 0.9  # 6 calls at 50/s with burst 1 take >= 0.1 s


def test_rate_limit_header_adjusts_the_rate(fake, client, ftime):
    fake.on("createReport", *[ok({"reportId": f"R{i}"}, 202, {"x-amzn-RateLimit-Limit": "2.0"}) for i in range(20)])
    body = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": ["ATVPDKIKX0DER"]}
    for _ in range(17):
        client.request("createReport", "POST", "/reports/2021-06-30/reports", json=body)
    assert client.limiter.bucket("createReport").rate == 2.0
    # after the burst of 15, calls are spaced by 1/2 s instead of 1/0.0167 s (~60 s)
    waits = [s for s in ftime.sleeps if s > 0]
    assert waits and max(waits) <= 0.5 + 1e-9


def test_default_clients_share_the_account_limiter():
    cfg = config()
    with SpApiClient(cfg, transport=httpx.MockTransport(FakeAmazon())) as a, \
            SpApiClient(cfg, transport=httpx.MockTransport(FakeAmazon())) as b:
        assert a.limiter is b.limiter
