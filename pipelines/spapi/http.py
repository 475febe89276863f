"""SpApiClient: one httpx.Client for every SP-API call of an account.

Each call of :meth:`SpApiClient.request`:

- waits for its operation's token bucket (usage plan) before sending;
- sends ``x-amz-access-token`` (LWA, cached), ``x-amz-date`` and a user agent;
- adopts the rate in ``x-amzn-RateLimit-Limit`` when Amazon sends it;
- retries 429, 500, 502, 503, 504 and transport errors with exponential
  backoff and full jitter, bounded by ``max_retries`` and ``max_retry_seconds``
  (a 429 also drains the bucket, so the client slows down). The budget starts
  when the first attempt is sent: a call queued behind the account's other calls
  (a backfill's hundredth createReport waits hours for its token) keeps its
  retries. This one budget
  covers the LWA exchange a call triggers: each attempt asks LWA at most once,
  and the token is got before the rate-limit slot, so an LWA outage spends no quota;
- on a 403 that says the access token is invalid/expired, gets a new token and
  retries once;
- given ``find_twin`` (createReport, createQuery), looks before each retry that
  follows a 5xx or a dropped connection for the job the failed attempt may have
  created anyway, and answers with it instead of creating a twin;
- turns an error response into SpApiError (AuthError for 401/403,
  ThrottledError for 429) with code, message, details, x-amzn-RequestId and
  what a person can do about it.

Logs carry operation, status and request id — never tokens or secrets.
"""
from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import documents
from .auth import PROCESS_TOKEN_CACHE, LwaTokenProvider, RestrictedDataTokens, TokenCache, account_key
from .config import SpApiConfig
from .errors import AuthError, SpApiError, ThrottledError
from .ratelimit import RateLimiter, shared_limiter
from .regions import USAGE_PLANS
from .retry import retrying

log = logging.getLogger("pipelines.spapi")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_TOKEN_WORDS = ("expired", "invalid", "malformed", "revoked")


def error_from_response(resp: httpx.Response, operation: str) -> SpApiError:
    """SpApiError from an SP-API error response (``ErrorList`` body when there is one)."""
    errors: list[dict] = []
    try:
        body = resp.json()
        if isinstance(body, dict) and isinstance(body.get("errors"), list):
            errors = [e for e in body["errors"] if isinstance(e, dict)]
    except ValueError:
        pass
    if errors:
        first = errors[0]
        code = str(first.get("code") or f"HTTP{resp.status_code}")
        message = str(first.get("message") or "")
        details = first.get("details")
        details = str(details) if details else None
    else:
        code = f"HTTP{resp.status_code}"
        message = (resp.text or resp.reason_phrase or "")[:300].strip()
        details = None
    cls = {401: AuthError, 403: AuthError, 429: ThrottledError}.get(resp.status_code, SpApiError)
    return cls(resp.status_code, code, message, details, resp.headers.get("x-amzn-RequestId"), operation, errors)


def retryable(err: BaseException) -> bool:
    """True for a failure another attempt may cure: 429, 5xx, a transport error, or a fresh token to try."""
    return isinstance(err, SpApiError) and (err.status is None or err.status in RETRYABLE_STATUS
                                            or err.retry_after == 0.0)


def _look_for_twin(operation: str, find_twin: Callable[[], dict | None]) -> dict | None:
    """What ``find_twin`` finds (logged), or None. A lookup that failed for good (a 4xx) does
    not fail the call: it is retried as it would have been; a retryable failure fails the attempt."""
    try:
        twin = find_twin()
    except SpApiError as exc:
        if retryable(exc):
            raise
        log.warning("%s: could not look for what the failed attempt may have created (%s); trying again",
                    operation, exc)
        return None
    if twin is not None:
        log.warning("%s: found what the failed attempt created (%s); using it instead of a twin", operation, twin)
    return twin


