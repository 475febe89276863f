"""Request-parameter parsing shared by the Reports and Data Kiosk handlers.

Every failure is a 400 InvalidInput ApiError naming the parameter.

>>> list_param({"reportTypes": ["A,B", "C"]}, "reportTypes")
['A', 'B', 'C']
>>> parse_time("2025-01-01T00:00:00Z", "dataStartTime").isoformat()
'2025-01-01T00:00:00+00:00'
>>> parse_time("0001-01-01T00:00:00Z", "createdSince")
Traceback (most recent call last):
...
pipelines.sandbox.errors.ApiError: 400 InvalidInput: Invalid createdSince: 0001-01-01T00:00:00Z is out of range
>>> decode_token(encode_token({"o": 10}), "nextToken")
{'o': 10}
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta, timezone

from pipelines.sandbox.errors import invalid

UTC = timezone.utc
CLOCK_SKEW = timedelta(minutes=2)
STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
# Instants the sandbox accepts: nothing SP-API serves is older than the Unix epoch, and
# the ceiling leaves room to add any schedule period or report window without overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
# Pagination tokens are signed, so a forged or edited token is refused before it is read.
_TOKEN_KEY = secrets.token_bytes(32)


def list_param(query: dict[str, list[str]], name: str) -> list[str] | None:
    """A Swagger array query parameter: comma-separated (csv) and/or repeated."""
    if name not in query:
        return None
    return [v for raw in query[name] for v in raw.split(",") if v != ""]


def one_param(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise invalid(f"Parameter {name} was given {len(values)} times; give it once")
    return values[0]


def parse_time(value: str, name: str) -> datetime:
    """An ISO 8601 date-time (``Z`` or offset; naive means UTC) as an aware UTC datetime
    between ``EARLIEST`` and ``LATEST``."""
    try:
        t = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise invalid(f"Invalid {name}: {shown(value)} is not an ISO 8601 date-time",
                      "Use a form like 2025-01-31T00:00:00Z") from None
    try:
        t = (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in year 0
        t = None
    if t is None or not EARLIEST <= t < LATEST:
        raise invalid(f"Invalid {name}: {value} is out of range",
                      f"Give a time from {EARLIEST:%Y-%m-%d} up to (not including) {LATEST:%Y-%m-%d}.")
    return t


def shown(value, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages that echo client input."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def not_future(t: datetime, name: str, now: datetime) -> datetime:
    if t > now + CLOCK_SKEW:
        raise invalid(f"Invalid {name}: {t.isoformat()} is in the future",
                      "The value must be prior to or equal to the current date and time.")
    return t


def page_size(query: dict[str, list[str]], default: int = 10) -> int:
    raw = one_param(query, "pageSize")
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise invalid(f"Invalid pageSize {shown(raw)}: must be an integer between 1 and 100") from None
    if not 1 <= size <= 100:
        raise invalid(f"Invalid pageSize {size}: must be between 1 and 100")
    return size


def statuses(query: dict[str, list[str]]) -> list[str] | None:
    values = list_param(query, "processingStatuses")
    if values is None:
        return None
    if not values:
        raise invalid("processingStatuses must name at least one status")
    bad = [v for v in values if v not in STATUSES]
    if bad:
        raise invalid(f"Invalid processingStatuses {bad}", f"Allowed: {', '.join(STATUSES)}")
    return values


def _token_mac(payload: str) -> str:
    return hmac.new(_TOKEN_KEY, payload.encode(), hashlib.sha256).hexdigest()[:32]


def encode_token(state: dict) -> str:
    """An opaque pagination token: the state as base64 JSON, signed with this process's key."""
    payload = base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode()
    return f"{payload}.{_token_mac(payload)}"


def decode_token(token: str, name: str) -> dict:
    """The state of a token ``encode_token`` issued; 400 InvalidInput for anything else."""
    payload, _, mac = token.rpartition(".")
    if not (payload.isascii() and mac.isascii() and hmac.compare_digest(mac, _token_mac(payload))):
        raise invalid(f"Invalid {name}: it was not issued by this server",
                      "Pass the token exactly as a previous response returned it.")
    return json.loads(base64.urlsafe_b64decode(payload.encode()))


def created_range(query: dict[str, list[str]], now: datetime) -> tuple[datetime, datetime]:
    """``createdSince`` (default 90 days ago) and ``createdUntil`` (default now)."""
    raw_since, raw_until = one_param(query, "createdSince"), one_param(query, "createdUntil")
    since = parse_time(raw_since, "createdSince") if raw_since else now - timedelta(days=90)
    until = parse_time(raw_until, "createdUntil") if raw_until else now
    if since > until:
        raise invalid("createdSince must not be after createdUntil")
    return since, until


def iso_z(t: datetime) -> str:
    """Response timestamp form: ``2025-01-31T00:00:00+00:00`` (whole seconds)."""
    return t.astimezone(UTC).replace(microsecond=0).isoformat()
