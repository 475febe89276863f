"""Login with Amazon (LWA) token exchange and SP-API access-token checks.

Access tokens (``Atza|…``) come from ``POST /auth/o2/token``; restricted data
tokens (``Atz.sprdt|…``) from the Tokens API. Both are accepted in the
``x-amz-access-token`` header until they expire; a restricted data token only
opens the resources (method + path, ``{placeholders}`` allowed) it was made for.

Every sandbox account (tenant) authorizes the one sandbox application with its
own refresh token: the token exchanged tells which account an access token, and
the restricted data tokens made with it, act for. A grantless token
(client_credentials) acts for no account and opens no selling-partner operation.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass

from pipelines.sandbox.credentials import DEFAULT_TENANT, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, tenant_credentials
from pipelines.sandbox.errors import DENIED, ApiError


class LwaError(Exception):
    """An OAuth error answered as ``{"error": ..., "error_description": ...}``."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


@dataclass
class _Token:
    expires_at: float  # time.monotonic()
    tenant: str | None  # the account it acts for (None: a grantless token)
    resources: tuple[tuple[str, re.Pattern], ...] | None = None  # RDT only


class TokenStore:
    def __init__(self, token_ttl: float = 3600.0, tenants: tuple[str, ...] = (DEFAULT_TENANT,)):
        self.token_ttl = token_ttl
        self._tenant_of = {tenant_credentials(name)[2]: name for name in tenants}  # refresh token -> account
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def exchange(self, form: dict[str, str]) -> dict:
        """The LWA ``/auth/o2/token`` exchange (refresh_token and client_credentials grants)."""
        grant = form.get("grant_type")
        if grant not in ("refresh_token", "client_credentials"):
            raise LwaError(400, "unsupported_grant_type", f"The authorization grant type {grant!r} is not supported")
        for name in ("client_id", "client_secret") + (("refresh_token",) if grant == "refresh_token" else ()):
            if not form.get(name):
                raise LwaError(400, "invalid_request", f"The request is missing a required parameter : {name}")
        if form["client_id"] != SANDBOX_CLIENT_ID or form["client_secret"] != SANDBOX_CLIENT_SECRET:
            raise LwaError(401, "invalid_client", "Client authentication failed")
        tenant = self._tenant_of.get(form["refresh_token"]) if grant == "refresh_token" else None
        if grant == "refresh_token" and tenant is None:
            raise LwaError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        token = "Atza|" + secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = _Token(time.monotonic() + self.token_ttl, tenant)
        body = {"access_token": token, "token_type": "bearer", "expires_in": int(self.token_ttl)}
        if grant == "refresh_token":
            body["refresh_token"] = form["refresh_token"]
        return body

    def restricted(self, resources: list[dict], tenant: str) -> tuple[str, int]:
        """A restricted data token of account ``tenant`` for ``resources`` (validated by the caller)."""
        token = "Atz.sprdt|" + secrets.token_urlsafe(48)
        compiled = tuple((r["method"], re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(r["path"])) + "$"))
                         for r in resources)
        with self._lock:
            self._tokens[token] = _Token(time.monotonic() + self.token_ttl, tenant, compiled)
        return token, int(self.token_ttl)

    def is_restricted(self, token: str | None) -> bool:
        """Whether ``token`` is a restricted data token (not an LWA access token)."""
        with self._lock:
            t = self._tokens.get(token or "")
        return t is not None and t.resources is not None

    def check(self, token: str | None, method: str, path: str) -> str:
        """The account ``token`` acts for; a 403 Unauthorized ApiError unless it opens ``method path`` now."""
        if not token:
            raise ApiError(403, "Unauthorized", DENIED, "Access token is missing in the request header.")
        with self._lock:
            t = self._tokens.get(token)
        if t is None:
            raise ApiError(403, "Unauthorized", DENIED, "The access token you provided is invalid.")
        if time.monotonic() >= t.expires_at:
            raise ApiError(403, "Unauthorized", DENIED, "The access token you provided has expired.")
        if t.resources is not None and not any(m == method and p.match(path) for m, p in t.resources):
            raise ApiError(403, "Unauthorized", DENIED,
                           "The restricted data token you provided does not grant access to this resource.")
        if t.tenant is None:
            raise ApiError(403, "Unauthorized", DENIED,
                           "A grantless access token does not act for a selling partner: exchange the selling "
                           "partner's refresh token.")
        return t.tenant
