"""Client settings: credentials, hosts, timeouts, retry and polling bounds.

>>> cfg = SpApiConfig("amzn1.application-oa2-client.x", "secret", "Atzr|token", region="eu")
>>> cfg.api_endpoint
'https://sellingpartnerapi-eu.amazon.com'
>>> "secret" in repr(cfg) or "Atzr" in repr(cfg)
False
>>> SpApiConfig.from_env({"SPAPI_CLIENT_ID": "a", "SPAPI_CLIENT_SECRET": "b",
...                       "SPAPI_REFRESH_TOKEN": "c", "SPAPI_REGION": "xx"})
Traceback (most recent call last):
...
pipelines.spapi.errors.ConfigError: SPAPI_REGION='xx' is not a valid region; allowed values: na, eu, fe
"""
from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError
from .regions import LWA_ENDPOINT, REGIONS


def default_user_agent() -> str:
    """``spapi-duckdb/0.1 (Language=Python/3.11; Platform=Linux)``, as Amazon recommends."""
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"spapi-duckdb/0.1 (Language=Python/{py}; Platform={platform.system() or 'unknown'})"


@dataclass(frozen=True)
class SpApiConfig:
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    region: str = "na"
    endpoint: str | None = None  # overrides the region's SP-API host (e.g. a sandbox)
    lwa_endpoint: str | None = None  # overrides https://api.amazon.com/auth/o2/token
    user_agent: str = field(default_factory=default_user_agent)
    timeout: float = 30.0  # seconds, per HTTP call (connect/read/write/pool)
    # One budget per call, covering the LWA exchange it triggers: at most
    # max_retries + 1 attempts (429, 5xx, transport errors) within max_retry_seconds.
    max_retries: int = 5
    max_retry_seconds: float = 120.0
    lwa_timeout: float = 10.0  # seconds, per LWA token request
    # LWA failing max_retries + 1 times in a row, or for this long, is declared down
    # (every call of the account then fails at once, for as long again); credentials
    # LWA refuses (invalid_grant, invalid_client) likewise.
    lwa_outage_seconds: float = 60.0
    poll_initial: float = 2.0  # first wait between status polls, seconds
    poll_max: float = 60.0  # longest wait between status polls
    poll_timeout: float = 4 * 3600.0  # give up waiting for a report/query after this long
    # A report/query still IN_QUEUE after queue_timeout seconds is cancelled and, after
    # queue_backoff seconds, created again: at most queue_attempts creations in all.
    queue_timeout: float = 30 * 60.0
    queue_backoff: float = 5 * 60.0
    queue_attempts: int = 3
    backoff_base: float = 1.0  # retry wait = uniform(0, min(backoff_max, backoff_base * 2**n))
    backoff_max: float = 60.0
    # Folder holding the usage-plan buckets shared by every process of this account
    # (None: per process). The Dagster resource sets it next to the warehouse.
    rate_limit_dir: Path | None = None
    # The variables holding (client id, client secret, refresh token), named in error messages.
    credential_vars: tuple[str, str, str] = ("SPAPI_CLIENT_ID", "SPAPI_CLIENT_SECRET", "SPAPI_REFRESH_TOKEN")

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ConfigError(
                f"region={self.region!r} is not a valid region; allowed values: {', '.join(REGIONS)}"
            )
        for name in ("client_id", "client_secret", "refresh_token"):
            if not getattr(self, name):
                raise ConfigError(f"{name} is empty; set it to your Login with Amazon {name}")
        for name in ("endpoint", "lwa_endpoint"):
            value = getattr(self, name)
            if value is not None and urlsplit(value).scheme not in ("http", "https"):
                raise ConfigError(f"{name}={value!r} must be an http(s) URL")
        for name in ("timeout", "max_retry_seconds", "lwa_timeout", "lwa_outage_seconds", "poll_initial",
                     "poll_max", "poll_timeout", "queue_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got {self.max_retries!r}")
        if self.queue_backoff < 0:
            raise ConfigError(f"queue_backoff must be >= 0, got {self.queue_backoff!r}")
        if self.queue_attempts < 1:
            raise ConfigError(f"queue_attempts must be >= 1, got {self.queue_attempts!r}")

    @property
    def api_endpoint(self) -> str:
        """SP-API root URL without a trailing slash."""
        return (self.endpoint or REGIONS[self.region].endpoint).rstrip("/")

    @property
    def token_endpoint(self) -> str:
        return self.lwa_endpoint or LWA_ENDPOINT

    @property
    def lwa_host(self) -> str:
        """Host (and port, if any) of the LWA endpoint, for messages: never credentials in the URL.

        >>> SpApiConfig("id", "s", "r", lwa_endpoint="http://user:pw@127.0.0.1:9/auth/o2/token").lwa_host
        '127.0.0.1:9'
        """
        url = urlsplit(self.token_endpoint)
        return f"{url.hostname}:{url.port}" if url.port else str(url.hostname)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *,
                 credential_vars: tuple[str, str, str] = ("SPAPI_CLIENT_ID", "SPAPI_CLIENT_SECRET",
                                                          "SPAPI_REFRESH_TOKEN"),
                 region: str | None = None) -> SpApiConfig:
        """Read ``SPAPI_*`` variables; ConfigError names a missing or invalid one.

        ``credential_vars`` names the variables holding (client id, client secret,
        refresh token), for accounts whose credentials live elsewhere; ``region``
        overrides SPAPI_REGION."""
        def required(name: str) -> str:
            value = (environ.get(name) or "").strip()
            if not value:
                raise ConfigError(f"{name} is not set; it is required to call SP-API")
            return value

        region = (region or environ.get("SPAPI_REGION") or "na").strip().lower()
        if region not in REGIONS:
            raise ConfigError(
                f"SPAPI_REGION={environ.get('SPAPI_REGION')!r} is not a valid region; "
                f"allowed values: {', '.join(REGIONS)}"
            )
        overrides = {}
        for var, name in (("SPAPI_ENDPOINT", "endpoint"), ("SPAPI_LWA_ENDPOINT", "lwa_endpoint")):
            value = (environ.get(var) or "").strip()
            if value:
                if urlsplit(value).scheme not in ("http", "https"):
                    raise ConfigError(f"{var}={value!r} must be an http(s) URL")
                overrides[name] = value
        return cls(
            client_id=required(credential_vars[0]),
            client_secret=required(credential_vars[1]),
            refresh_token=required(credential_vars[2]),
            region=region,
            credential_vars=tuple(credential_vars),
            **overrides,
        )
