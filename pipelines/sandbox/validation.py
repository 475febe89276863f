"""Request-parameter parsing shared by the Reports and Data Kiosk handlers.

Every failure is a 400 InvalidInput ApiError naming the parameter.

>>> list_param({"reportTypes": ["A,B", "C"]}, "reportTypes")
['A', 'B', 'C']
>>> parse_time("2025-01-01T00:00:00Z", "dataStartTime").isoformat()
'2025-01-01T00:00:00+00:00'
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from pipelines.sandbox.errors import invalid

UTC = timezone.utc
CLOCK_SKEW = timedelta(minutes=2)
STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")


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
    """An ISO 8601 date-time (``Z`` or offset; naive means UTC) as an aware UTC datetime."""
    try:
        t = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise invalid(f"Invalid {name}: {value!r} is not an ISO 8601 date-time",
                      "Use a form like 2025-01-31T00:00:00Z") from None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


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
        raise invalid(f"Invalid pageSize {raw!r}: must be an integer between 1 and 100") from None
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


def encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode()


def decode_token(token: str, name: str) -> dict:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not isinstance(state, dict):
            raise ValueError
        return state
    except (ValueError, UnicodeDecodeError):
        raise invalid(f"Invalid {name}: it was not issued by this server") from None


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
