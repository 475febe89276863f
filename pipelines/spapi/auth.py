"""Login with Amazon (LWA) access tokens and Restricted Data Tokens.

An LWA access token lives about an hour. It is exchanged from the refresh
token once, cached process-wide (every client and thread of the process that
uses the same app + refresh token shares it) and renewed ``refresh_margin``
seconds before it expires. One lock per account makes concurrent callers wait
for a single exchange instead of each asking LWA.

Nothing here logs or raises with a secret, refresh token or access token in it.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

import httpx

from .config import SpApiConfig
from .errors import AuthError, SpApiError
from .retry import retrying

log = logging.getLogger("pipelines.spapi")

RETRYABLE_LWA_STATUS = {429, 500, 502, 503, 504}

_LWA_HINTS = {
    "invalid_client": "client authentication failed: check SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET "
                      "(the LWA credentials of your SP-API app)",
    "invalid_grant": "the refresh token is invalid, expired, revoked or belongs to another app: "
                     "re-authorize the app for this seller and update SPAPI_REFRESH_TOKEN",
    "unauthorized_client": "this app is not allowed to use the refresh_token grant",
    "invalid_request": "LWA rejected the token request as malformed",
    "invalid_scope": "LWA rejected the requested scope",
}


def account_key(config: SpApiConfig) -> str:
    """A stable, non-reversible key of (LWA endpoint, app, refresh token) for shared caches."""
    raw = "\0".join((config.token_endpoint, config.client_id, config.refresh_token))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def redact(text: str, *secrets: str) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class TokenCache:
    """Thread-safe map account key -> (access token, expiry on the provider's clock)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

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
                 sleep: Callable[[float], None] = time.sleep, cache: TokenCache = PROCESS_TOKEN_CACHE,
                 refresh_margin: float = 60.0):
        self._config = config
        self._http = http
        self._clock = clock
        self._sleep = sleep
        self._cache = cache
        self._margin = refresh_margin
        self.key = account_key(config)
        self.exchanges = 0  # how many times this provider asked LWA (for metrics and tests)

    def token(self) -> str:
        """A valid access token, from the cache unless it expires within the margin."""
        with self._cache.lock(self.key):
            entry = self._cache.get(self.key)
            if entry and self._clock() < entry[1] - self._margin:
                return entry[0]
            token, expires_in = self._exchange()
            self._cache.put(self.key, token, self._clock() + expires_in)
            return token

    def invalidate(self, token: str) -> None:
        """Drop a token SP-API refused so the next ``token()`` asks LWA again."""
        self._cache.drop(self.key, token)

    def _exchange(self) -> tuple[str, float]:
        cfg = self._config
        policy = retrying(
            what="LWA token exchange",
            should_retry=lambda e: isinstance(e, SpApiError) and (e.status is None or e.status in RETRYABLE_LWA_STATUS),
            max_retries=cfg.max_retries, max_seconds=cfg.max_retry_seconds,
            base=cfg.backoff_base, cap=cfg.backoff_max, sleep=self._sleep, clock=self._clock,
        )
        return policy(self._exchange_once)

    def _exchange_once(self) -> tuple[str, float]:
        cfg = self._config
        form = {"grant_type": "refresh_token", "refresh_token": cfg.refresh_token,
                "client_id": cfg.client_id, "client_secret": cfg.client_secret}
        try:
            resp = self._http.post(cfg.token_endpoint, data=form, timeout=cfg.timeout,
                                   headers={"accept": "application/json"})
        except httpx.TransportError as exc:
            raise AuthError(None, "TransportError", f"cannot reach LWA ({type(exc).__name__})",
                            operation="lwa_token") from None
        self.exchanges += 1
        if resp.status_code == 200:
            try:
                body = resp.json()
                token = body["access_token"]
            except (ValueError, KeyError, TypeError):
                raise AuthError(200, "InvalidResponse", "LWA answered 200 without an access_token",
                                operation="lwa_token") from None
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
        hint = _LWA_HINTS.get(code)
        message = f"{hint} (LWA said: {description})" if hint else f"LWA token request failed: {description}"
        log.error("LWA token request failed: HTTP %s %s", resp.status_code, code)
        return AuthError(resp.status_code, code, message, operation="lwa_token",
                         request_id=resp.headers.get("x-amzn-RequestId"))


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
