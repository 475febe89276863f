"""The quota benchmark (``make bench``) on a small case: two accounts, 60 days, time-scaled."""
from __future__ import annotations

from pipelines.bench_quota import ACCOUNTS, Case, run
from pipelines.spec.models import USAGE_PLANS

SOURCES = ("all_orders_by_last_update", "all_orders_by_order_date", "archived_orders", "dk:sales_and_traffic_by_date")


def test_a_small_backfill_makes_exactly_the_planned_and_least_creates(tmp_path):
    case = Case(accounts=ACCOUNTS[:2], days=60, time_scale=10.0, processing_delay=0.05, orders_per_day=5)
    result = run(case, tmp_path, log=lambda line: None)
    # two 30-day windows; brand-a sells in three regions' marketplaces, brand-b in one
    want = {("brand-a", s): (6, 6, 6) for s in SOURCES} | {("brand-b", s): (2, 2, 2) for s in SOURCES}
    assert {(s.account, s.source): (s.made, s.planned, s.minimum) for s in result.sources} == want
    assert all(s.rows > 0 for s in result.sources)
    plan = USAGE_PLANS["createReport"]  # brand-a's 18 createReport: 15 at once, then one a minute
    assert result.min_seconds == (18 - plan.burst) / plan.rate
    # The wall time against that minimum is real time on a scaled clock: `make bench` measures
    # it (a timed assertion here would fail on a loaded machine, not on a wasteful client).
