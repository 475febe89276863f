"""Quota and wall-time benchmark: a backfill of several accounts at Amazon's usage-plan rates, time-scaled.

``python -m pipelines.bench_quota`` (part of ``make bench``) backfills one year of the windowed orders
reports (the ``orders`` group of the catalog) and the daily Data Kiosk sales and traffic query
(``sales_and_traffic_by_date``) for three sandbox accounts at once, through the real sync functions
(``sync_report_window`` / ``sync_query_window``, the accounts and their sources in parallel threads).

Time is scaled by ``--time-scale`` S: the sandbox multiplies every official rate by S, and the clients run
on a clock S times faster than the real one (their limiter, polling and back-off sleep 1/S of the
simulated seconds), so both sides agree on Amazon's real usage plans. Wall times are simulated seconds
(real seconds × S).

It prints, per account and source and in total, the createReport/createQuery calls the sandbox accepted
(made) vs the plan (``pipelines.plan``, the planner behind ``spapi-sync plan``) vs the least the widest
windows allow, computed here on its own: ceil(days / widest window) × the requests the account's
marketplaces need (marketplaces of one region share a request when the API takes a marketplace list;
each region has its own endpoint); then the wall time vs the plan's least wall time. The last line is
one JSON object with every figure. Targets: made = planned = minimum, wall <= 1.2 × the minimum.
"""
from __future__ import annotations

import argparse
import json
import math
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from pipelines import plan as planner
from pipelines.catalog import CATALOG, ReportEntry
from pipelines.config import Account, Settings
from pipelines.datakiosk_queries import QuerySpec, load_queries
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.datakiosk import DataKioskApi
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.ratelimit import RateLimiter
from pipelines.spapi.regions import region_of
from pipelines.spapi.reports import ReportsApi
from pipelines.sync import Target, sync_query_window, sync_report_window
from pipelines.warehouse import Warehouse
from pipelines.windows import day_start

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
DK_QUERY = "sales_and_traffic_by_date"
CREATES = ("createReport", "createQuery")
TARGET_WALL_RATIO = 1.2
# An agency's three sellers: one in every sandbox marketplace (a region each), one in the US, one in DE and JP.
ACCOUNTS = (Account("brand-a", "na", (US, DE, JP)), Account("brand-b", "na", (US,)),
            Account("brand-c", "eu", (DE, JP)))


def orders_entries(catalog: tuple[ReportEntry, ...] = CATALOG) -> tuple[ReportEntry, ...]:
    """The windowed reports of the orders family."""
    return tuple(e for e in catalog if e.group == "orders" and e.windowed and e.requested and not e.snapshot)


def sales_traffic_query() -> QuerySpec:
    return next(q for q in load_queries() if q.name == DK_QUERY)


# ---- the independent minimum --------------------------------------------------------
def requests_apart(marketplace_ids: tuple[str, ...], takes_a_list: bool) -> int:
    """How many requests cover the marketplaces: one per marketplace, or (an API taking a marketplace
    list) one per region, since each region has its own endpoint.

    >>> requests_apart((US, DE, JP), takes_a_list=True), requests_apart((US, "A2EUQ1WTGCTBG2"), True)
    (3, 1)
    """
    if not takes_a_list:
        return len(marketplace_ids)
    return len({region_of(m) or m for m in marketplace_ids})


def least_creates(days: int, widest_days: int, marketplace_ids: tuple[str, ...], takes_a_list: bool) -> int:
    """The fewest create calls ``days`` days take, at most ``widest_days`` per request.

    >>> least_creates(365, 30, (US, DE, JP), takes_a_list=True)
    39
    """
    return math.ceil(days / widest_days) * requests_apart(marketplace_ids, takes_a_list)


# ---- time scaling -------------------------------------------------------------------
@dataclass(frozen=True)
class ScaledTime:
    """A clock running ``scale`` times faster than the real one, and a sleep to match."""

    scale: float
    origin: float = field(default_factory=time.monotonic)

    def clock(self) -> float:
        return (time.monotonic() - self.origin) * self.scale

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self.scale)


class ScaledRateLimiter(RateLimiter):
    """The client's limiter on the scaled clock. The sandbox states its time-scaled rates in
    ``x-amzn-RateLimit-Limit`` (requests per real second); on this clock they are the official ones."""

    def __init__(self, time_: ScaledTime):
        super().__init__(clock=time_.clock, sleep=time_.sleep)
        self.scale = time_.scale

    def observe(self, operation: str, header: str | None) -> None:
        try:
            rate = float(header) / self.scale if header else None
        except ValueError:
            rate = None
        super().observe(operation, f"{rate!r}" if rate else header)


# ---- the run ------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    accounts: tuple[Account, ...] = ACCOUNTS
    days: int = 365
    time_scale: float = 60.0
    processing_delay: float = 0.2  # real seconds a report or query processes (× time_scale simulated)
    orders_per_day: int = 20
    last_day: date = field(default_factory=lambda: date.today() - timedelta(days=2))

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=self.days - 1)