def access_denied_hint(config: SpApiConfig) -> str:
    """What to do about a 401/403 that is not about the access token itself."""
    host = urlsplit(config.api_endpoint).hostname
    return ("the app may lack the SP-API role this operation needs (e.g. Brand Analytics, Selling Partner "
            "Insights, Finance and Accounting): add it to the app in Developer Central and have the seller "
            f"re-authorize; or the seller's account is not in region {config.region} ({host}): check "
            "SPAPI_REGION (or the account's region in the accounts file)")


def throttle_hint(operation: str, attempts: int, seconds: float, rate: float | None) -> str:
    """What to do about a call still throttled after its whole budget."""
    plan = USAGE_PLANS.get(operation)
    quota = (f"{operation}'s usage plan allows {rate if rate else plan.rate:g} requests/s (burst {plan.burst})"
             if plan else f"{operation} has no published usage plan")
    return (f"still throttled after {attempts} attempts over {seconds:.0f}s; {quota}. Another process may be "
            "spending this account's quota (another Dagster run or step, or another tool using the same "
            "seller authorization): lower the `spapi` concurrency pool, or retry later")


def is_token_problem(err: SpApiError) -> bool:
    """True when a 403 says the access token itself is invalid or expired (worth a fresh token)."""
    text = f"{err.message} {err.details or ''}".lower()
    return err.status == 403 and "token" in text and _mentions_token(err)


def _mentions_token(err: SpApiError) -> bool:
    text = f"{err.message} {err.details or ''}".lower()
    return any(w in text for w in _TOKEN_WORDS)


