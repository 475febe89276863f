"""Amazon's reporting periods: days, Sunday-to-Saturday weeks, calendar months
and quarters, and the windows a request for them may cover.

Reports aggregated by period (Brand Analytics, vendor analytics, Data Kiosk
WEEK/MONTH) want ``dataStartTime`` on the first day of a period and
``dataEndTime`` on the last day of one ("dataStartTime must be a Sunday and
dataEndTime must be a Saturday when reportPeriod=WEEK"), so their partitions
and request windows follow the same boundaries.

>>> from datetime import date
>>> period_start(date(2025, 1, 8), "WEEK"), period_end(date(2025, 1, 8), "WEEK")
(datetime.date(2025, 1, 5), datetime.date(2025, 1, 12))
>>> period_start(date(2025, 5, 17), "QUARTER"), period_end(date(2025, 5, 17), "QUARTER")
(datetime.date(2025, 4, 1), datetime.date(2025, 7, 1))
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER")
UTC = timezone.utc


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; allowed: {', '.join(PERIODS)}")
    return period


def period_start(day: date, period: str) -> date:
    """The first day of the period holding ``day`` (weeks start on Sunday)."""
    check_period(period)
    if period == "DAY":
        return day
    if period == "WEEK":
        return day - timedelta(days=(day.weekday() + 1) % 7)  # Monday is 0, Sunday 6
    if period == "MONTH":
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def period_end(day: date, period: str) -> date:
    """The first day after the period holding ``day`` (half-open end)."""
    start = period_start(day, period)
    if period == "DAY":
        return start + timedelta(days=1)
    if period == "WEEK":
        return start + timedelta(days=7)
    months = 1 if period == "MONTH" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def first_period_on_or_after(day: date, period: str) -> date:
    """The start of the first whole period that begins on or after ``day``.

    >>> first_period_on_or_after(date(2025, 1, 1), "WEEK"), first_period_on_or_after(date(2025, 2, 1), "MONTH")
    (datetime.date(2025, 1, 5), datetime.date(2025, 2, 1))
    """
    start = period_start(day, period)
    return start if start == day else period_end(day, period)


def _day(ts: datetime) -> date:
    u = ts.astimezone(UTC)
    if u.time() != time():
        raise ValueError(f"{ts.isoformat()} is not midnight UTC: periods start on a day boundary")
    return u.date()


def period_windows(start: datetime, end: datetime, period: str,
                   max_periods: int) -> Iterator[tuple[datetime, datetime]]:
    """Split ``[start, end)`` into consecutive windows of at most ``max_periods``
    whole periods. Both ends must be period boundaries: a window that cuts a
    period would be refused (or silently shifted) by Amazon.

    >>> t = lambda d: datetime(2025, 1, d, tzinfo=UTC)
    >>> [(a.day, b.day) for a, b in period_windows(t(5), t(26), "WEEK", max_periods=2)]
    [(5, 19), (19, 26)]
    """
    if max_periods < 1:
        raise ValueError(f"max_periods must be at least 1, got {max_periods}")
    first, last = _day(start), _day(end)
    for label, day in (("start", first), ("end", last)):
        if period_start(day, period) != day:
            raise ValueError(f"window {label} {day} is not the first day of a {period} "
                             f"(that {period} starts {period_start(day, period)})")
    cursor = first
    while cursor < last:
        nxt = cursor
        for _ in range(max_periods):
            nxt = period_end(nxt, period)
            if nxt >= last:
                break
        nxt = min(nxt, last)
        yield datetime.combine(cursor, time(), UTC), datetime.combine(nxt, time(), UTC)
        cursor = nxt


def recent_periods(today: date, period: str, lookback_days: int, delay_days: int = 0,
                   earliest: date | None = None) -> tuple[date, date] | None:
    """The first and last period (by start day) a scheduled sync refreshes on
    ``today``: every whole period that has ended by the last day with data
    (``today - 1 - delay_days``) and overlaps it or the ``lookback_days`` before it.
    None when no such period has ended yet (a week in progress).

    >>> recent_periods(date(2025, 3, 10), "DAY", 3)
    (datetime.date(2025, 3, 6), datetime.date(2025, 3, 9))
    >>> recent_periods(date(2025, 1, 14), "WEEK", 3)  # a Tuesday: the week that ended Saturday
    (datetime.date(2025, 1, 5), datetime.date(2025, 1, 5))
    >>> recent_periods(date(2025, 1, 16), "WEEK", 3) is None  # Thursday: that week is out of the lookback
    True
    """
    last_day = today - timedelta(days=1 + delay_days)
    current = period_start(last_day + timedelta(days=1), period)  # the first period not over yet
    last = period_start(current - timedelta(days=1), period)
    first = period_start(last_day - timedelta(days=lookback_days), period)
    if earliest is not None:
        first = max(first, first_period_on_or_after(earliest, period))
    return (first, last) if first <= last else None
