"""Amazon's periods: partitions and request windows start and end where Amazon requires."""
from datetime import date, datetime, timedelta, timezone

import pytest

from assets.common import period_partitions
from pipelines.catalog import entry
from pipelines.config import Settings
from pipelines.periods import period_end, period_start, period_windows, recent_periods
from pipelines.spapi.reports import iso_utc

UTC = timezone.utc


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


def settings(start: str) -> Settings:
    return Settings.from_env({"SPAPI_START_DATE": start})


def test_a_week_partition_runs_sunday_to_saturday():
    weeks = period_partitions(settings("2025-01-01"), "WEEK")  # a Wednesday
    keys = weeks.get_partition_keys(current_time=at(2025, 1, 27))
    assert keys == ["2025-01-05", "2025-01-12", "2025-01-19"]
    window = weeks.time_window_for_partition_key("2025-01-12")
    assert (window.start, window.end) == (at(2025, 1, 12), at(2025, 1, 19))
    assert window.start.weekday() == 6 and (window.end - timedelta(days=1)).weekday() == 5  # Sunday..Saturday


def test_month_and_quarter_partitions_follow_the_calendar():
    months = period_partitions(settings("2024-12-15"), "MONTH")
    assert months.get_partition_keys(current_time=at(2025, 3, 2)) == ["2025-01-01", "2025-02-01"]
    feb = months.time_window_for_partition_key("2025-02-01")
    assert (feb.start, feb.end) == (at(2025, 2, 1), at(2025, 3, 1))
    quarters = period_partitions(settings("2024-11-01"), "QUARTER")
    assert quarters.get_partition_keys(current_time=at(2025, 10, 1)) == ["2025-01-01", "2025-04-01", "2025-07-01"]
    q2 = quarters.time_window_for_partition_key("2025-04-01")
    assert (q2.start, q2.end) == (at(2025, 4, 1), at(2025, 7, 1))


def test_period_boundaries():
    assert [period_start(date(2025, 1, d), "WEEK") for d in (4, 5, 11, 12)] == [
        date(2024, 12, 29), date(2025, 1, 5), date(2025, 1, 5), date(2025, 1, 12)]
    assert period_end(date(2024, 12, 31), "MONTH") == date(2025, 1, 1)
    assert period_end(date(2024, 11, 30), "QUARTER") == date(2025, 1, 1)


def test_a_week_request_asks_sunday_through_saturday():
    e = entry("brand_analytics_search_terms")
    assert e.windows(at(2025, 1, 5), at(2025, 1, 19)) == [(at(2025, 1, 5), at(2025, 1, 12)),
                                                          (at(2025, 1, 12), at(2025, 1, 19))]  # one week each
    req = e.request(at(2025, 1, 5), at(2025, 1, 12))
    assert (req.start, req.end, req.options) == (at(2025, 1, 5), at(2025, 1, 11, 23, 59, 59), {"reportPeriod": "WEEK"})
    # as sent (Reports API date-times; Amazon reads only their dates): Sunday 2025-01-05 .. Saturday 2025-01-11
    assert (iso_utc(req.start), iso_utc(req.end)) == ("2025-01-05T00:00:00Z", "2025-01-11T23:59:59Z")


def test_reports_that_may_span_periods_pack_whole_weeks():
    e = entry("brand_analytics_repeat_purchase")
    assert e.partitions_per_request == 4
    assert e.windows(at(2025, 1, 5), at(2025, 2, 16)) == [(at(2025, 1, 5), at(2025, 2, 2)),
                                                          (at(2025, 2, 2), at(2025, 2, 16))]


def test_a_window_that_cuts_a_week_is_refused():
    with pytest.raises(ValueError, match="window start 2025-01-06 is not the first day of a WEEK"):
        entry("brand_analytics_search_terms").windows(at(2025, 1, 6), at(2025, 1, 13))
    with pytest.raises(ValueError, match="window end 2025-02-15 is not the first day of a MONTH"):
        list(period_windows(at(2025, 1, 1), at(2025, 2, 15), "MONTH", 1))


def test_window_options_carry_the_window_and_user_options_are_required():
    coupons = entry("coupon_performance")
    req = coupons.request(at(2025, 1, 1), at(2025, 1, 31))
    assert (req.start, req.end) == (None, None)
    assert req.options == {"couponStartDateFrom": "2025-01-01T00:00:00Z", "couponStartDateTo": "2025-01-30T23:59:59Z"}
    sqp = entry("brand_analytics_search_query_performance")
    with pytest.raises(ValueError, match="needs the report option.* asin: set them in the run config"):
        sqp.request(at(2025, 1, 5), at(2025, 1, 12))
    assert sqp.request(at(2025, 1, 5), at(2025, 1, 12), {"asin": "B01 B02"}).options == {
        "reportPeriod": "WEEK", "asin": "B01 B02"}
    sales = entry("vendor_real_time_sales")
    assert sales.request(at(2025, 1, 5), at(2025, 1, 6), marketplace_id="A1PA6795UKMFR9").options == {
        "currencyCode": "EUR"}


def test_a_scheduled_sync_refreshes_ended_periods_within_the_lookback():
    tuesday, friday = date(2025, 1, 14), date(2025, 1, 17)
    assert recent_periods(tuesday, "WEEK", 3) == (date(2025, 1, 5), date(2025, 1, 5))
    assert recent_periods(friday, "WEEK", 3) is None  # that week ended six days ago; the next is not over
    assert recent_periods(date(2025, 2, 3), "MONTH", 7) == (date(2025, 1, 1), date(2025, 1, 1))
    # net pure product margin: a day's data exists 168 hours later, so the range ends 8 days back
    assert recent_periods(tuesday, "DAY", 7, delay_days=8) == (date(2024, 12, 29), date(2025, 1, 5))
    assert recent_periods(tuesday, "WEEK", 3, earliest=date(2025, 1, 6)) is None  # before the first partition