@dataclass
class SourceFigures:
    account: str
    source: str
    operation: str
    made: int
    planned: int
    minimum: int
    widest_days: int
    rows: int
    finished: float  # simulated seconds after the start when its last window landed


@dataclass
class Result:
    case: Case
    sources: list[SourceFigures]
    wall_seconds: float  # simulated
    min_seconds: float  # the plan's, over accounts that run in parallel
    account_wall: dict[str, float]
    account_min: dict[str, float]
    account_last_create: dict[str, float]  # simulated seconds after the start of its last accepted create
    throttled: dict[str, int]  # 429s the sandbox answered, per operation
    real_seconds: float

    @property
    def made(self) -> int:
        return sum(s.made for s in self.sources)

    @property
    def planned(self) -> int:
        return sum(s.planned for s in self.sources)

    @property
    def minimum(self) -> int:
        return sum(s.minimum for s in self.sources)

    @property
    def wall_ratio(self) -> float:
        return self.wall_seconds / self.min_seconds if self.min_seconds else float("inf")

    @property
    def met(self) -> bool:
        return (all(s.made == s.planned == s.minimum for s in self.sources)
                and self.wall_ratio <= TARGET_WALL_RATIO)


def _client(server, account: Account, time_: ScaledTime) -> SpApiClient:
    from pipelines.sandbox.credentials import tenant_credentials

    client_id, secret, token = tenant_credentials(account.name)
    config = SpApiConfig(client_id, secret, token, region=account.region, endpoint=server.url,
                         lwa_endpoint=server.lwa_url, timeout=120.0)
    return SpApiClient(config, clock=time_.clock, sleep=time_.sleep, limiter=ScaledRateLimiter(time_))


def run(case: Case, workdir: Path, log: Callable[[str], None] = print) -> Result:
    """Backfill ``case`` against a fresh sandbox; the figures."""
    from pipelines.sandbox.config import Tenant
    from pipelines.sandbox.server import SandboxConfig, SandboxServer

    entries, spec = orders_entries(), sales_traffic_query()
    tenants = tuple(Tenant(a.name, a.marketplace_ids, vendor=a.account_type == "vendor") for a in case.accounts)
    config = SandboxConfig(orders_per_day=case.orders_per_day, time_scale=case.time_scale,
                           processing_delay=case.processing_delay, tenants=tenants)
    settings = Settings(sandbox=True, accounts=case.accounts, start_date=case.first_day,
                        warehouse_path=workdir / "bench_quota.duckdb")
    start, end = day_start(case.first_day), day_start(case.last_day + timedelta(days=1))
    # One DuckDB file per account: as many writers as accounts, so landing (a few tenths of a real
    # second per window, each in its own transaction) stays off the simulated critical path.
    warehouses = {a.name: Warehouse(workdir / f"bench_quota_{a.name}.duckdb") for a in case.accounts}
    with SandboxServer(config, host="127.0.0.1", port=0) as server:
        time_ = ScaledTime(case.time_scale)
        clients = {a.name: _client(server, a, time_) for a in case.accounts}
        finished: dict[tuple[str, str], float] = {}  # (account, source) -> simulated seconds
        rows: Counter = Counter()
        lock = threading.Lock()

        def sync(account: Account, source: ReportEntry | QuerySpec) -> None:
            client = clients[account.name]
            target = Target(warehouses[account.name], account.name, "sandbox", workdir)
            if isinstance(source, ReportEntry):
                got = sync_report_window(source, ReportsApi(client), target, account.marketplace_ids, start, end)
            else:
                got = sync_query_window(source, DataKioskApi(client), target, account.marketplace_ids, start, end)
            with lock:
                rows[(account.name, _name(source))] += got.rows
                finished[(account.name, _name(source))] = time_.clock()

        jobs = [(a, s) for a in case.accounts for s in (*entries, spec)]
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            for fut in [pool.submit(sync, a, s) for a, s in jobs]:
                fut.result()
        wall = time_.clock()
        real = time.monotonic() - t0
        log_entries = list(server.request_log)
        for c in clients.values():
            c.close()
    made = Counter((e["tenant"], _created(e, spec)) for e in log_entries
                   if e["operation"] in CREATES and e["status"] == 202)
    throttled = Counter(e["operation"] for e in log_entries if e["status"] == 429)
    the_plan = planner.plan(settings, case.first_day, case.last_day, catalog=entries, queries=[spec])
    figures = []
    for account, account_plan in zip(case.accounts, the_plan.accounts):
        planned = {s.source: s for s in account_plan.sources}
        for source in (*entries, spec):
            name = _name(source)
            is_report = isinstance(source, ReportEntry)
            op = "createReport" if is_report else "createQuery"
            # createReport's marketplaceIds: "contents will contain data for all of the specified
            # marketplaces, unless the report type indicates otherwise" (the orders reports do not);
            # salesAndTrafficByDate's marketplaceIds is a list too.
            least = least_creates(case.days, source.max_window_days, account.marketplace_ids, takes_a_list=True)
            figures.append(SourceFigures(
                account.name, name, op, made[(account.name, source.report_type if is_report else spec.dataset)],
                planned[name].calls.get(op, 0), least, source.max_window_days, rows[(account.name, name)],
                finished[(account.name, name)]))
    log(f"{len(jobs)} account sources in {real:.1f}s real")
    account_wall = {a.name: max(s.finished for s in figures if s.account == a.name) for a in case.accounts}
    last_create = {a.name: max((e["at"] - time_.origin) * case.time_scale for e in log_entries
                               if e["tenant"] == a.name and e["operation"] in CREATES and e["status"] == 202)
                   for a in case.accounts}
    return Result(case, figures, wall, max(a.min_seconds for a in the_plan.accounts), account_wall,
                  {a.account: a.min_seconds for a in the_plan.accounts}, last_create, throttled, real)


