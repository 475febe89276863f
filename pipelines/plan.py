"""The API plan of a backfill, before running it: per account and source, the
request windows, the calls they take and the least wall time Amazon's usage
plans allow.

Creates are counted exactly (one per marketplace per window, or one per window
for Data Kiosk datasets without a marketplace argument); status polls cannot be
known, so the plan counts their minimum: one getReport and one getReportDocument
per report, one getQuery and one getDocument per query. Listed reports
(settlements, Date Range) are found with one getReports call, their documents
not counted (how many Amazon made is unknown). For N calls of one operation the
token bucket allows ``max(0, N - burst) / rate`` seconds at best; operations run
in parallel, so an account's minimum is the longest of them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from pipelines.catalog import CATALOG, ReportEntry
from pipelines.config import Account, Settings
from pipelines.datakiosk_queries import QuerySpec, load_queries
from pipelines.periods import first_period_on_or_after, period_start
from pipelines.spec.models import USAGE_PLANS
from pipelines.windows import day_start


@dataclass(frozen=True)
class SourcePlan:
    """One source of one account: its windows and the calls they take."""

    source: str  # the catalog entry's name, or dk:<query name>
    api: str  # report type, or the Data Kiosk dataset
    windows: int
    calls: dict[str, int]  # operationId -> minimum number of calls


@dataclass(frozen=True)
class AccountPlan:
    account: str
    sources: tuple[SourcePlan, ...]
    left_out: tuple[str, ...]  # "<source>: why"

    @property
    def calls(self) -> dict[str, int]:
        total: Counter = Counter()
        for s in self.sources:
            total.update(s.calls)
        return {op: total[op] for op in sorted(total)}

    @property
    def wall_seconds(self) -> dict[str, float]:
        """Least seconds per operation under its usage plan."""
        return {op: min_seconds(op, n) for op, n in self.calls.items()}

    @property
    def min_seconds(self) -> float:
        return max(self.wall_seconds.values(), default=0.0)


@dataclass(frozen=True)
class Plan:
    start: date
    end: date  # inclusive
    accounts: tuple[AccountPlan, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "accounts": [
            {"account": a.account, "calls": a.calls, "wall_seconds": {k: round(v, 1) for k, v in a.wall_seconds.items()},
             "min_seconds": round(a.min_seconds, 1), "left_out": list(a.left_out),
             "sources": [{"source": s.source, "api": s.api, "windows": s.windows, "calls": s.calls}
                         for s in a.sources]}
            for a in self.accounts]}


def min_seconds(operation: str, calls: int) -> float:
    """Least seconds ``calls`` calls of ``operation`` take: the burst is free, the rest come at its rate.

    >>> round(min_seconds("createQuery", 180), 1), min_seconds("createReport", 9)
    (9880.2, 0.0)
    """
    plan = USAGE_PLANS[operation]
    return max(0, calls - plan.burst) / plan.rate


def plan(settings: Settings, start: date, end: date, *, catalog: tuple[ReportEntry, ...] = CATALOG,
         queries: list[QuerySpec] | None = None, now: datetime | None = None) -> Plan:
    """The calls a backfill of the days ``start``..``end`` (inclusive) takes, per account.
    Windows older than a report's ``history`` at ``now`` are left out, as a run skips them."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    queries = load_queries() if queries is None else queries
    now = now or datetime.now(timezone.utc)
    return Plan(start, end, tuple(_account(a, start, end, catalog, queries, now) for a in settings.accounts))


def _account(account: Account, start: date, end: date, catalog, queries, now: datetime) -> AccountPlan:
    sources, left_out = [], []
    for entry in catalog:
        if account.account_type not in entry.account_types:
            continue
        markets = [m for m in account.marketplace_ids if entry.serves(m)]
        why = (f"needs report options {', '.join(entry.required_options)} of yours" if entry.required_options
               else "restricted (buyer data): set pii_reports to opt in" if entry.pii and not account.pii_reports
               else "not offered in the account's marketplaces" if not markets else None)
        if why:
            left_out.append(f"{entry.name}: {why}")
            continue
        source, too_old = _report(entry, markets, start, end, now)
        sources.append(source)
        if too_old:
            left_out.append(f"{entry.name}: {too_old} window(s) older than Amazon serves ({entry.history})")
    for spec in queries:
        if spec.account == account.account_type:
            windows = len(_windows(spec, start, end))
            creates = windows * (len(account.marketplace_ids) if spec.takes_marketplaces else 1)
            sources.append(SourcePlan(f"dk:{spec.name}", spec.dataset, windows,
                                      {"createQuery": creates, "getQuery": creates, "getDocument": creates}))
    return AccountPlan(account.name, tuple(sources), tuple(left_out))


def _report(entry: ReportEntry, markets: list[str], start: date, end: date,
            now: datetime) -> tuple[SourcePlan, int]:
    """The entry's plan and how many of its windows are too old to request."""
    if not entry.requested:  # Amazon makes them: found by one listing of every marketplace
        return SourcePlan(entry.name, entry.report_type, 0, {"getReports": 1}), 0
    if not entry.windowed or entry.snapshot:  # the current state, once
        windows, too_old = 1, 0
    else:
        kept, old = entry.served(_windows(entry, start, end), now)
        windows, too_old = len(kept), len(old)
    creates = windows * (len(markets) if entry.marketplace_scope == "each" else 1)
    return SourcePlan(entry.name, entry.report_type, windows,
                      {"createReport": creates, "getReport": creates, "getReportDocument": creates}), too_old


def _windows(source: ReportEntry | QuerySpec, start: date, end: date) -> list:
    """The source's request windows over the days, cut to whole periods for period sources."""
    first, after = start, end + timedelta(days=1)
    if source.period != "DAY":
        first, after = first_period_on_or_after(first, source.period), period_start(after, source.period)
    return source.windows(day_start(first), day_start(after)) if first < after else []


def render(p: Plan) -> str:
    """The plan as a plain-text table per account, with its totals."""
    lines = [f"API plan for {p.start}..{p.end}"]
    for a in p.accounts:
        width = max((len(s.source) for s in a.sources), default=10)
        lines += ["", f"account {a.account}", f"{'source'.ljust(width)}  windows  calls"]
        for s in a.sources:
            calls = ", ".join(f"{op} {n:,}" for op, n in s.calls.items())
            lines.append(f"{s.source.ljust(width)}  {s.windows:>7,}  {calls}")
        lines.append(f"{'total'.ljust(width)}           " + ", ".join(f"{op} {n:,}" for op, n in a.calls.items()))
        lines.append(f"minimum wall time: {a.min_seconds:,.0f}s ({a.min_seconds / 3600:.1f} h); per operation: "
                     + ", ".join(f"{op} {s:,.0f}s" for op, s in a.wall_seconds.items()))
        lines += [f"left out: {why}" for why in a.left_out]
    return "\n".join(lines)
