"""Data Kiosk queries by WEEK or MONTH: their period, whole-period windows, and the checks."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pipelines.datakiosk_queries import (DEFAULT_QUERY_DIR, QueryFileError, QueryWindowError, check_window, load_query,
                                         load_queries)

TODAY = date(2025, 6, 1)
UTC = timezone.utc
ECONOMICS = DEFAULT_QUERY_DIR / "economics_by_msku.graphql"  # serves DAY, WEEK and MONTH


def shipped(name: str):
    return next(s for s in load_queries(today=TODAY) if s.name == name)


def at(m: int, d: int) -> datetime:
    return datetime(2025, m, d, tzinfo=UTC)


def economics(tmp_path: Path, front: str, grain: str) -> Path:
    text = ECONOMICS.read_text(encoding="utf-8")
    body = text[text.index("query "):].replace("date: PERIOD", f"date: {grain}")
    path = tmp_path / "probe.graphql"
    path.write_text(front + body, encoding="utf-8")
    return path


def test_shipped_week_and_month_queries():
    week = shipped("economics_by_msku_week")
    assert (week.period, week.max_periods, week.partitions_per_request) == ("WEEK", 4, 4)
    month = shipped("sales_and_traffic_by_child_asin_month")
    assert (month.period, month.max_periods, month.cursor) == ("MONTH", 1, "start_date")
    assert shipped("economics_by_msku_day").period == "DAY"


def test_the_period_defaults_to_the_query_s_date_aggregation(tmp_path):
    assert load_query(economics(tmp_path, "# cursor: start_date\n", "MONTH"), today=TODAY).period == "MONTH"


def test_a_period_that_contradicts_the_aggregation_is_named(tmp_path):
    path = economics(tmp_path, "# period: MONTH\n", "WEEK")
    with pytest.raises(QueryFileError, match=r"probe.graphql:1:1: the query aggregates by WEEK \(line \d+\) "
                                             r"but its period is MONTH"):
        load_query(path, today=TODAY)
    with pytest.raises(QueryFileError, match="period must be one of DAY, WEEK, MONTH, got 'QUARTER'"):
        load_query(economics(tmp_path, "# period: QUARTER\n", "WEEK"), today=TODAY)


def test_week_windows_pack_whole_weeks_and_cut_weeks_are_refused():
    week = shipped("economics_by_msku_week")
    assert week.windows(at(1, 5), at(3, 2)) == [(at(1, 5), at(2, 2)), (at(2, 2), at(3, 2))]  # 4 weeks, then 4
    check_window(week, date(2025, 1, 5), date(2025, 2, 1), TODAY)  # four Sunday..Saturday weeks
    with pytest.raises(QueryWindowError, match="window 2025-01-06..2025-01-11: window start 2025-01-06 is not "
                                               "the first day of a WEEK"):
        check_window(week, date(2025, 1, 6), date(2025, 1, 11), TODAY)
    with pytest.raises(QueryWindowError, match="is 5 weeks; this query allows at most 4"):
        check_window(week, date(2025, 1, 5), date(2025, 2, 8), TODAY)