def _name(source: ReportEntry | QuerySpec) -> str:
    return source.name if isinstance(source, ReportEntry) else f"dk:{source.name}"


def _created(entry: dict, spec: QuerySpec) -> str:
    """What a create call asked for: the report type, or the Data Kiosk dataset of ``spec``'s query."""
    body = entry.get("json") or {}
    if entry["operation"] == "createReport":
        return body.get("reportType", "")
    return spec.dataset if "salesAndTrafficByDate" in body.get("query", "") else "other"


def render(r: Result) -> str:
    c = r.case
    lines = [f"quota benchmark: {len(c.accounts)} accounts, {c.first_day}..{c.last_day} ({c.days} days), "
             f"time scale {c.time_scale:g} (simulated seconds = real × {c.time_scale:g})",
             f"{'account':<10} {'source':<34} {'operation':<12} {'made':>5} {'planned':>7} {'minimum':>7} "
             f"{'widest':>6} {'rows':>8} {'done at':>9}"]
    for s in r.sources:
        lines.append(f"{s.account:<10} {s.source:<34} {s.operation:<12} {s.made:>5} {s.planned:>7} {s.minimum:>7} "
                     f"{s.widest_days:>5}d {s.rows:>8} {s.finished:>8,.0f}s")
    lines.append(f"{'total':<10} {'':<34} {'':<12} {r.made:>5} {r.planned:>7} {r.minimum:>7}")
    for name, wall in r.account_wall.items():
        least = r.account_min[name]
        lines.append(f"account {name}: last create at {r.account_last_create[name]:,.0f}s, all landed at {wall:,.0f}s;"
                     f" plan minimum {least:,.0f}s" + (f" ({wall / least:.3f}×)" if least else ""))
    lines.append(f"wall time {r.wall_seconds:,.0f}s simulated ({r.real_seconds:.1f}s real) vs the plan's minimum "
                 f"{r.min_seconds:,.0f}s: {r.wall_ratio:.3f}× (target <= {TARGET_WALL_RATIO}); 429s: "
                 + (", ".join(f"{op} {n}" for op, n in sorted(r.throttled.items())) or "none"))
    return "\n".join(lines)


def as_dict(r: Result) -> dict:
    return {"accounts": [a.name for a in r.case.accounts], "first_day": r.case.first_day.isoformat(),
            "last_day": r.case.last_day.isoformat(), "time_scale": r.case.time_scale,
            "sources": [vars(s) for s in r.sources],
            "creates": {"made": r.made, "planned": r.planned, "minimum": r.minimum},
            "wall_seconds": round(r.wall_seconds, 1), "min_seconds": round(r.min_seconds, 1),
            "wall_ratio": round(r.wall_ratio, 3), "throttled": r.throttled, "real_seconds": round(r.real_seconds, 1),
            "targets": {"creates_equal": True, "wall_ratio_at_most": TARGET_WALL_RATIO, "met": r.met}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench_quota", description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=Case.days, help="days to backfill, ending the day before yesterday")
    p.add_argument("--time-scale", type=float, default=Case.time_scale,
                   help="simulated seconds per real second (sandbox rates and client clock)")
    p.add_argument("--processing-delay", type=float, default=Case.processing_delay,
                   help="real seconds a report or query takes in the sandbox")
    args = p.parse_args(argv)
    case = replace(Case(), days=args.days, time_scale=args.time_scale, processing_delay=args.processing_delay)
    with tempfile.TemporaryDirectory(prefix="bench-quota-") as tmp:
        result = run(case, Path(tmp))
    print(render(result), flush=True)
    print(json.dumps(as_dict(result)))
    return 0 if result.met else 1


if __name__ == "__main__":
    raise SystemExit(main())
