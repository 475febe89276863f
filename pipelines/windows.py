"""Date windows: packing a partition range into the widest windows a report
allows, and the trailing lookback a scheduled sync re-pulls.

>>> from datetime import datetime, timezone
>>> t = lambda d: datetime(2025, 1, d, tzinfo=timezone.utc)
>>> [(a.day, b.day) for a, b in pack(t(1), t(11), max_days=4)]
[(1, 5), (5, 9), (9, 11)]
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

UTC = timezone.utc


def pack(start: datetime, end: datetime, max_days: int) -> Iterator[tuple[datetime, datetime]]:
    """Split ``[start, end)`` into consecutive windows of at most ``max_days`` days."""
    if max_days < 1:
        raise ValueError(f"max_days must be at least 1, got {max_days}")
    step = timedelta(days=max_days)
    cursor = start
    while cursor < end:
        nxt = min(cursor + step, end)
        yield cursor, nxt
        cursor = nxt


def day_start(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


def lookback_range(today: date, lookback_days: int) -> tuple[date, date]:
    """The inclusive range of daily partitions a scheduled sync refreshes:
    yesterday plus ``lookback_days`` days before it.

    >>> lookback_range(date(2025, 3, 10), 3)
    (datetime.date(2025, 3, 6), datetime.date(2025, 3, 9))
    """
    last = today - timedelta(days=1)
    return last - timedelta(days=lookback_days), last