def amz_date(now: datetime | None = None) -> str:
    """``x-amz-date`` value, e.g. 20240101T000000Z."""
    return (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


class SpApiClient:
    """Authenticated, rate-limited, retrying SP-API caller.

    ``transport``, ``sleep``, ``clock``, ``limiter`` and ``token_cache`` exist for
    tests; by default the rate limiter and the token cache are shared by every
    client of the same account in the process.
    """

    def __init__(
        self,
        config: SpApiConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        limiter: RateLimiter | None = None,
        token_cache: TokenCache | None = None,
    ):
        self.config = config
        self.sleep = sleep
        self.clock = clock
        self.account_key = account_key(config)
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(config.timeout),
            headers={"user-agent": config.user_agent},
            follow_redirects=False,
        )
        if limiter is None:
            custom_time = sleep is not time.sleep or clock is not time.monotonic
            limiter = (RateLimiter(clock=clock, sleep=sleep) if custom_time
                       else shared_limiter(self.account_key, config.rate_limit_dir))
        self.limiter = limiter
        self.tokens = LwaTokenProvider(config, self._http, clock=clock, cache=token_cache or PROCESS_TOKEN_CACHE)
        self.restricted = RestrictedDataTokens(self.request, clock=clock)

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SpApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- SP-API calls --------------------------------------------------------------
    def request(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        access_token: str | None = None,
        find_twin: Callable[[], dict | None] | None = None,
        retry: bool = True,
    ) -> dict | None:
        """Call one SP-API operation; returns the JSON body (None for an empty body).

        ``params`` values that are lists are sent comma-separated (Swagger ``csv``).
        ``access_token`` replaces the LWA token (a Restricted Data Token).
        ``find_twin``: once an attempt failed with a 5xx or a transport error (Amazon may
        have acted on it all the same), every retry first calls it; a body it returns
        (the twin it found) is the answer. ``retry=False``: one attempt only (for calls
        made inside another call's attempt, which has the retries).
        """
        url = self.config.api_endpoint + path
        query = _query(params)
        reauthed = False
        attempts = 0
        maybe_done = False  # an attempt failed in a way that does not say it had no effect
        cfg = self.config
        started = self.clock()
        queued = 0.0  # the first attempt's wait for its token: not part of the retry budget

        def budget_clock() -> float:
            return self.clock() - queued

        def attempt() -> dict | None:
            nonlocal reauthed, attempts, maybe_done, queued
            attempts += 1
            twin = _look_for_twin(operation_id, find_twin) if maybe_done and find_twin is not None else None
            if twin is not None:
                return twin
            if access_token is None:
                self.tokens.token()  # fail fast while LWA is failing, before spending the operation's quota
            asked = self.clock()
            waited = self.limiter.acquire(operation_id)
            ready = asked + waited  # when the call could go: its round trip counts from here (see ratelimit)
            if attempts == 1:
                queued = waited
            token = access_token or self.tokens.token()  # cached unless it ran out during the wait
            headers = {"x-amz-access-token": token, "x-amz-date": amz_date(), "accept": "application/json"}
            try:
                resp = self._http.request(method, url, params=query, json=json, headers=headers)
            except httpx.TransportError as exc:
                log.warning("%s: transport error %s", operation_id, type(exc).__name__)
                # A connection never made carried no request; any other failure may come after Amazon acted.
                maybe_done = maybe_done or not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                raise SpApiError(None, "TransportError", f"{type(exc).__name__}: {exc}",
                                 operation=operation_id) from None
            request_id = resp.headers.get("x-amzn-RequestId")
            self.limiter.round_trip(operation_id, self.clock() - ready)
            self.limiter.observe(operation_id, resp.headers.get("x-amzn-RateLimit-Limit"))
            log.debug("%s %s -> %s (request id %s)", operation_id, method, resp.status_code, request_id)
            if resp.status_code < 300:
                return _json_body(resp, operation_id)
            err = error_from_response(resp, operation_id)
            log.warning("%s -> HTTP %s %s (request id %s)", operation_id, resp.status_code, err.code, request_id)
            maybe_done = maybe_done or resp.status_code >= 500
            if resp.status_code == 429:
                self.limiter.throttled(operation_id)
                bucket = self.limiter.bucket(operation_id)
                if bucket and budget_clock() - started + 1 / bucket.rate >= cfg.max_retry_seconds:
                    err.final = True  # the usage plan allows no other attempt within the budget
            if access_token is None and not reauthed and is_token_problem(err):
                reauthed = True
                self.tokens.invalidate(token)
                err.retry_after = 0.0
            elif isinstance(err, AuthError) and not _mentions_token(err):
                err.add_detail(access_denied_hint(self.config))
            raise err

        policy = retrying(
            what=operation_id,
            should_retry=retryable,
            max_retries=cfg.max_retries if retry else 0, max_seconds=cfg.max_retry_seconds,
            base=cfg.backoff_base, cap=cfg.backoff_max, sleep=self.sleep, clock=budget_clock,
        )
        try:
            return policy(attempt)
        except ThrottledError as err:
            bucket = self.limiter.bucket(operation_id)
            err.add_detail(throttle_hint(operation_id, attempts, self.clock() - started,
                                         bucket.rate if bucket else None))
            raise

    # -- documents -------------------------------------------------------------------
    def download(self, locate: Callable[[], documents.DocumentLocation], dest: Path) -> documents.Downloaded:
        """Stream a presigned document to ``dest`` as UTF-8 (see documents.download)."""
        cfg = self.config
        return documents.download(
            self._http, locate, dest, timeout=cfg.timeout, max_retries=cfg.max_retries,
            max_seconds=cfg.max_retry_seconds, base=cfg.backoff_base, cap=cfg.backoff_max,
            sleep=self.sleep, clock=self.clock,
        )


def _query(params: dict[str, Any] | None) -> dict[str, str] | None:
    if not params:
        return None
    out = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            value = ",".join(str(v) for v in value)
        out[key] = str(value)
    return out


def _json_body(resp: httpx.Response, operation: str) -> dict | None:
    if resp.status_code == 204 or not resp.content:
        return None
    try:
        return resp.json()
    except (ValueError, jsonlib.JSONDecodeError):
        raise SpApiError(resp.status_code, "InvalidResponse", "response body is not JSON",
                         request_id=resp.headers.get("x-amzn-RequestId"), operation=operation) from None
