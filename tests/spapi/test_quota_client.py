"""The client spends the usage plan, not more: a call queued behind the account's
other calls keeps its retry budget (it starts when the call is first sent)."""
from __future__ import annotations

import httpx

from pipelines.spapi.auth import TokenCache
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.ratelimit import RateLimiter
from tests.spapi.spapi_fakes import config, err, ok

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
        fake.on("createReport", err(429, "QuotaExceeded", "You exceeded your quota"), ok({"reportId": "R9"}, status=202))
        before = ftime.now
        assert client.request("createReport", "POST", CREATE, json=BODY) == {"reportId": "R9"}
    assert fake.ops().count("createReport") == 2
    # 11 intervals in the queue, then (the 429 spent none of Amazon's tokens) one more: the plan's pace
    assert abs((ftime.now - before) - 12 / RATE) < 1e-6
