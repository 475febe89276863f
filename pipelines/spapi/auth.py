"""Login with Amazon (LWA) access tokens and Restricted Data Tokens.

An LWA access token lives about an hour. It is exchanged from the refresh
token once, cached process-wide (every client and thread of the process that
uses the same app + refresh token shares it) and renewed ``refresh_margin``
seconds before it expires. One lock per account makes concurrent callers wait
for a single exchange instead of each asking LWA.

An exchange is one LWA request, never a retry loop of its own: the SP-API call
that needs the token retries it within its own budget. Failures are shared per
account like the token: callers that waited for an exchange that failed get its
error without asking LWA again, and LWA failing ``max_retries + 1`` times in a
row (or for ``lwa_outage_seconds``) is declared down, as are credentials LWA
refuses: every call of the account then fails at once for ``lwa_outage_seconds``,
after which one request tries LWA again.

Nothing here logs or raises with a secret, refresh token or access token in it.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .config import SpApiConfig
from .errors import AuthError

log = logging.getLogger("pipelines.spapi")

RETRYABLE_LWA_STATUS = {429, 500, 502, 503, 504}
LWA_OPERATION = "LWA token request"


def _lwa_hint(code: str, config: SpApiConfig) -> str | None:
    client_id_var, secret_var, refresh_var = config.credential_vars
    return {
        "invalid_client": f"client authentication failed: check {client_id_var} and {secret_var} "
                          "(the LWA credentials of your SP-API app)",
        "invalid_grant": "the refresh token is invalid, expired, revoked or belongs to another app: "
                         f"have the seller re-authorize the app, then put the new refresh token in {refresh_var}",
        "unauthorized_client": "this app is not allowed to use the refresh_token grant",
        "invalid_request": "LWA rejected the token request as malformed",
        "invalid_scope": "LWA rejected the requested scope",
    }.get(code)


def account_key(config: SpApiConfig) -> str:
    """A stable, non-reversible key of (LWA endpoint, app, refresh token) for shared caches."""
    raw = "\0".join((config.token_endpoint, config.client_id, config.refresh_token))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def redact(text: str, *secrets: str) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def is_retryable_lwa(err: AuthError) -> bool:
    """LWA unreachable, timed out, throttling or failing (5xx): another try may succeed."""
    return err.status is None or err.status in RETRYABLE_LWA_STATUS


@dataclass
class LwaFailures:
    """The failed exchanges in a row of one set of credentials (shared like the token)."""

    count: int = 0
    first_started: float = 0.0  # when the first failed exchange of the row was sent
    error: AuthError | None = None  # the last one, as raised
    down_until: float | None = None  # declared down / refused: fail at once until then
    generation: int = 0  # bumped by every failure; a waiter that saw an older one gets the error

    def succeeded(self) -> None:
        """LWA answered: forget the row (the generation keeps counting)."""
        self.count, self.error, self.down_until = 0, None, None

    def again(self, deadline: float | None, now: float) -> AuthError:
        """A copy of the last error for another caller (each thread raises its own)."""
        last = self.error
        err = AuthError(last.status, last.code, last.message, last.details, last.request_id, last.operation)
        err.final = last.final
        if not err.final and deadline is not None:
            err.retry_after = max(0.0, deadline - now)
        return err


class TokenCache:
    """Thread-safe map account key -> (access token, expiry on the provider's clock),
    plus the LWA failures of each set of credentials."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._failures: dict[str, LwaFailures] = {}
        self._guard = threading.Lock()

    def lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def failures(self, key: str) -> LwaFailures:
        with self._guard:
            return self._failures.setdefault(key, LwaFailures())

    def get(self, key: str) -> tuple[str, float] | None:
        return self._entries.get(key)

    def put(self, key: str, token: str, expires_at: float) -> None:
        self._entries[key] = (token, expires_at)

    def drop(self, key: str, token: str) -> None:
        """Forget ``token`` if it is still the cached one (another thread may have renewed it)."""
        with self._guard:
            entry = self._entries.get(key)
            if entry and entry[0] == token:
                del self._entries[key]


PROCESS_TOKEN_CACHE = TokenCache()


class LwaTokenProvider:
    def __init__(self, config: SpApiConfig, http: httpx.Client, *, clock: Callable[[], float] = time.monotonic,
                 cache: TokenCache = PROCESS_TOKEN_CACHE, refresh_margin: float = 60.0):
        self._config = config
        self._http = http
        self._clock = clock
        self._cache = cache
        self._margin = refresh_margin
        self.key = account_key(config)
        # a wrong client secret must not block the right one: failures are per credentials
        self._failure_key = hashlib.sha256(f"{self.key}\0{config.client_secret}".encode()).hexdigest()[:24]
        self.exchanges = 0  # how many times this provider asked LWA (for metrics and tests)

    def token(self) -> str:
        """A valid access token, from the cache unless it expires within the margin.

        Raises AuthError when LWA fails; ``final`` when retrying cannot help."""
        failures = self._cache.failures(self._failure_key)
        seen = failures.generation
        with self._cache.lock(self.key):
            entry = self._cache.get(self.key)
            now = self._clock()
            if entry and now < entry[1] - self._margin:
                return entry[0]
            if failures.error is not None:
                deadline = failures.first_started + self._config.lwa_outage_seconds
                if failures.generation != seen:  # the exchange this caller waited for failed
                    raise failures.again(deadline, now)
                if failures.down_until is not None and now < failures.down_until:
                    raise failures.again(None, now)
            started = now
            try:
                token, expires_in = self._exchange()
            except AuthError as err:
                raise self._failed(failures, err, started) from None
            failures.succeeded()
            self._cache.put(self.key, token, self._clock() + expires_in)
            return token

    def invalidate(self, token: str) -> None:
        """Drop a token SP-API refused so the next ``token()`` asks LWA again."""
        self._cache.drop(self.key, token)

    def _failed(self, failures: LwaFailures, err: AuthError, started: float) -> AuthError:
        """Record a failed exchange; the error to raise (declared final when it is time)."""
        cfg, now = self._config, self._clock()
        probing = failures.down_until is not None  # the first request after a declared outage ran out
        if failures.count == 0:
            failures.first_started = started
        failures.count += 1
        failures.generation += 1
        deadline = failures.first_started + cfg.lwa_outage_seconds
        if not is_retryable_lwa(err):
            err.final = True
        elif probing or failures.count > cfg.max_retries or now >= deadline:
            err = self._declared_down(err, failures.count, now - failures.first_started)
        else:
            err.retry_after = max(0.0, deadline - now)
        failures.error = err
        failures.down_until = now + cfg.lwa_outage_seconds if err.final else None
        return err

    def _declared_down(self, last: AuthError, count: int, seconds: float) -> AuthError:
        cfg = self._config
        reason = last.message.split(f"{cfg.lwa_host} ", 1)[-1]  # "unreachable (ConnectError)"
        err = AuthError(last.status, last.code,
                        f"Login with Amazon at {cfg.lwa_host} failed {count} times in a row over {seconds:.0f}s "
                        f"(last: {reason}); every call of this account now fails at once for "
                        f"{cfg.lwa_outage_seconds:.0f}s", self._network_hint(), last.request_id, LWA_OPERATION)
        err.final = True
        log.error("Login with Amazon at %s declared down after %d failed requests", cfg.lwa_host, count)
        return err

    def _network_hint(self) -> str:
        host = self._config.lwa_host
        return f"check network access to {host}, or SPAPI_LWA_ENDPOINT"

    def _exchange(self) -> tuple[str, float]:
        """One token request to LWA (no retry here: the caller's budget decides)."""
        cfg = self._config
        form = {"grant_type": "refresh_token", "refresh_token": cfg.refresh_token,
                "client_id": cfg.client_id, "client_secret": cfg.client_secret}
        self.exchanges += 1
        try:
            resp = self._http.post(cfg.token_endpoint, data=form, timeout=cfg.lwa_timeout,
                                   headers={"accept": "application/json"})
        except httpx.TransportError as exc:
            kind = type(exc).__name__
            what = f"timed out after {cfg.lwa_timeout:g}s" if isinstance(exc, httpx.TimeoutException) else "unreachable"
            log.warning("LWA token request to %s: %s (%s)", cfg.lwa_host, what, kind)
            raise AuthError(None, "TransportError", f"Login with Amazon at {cfg.lwa_host} {what} ({kind})",
                            self._network_hint(), operation=LWA_OPERATION) from None
        if resp.status_code == 200:
            try:
                body = resp.json()
                token = body["access_token"]
            except (ValueError, KeyError, TypeError):
                raise AuthError(200, "InvalidResponse",
                                f"{cfg.lwa_host} answered 200 without an access_token: is SPAPI_LWA_ENDPOINT "
                                "Login with Amazon's token URL?", operation=LWA_OPERATION) from None
            log.info("LWA access token obtained (expires in %ss)", body.get("expires_in", 3600))
            return token, float(body.get("expires_in") or 3600)
        raise self._error(resp)

    def _error(self, resp: httpx.Response) -> AuthError:
        cfg = self._config
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        code = str(body.get("error") or f"HTTP{resp.status_code}")
        description = str(body.get("error_description") or resp.reason_phrase or "")
        description = redact(description, cfg.client_secret, cfg.refresh_token)
        hint = _lwa_hint(code, cfg)
        details = None
        if hint:
            message = f"{hint} (LWA said: {description})"
        elif resp.status_code in RETRYABLE_LWA_STATUS:
            message = f"Login with Amazon at {cfg.lwa_host} answered HTTP {resp.status_code} ({description})"
            details = self._network_hint()
        else:
            message = f"Login with Amazon at {cfg.lwa_host} refused the token request: {description}"
        log.error("LWA token request failed: HTTP %s %s", resp.status_code, code)
        return AuthError(resp.status_code, code, message, details, resp.headers.get("x-amzn-RequestId"),
                         LWA_OPERATION)


class RestrictedDataTokens:
    """Restricted Data Tokens (Tokens API createRestrictedDataToken) for PII resources.

    ``request`` is SpApiClient.request. A token is cached per (method, path,
    dataElements) until ``refresh_margin`` seconds before ``expiresIn``.
    """

    PATH = "/tokens/2021-03-01/restrictedDataToken"

    def __init__(self, request: Callable[..., dict | None], *, clock: Callable[[], float] = time.monotonic,
                 refresh_margin: float = 60.0):
        self._request = request
        self._clock = clock
        self._margin = refresh_margin
        self._cache: dict[tuple, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token_for(self, method: str, path: str, data_elements: list[str] | None = None) -> str:
        key = (method.upper(), path, tuple(data_elements or ()))
        with self._lock:
            entry = self._cache.get(key)
            if entry and self._clock() < entry[1] - self._margin:
                return entry[0]
            resource: dict = {"method": key[0], "path": path}
            if data_elements:
                resource["dataElements"] = list(data_elements)
            body = self._request("createRestrictedDataToken", "POST", self.PATH,
                                 json={"restrictedResources": [resource]}) or {}
            token = body.get("restrictedDataToken")
            if not token:
                raise AuthError(200, "InvalidResponse", "createRestrictedDataToken returned no token",
                                operation="createRestrictedDataToken")
            self._cache[key] = (token, self._clock() + float(body.get("expiresIn") or 3600))
            return token
