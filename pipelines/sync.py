"""Moving one report or query window from the SP-API into the warehouse.

These are the plain functions the Dagster assets call: no Dagster here, so the
whole data path can be tested with a client, a warehouse and a sandbox alone.

Waiting is done in parallel (every marketplace and window of a run is requested
and polled at once, in threads); writing is done one file at a time, each
landing taking the warehouse's single write slot only for its own load.

A run that failed halfway is resumed at no quota cost: given a ``resume_key``
(Dagster's root run id, the same for a run and its re-executions), every window
landed is noted in the warehouse's ledger in its landing's transaction, and the
windows already noted under that key are not requested again.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from pipelines.catalog import ReportEntry
from pipelines.datakiosk_queries import QuerySpec, check_window, render
from pipelines.document_check import Origin, check_document, check_report
from pipelines.spapi.datakiosk import DataKioskApi, QueryRun
from pipelines.spapi.reports import FetchedReport, ReportsApi, parse_time
from pipelines.warehouse import LandResult, Lineage, Replace, Warehouse
from pipelines.warehouse.landing import LEDGER
from pipelines.warehouse.sources import DELIMITED, Delimited

log = logging.getLogger("pipelines.sync")


class LandedWindow(NamedTuple):
    """One landed window: the rows it now has and the rows its replace deleted."""

    account: str
    marketplace_id: str
    start: str | None
    end: str | None
    rows: int
    deleted: int


@dataclass
class SyncResult:
    """What one asset run landed: the figures its materialization reports."""

    table: str
    account: str = ""
    rows: int = 0
    requests: list[str] = field(default_factory=list)  # report ids / query ids
    windows: list[LandedWindow] = field(default_factory=list)
    cancelled: int = 0
    reused: int = 0
    resumed: int = 0  # windows an earlier attempt of the run landed, not requested again
    stuck_cancelled: int = 0  # reports/queries cancelled after waiting IN_QUEUE past queue_timeout, then re-created
    pages: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    child_rows: dict[str, int] = field(default_factory=dict)  # rows landed per child table

    def add(self, marketplace_id: str, start, end, landed: LandResult) -> None:
        self.rows += landed.rows
        window = LandedWindow(self.account, marketplace_id, _iso(start), _iso(end), landed.rows, landed.deleted)
        self.windows.append(window)
        if landed.rows < landed.deleted:  # a well-formed but smaller (or empty) document: say what went
            log.warning("%s %s %s..%s: replaced %d rows with %d", self.table, marketplace_id or "(all)",
                        window.start, window.end, landed.deleted, landed.rows)
        self.columns = landed.columns or self.columns
        self.added_columns.extend(c for c in landed.added_columns if c not in self.added_columns)
        for child in landed.children:
            self.child_rows[child.table] = self.child_rows.get(child.table, 0) + child.rows

    @classmethod
    def merge(cls, results: Sequence["SyncResult"]) -> "SyncResult":
        """One result for several accounts' runs of the same table."""
        merged = cls(results[0].table if results else "")
        for r in results:
            merged.table = r.table
            merged.rows += r.rows
            merged.requests += r.requests
            merged.windows += r.windows
            merged.cancelled += r.cancelled
            merged.reused += r.reused
            merged.resumed += r.resumed
            merged.stuck_cancelled += r.stuck_cancelled
            merged.pages += r.pages
            merged.columns = r.columns or merged.columns
            merged.added_columns += [c for c in r.added_columns if c not in merged.added_columns]
            for table, rows in r.child_rows.items():
                merged.child_rows[table] = merged.child_rows.get(table, 0) + rows
        return merged


@dataclass(frozen=True)
class Target:
    """Where rows go and whose they are."""

    warehouse: Warehouse
    account: str
    source: str  # "sandbox" | "amazon"
    workdir: Path | None = None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _parallel(jobs: Sequence, fetch: Callable, land: Callable, max_workers: int = 8) -> None:
    """Run ``fetch(job)`` for every job concurrently; ``land(job, result)`` one at a time
    as each arrives. A job that fails does not stop the others: every window that
    can land does, then the first error is raised (the others are logged)."""
    if not jobs:
        return
    errors: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(jobs))) as pool:
        futures = {pool.submit(fetch, job): job for job in jobs}
        for fut in as_completed(futures):
            try:
                land(futures[fut], fut.result())
            except Exception as exc:
                log.error("%s failed: %s: %s", futures[fut], type(exc).__name__, exc)
                errors.append(exc)
    if errors:
        if len(errors) > 1:
            errors[0].add_note(f"{len(errors) - 1} more window(s) of this run failed too (see the log)")
        raise errors[0]


def sync_report_window(entry: ReportEntry, api: ReportsApi, target: Target, marketplace_ids: Sequence[str],
                       start: datetime, end: datetime, options: dict[str, str] | None = None,
                       resume_key: str | None = None) -> SyncResult:
    """Land a windowed report for ``[start, end)``: one request per marketplace per
    packed window (at most ``entry.max_window_days`` days, or whole periods), each
    window replaced atomically in the raw table. ``options``: the user's report options.
    ``resume_key``: windows landed under it before are skipped (see the module docs)."""
    result = SyncResult(entry.table, target.account)
    windows, too_old = entry.served(entry.windows(start, end), datetime.now(timezone.utc))
    if too_old:
        log.warning("%s: skipping %d window(s) from %s: Amazon serves only the last %s of this report",
                    entry.report_type, len(too_old), too_old[0][0].date(), entry.history)
    jobs = _not_landed(target, entry.table, [(mp, ws, we) for mp in marketplace_ids for ws, we in windows],
                       resume_key, result)
    requests = {job: entry.request(job[1], job[2], options, job[0]) for job in jobs}  # bad options fail first
    with tempfile.TemporaryDirectory(dir=target.workdir, prefix="report-") as tmp:
        def fetch(job) -> FetchedReport:
            mp, ws, we = job
            req = requests[job]
            return api.fetch(entry.report_type, [mp], start=req.start, end=req.end,
                             options=req.options or None, dest_dir=Path(tmp) / f"{mp}-{ws:%Y%m%d}")

        def land(job, fetched: FetchedReport) -> None:
            mp, ws, we = job
            lineage = Lineage(account=target.account, marketplace_id=mp, report_id=fetched.report_id,
                              window_start=ws, window_end=we, source=target.source, resume_key=resume_key)
            replace = Replace.window(entry.cursor, ws, we, mp)
            result.add(mp, ws, we, _land_fetched(entry, target.warehouse, fetched, lineage, replace))
            _count(result, fetched)

        _parallel(jobs, fetch, land)
    return result


def sync_report_snapshot(entry: ReportEntry, api: ReportsApi, target: Target, marketplace_ids: Sequence[str],
                         snapshot_date: date) -> SyncResult:
    """Land today's snapshot of a current-state report (listings, inventory),
    replacing any earlier snapshot of the same day and keeping older days."""
    result = SyncResult(entry.table, target.account)
    # Some snapshots still want a dataStartTime far enough back (the fee preview: 72 hours).
    start = datetime.now(timezone.utc) - entry.snapshot_start if entry.snapshot_start else None
    with tempfile.TemporaryDirectory(dir=target.workdir, prefix="snapshot-") as tmp:
        def fetch(mp) -> FetchedReport:
            return api.fetch(entry.report_type, [mp], start=start, options=entry.report_options or None,
                             dest_dir=Path(tmp) / mp, reuse_done=False)

        def land(mp, fetched: FetchedReport) -> None:
            lineage = Lineage(account=target.account, marketplace_id=mp, report_id=fetched.report_id,
                              window_start=None, window_end=None, source=target.source, snapshot_date=snapshot_date)
            landed = _land_fetched(entry, target.warehouse, fetched, lineage, Replace.snapshot(snapshot_date, mp))
            result.add(mp, snapshot_date, snapshot_date, landed)
            _count(result, fetched)

        _parallel(list(marketplace_ids), fetch, land)
    return result


def sync_listed_report(entry: ReportEntry, api: ReportsApi, target: Target, report_id: str) -> SyncResult:
    """Land the one report ``report_id`` Amazon generated (a settlement), replacing that
    report's rows. A report of another type, or one not DONE, fails naming it; nothing
    landed before is touched."""
    report = api.get_report(report_id)
    if report.get("reportType") != entry.report_type:
        raise ValueError(f"report {report_id} of account {target.account} is a {report.get('reportType')} "
                         f"report, not {entry.report_type}; nothing landed")
    if report.get("processingStatus") != "DONE" or not report.get("reportDocumentId"):
        raise ValueError(f"{entry.report_type} report {report_id} of account {target.account} has no document "
                         f"to land (status {report.get('processingStatus')}); nothing landed")
    result = SyncResult(entry.table, target.account)
    with tempfile.TemporaryDirectory(dir=target.workdir, prefix="listed-") as tmp:
        fetched = api.fetch_document(report_id, report["reportDocumentId"], Path(tmp) / report_id)
        _land_listed(entry, target, report, fetched, result)
    return result


def _land_listed(entry: ReportEntry, target: Target, report: dict, fetched: FetchedReport,
                 result: SyncResult) -> None:
    """Land a generated report's document, replacing the rows of that report."""
    mp = (report.get("marketplaceIds") or [""])[0]
    ws, we = (parse_time(report.get(k)) for k in ("dataStartTime", "dataEndTime"))
    lineage = Lineage(account=target.account, marketplace_id=mp, report_id=fetched.report_id,
                      window_start=ws, window_end=we, source=target.source)
    result.add(mp, ws, we, _land_fetched(entry, target.warehouse, fetched, lineage,
                                          Replace.report(fetched.report_id)))
    result.requests.append(fetched.report_id)


def sync_query_window(spec: QuerySpec, api: DataKioskApi, target: Target, marketplace_ids: Sequence[str],
                      start: datetime, end: datetime, resume_key: str | None = None) -> SyncResult:
    """Land a Data Kiosk query for ``[start, end)``: one query per marketplace per
    packed window, following every page, each window replaced atomically.
    Windows Data Kiosk would reject (over two years back) fail before any call.
    ``resume_key``: windows landed under it before are skipped (see the module docs)."""
    table = spec.table
    result = SyncResult(table, target.account)
    # Vendor views take no marketplace argument: one query answers for all of them.
    scopes = list(marketplace_ids) if spec.takes_marketplaces else [None]
    jobs = [(mp, ws, we) for mp in scopes for ws, we in spec.windows(start, end)]
    for _, ws, we in jobs:
        check_window(spec, ws.date(), (we - timedelta(days=1)).date(), date.today())
    jobs = _not_landed(target, table, jobs, resume_key, result)
    with tempfile.TemporaryDirectory(dir=target.workdir, prefix="query-") as tmp:
        def fetch(job):
            mp, ws, we = job
            text = render(spec, ws.date(), (we - timedelta(days=1)).date(), [mp] if mp else [])
            return api.run(text, Path(tmp) / f"{mp or 'all'}-{ws:%Y%m%d}",
                           label=f"{spec.name} for {mp or 'every marketplace'} {ws:%Y-%m-%d}..{we:%Y-%m-%d}")

        def land(job, run) -> None:
            mp, ws, we = job
            lineage = Lineage(account=target.account, marketplace_id=mp or "", report_id=",".join(run.query_ids),
                              window_start=ws, window_end=we, source=target.source, resume_key=resume_key)
            replace = Replace.window(spec.cursor, ws, we, mp)
            _check_pages(spec, run)
            if run.documents:
                landed = target.warehouse.land(table, run.documents, spec.columns, fmt="jsonl",
                                               lineage=lineage, replace=replace)
            else:  # DONE without a document: Data Kiosk's "no data"
                landed = target.warehouse.land_empty(table, spec.columns, lineage=lineage, replace=replace)
            result.add(mp, ws, we, landed)
            result.requests.extend(run.query_ids)
            result.pages += run.pages
            result.stuck_cancelled += run.stuck_cancelled

        _parallel(jobs, fetch, land)
    return result


def _land_fetched(entry: ReportEntry, wh: Warehouse, fetched: FetchedReport, lineage: Lineage,
                  replace: Replace) -> LandResult:
    if fetched.status == "CANCELLED" or fetched.path is None:
        # Amazon cancels a report when the window has no data, but also when it is
        # cancelled explicitly or requested too often: land nothing, delete nothing.
        log.info("%s %s: report %s CANCELLED (no data for the window); rows already landed are kept",
                 entry.report_type, lineage.marketplace_id, fetched.report_id)
        return wh.land_empty(entry.table, entry.columns, lineage=lineage, replace=None,
                             children=entry.children, inherited=entry.inherited)
    # Only a well-formed document may replace the window's rows: an empty or foreign one fails here.
    check_report(fetched.path, entry, Origin(f"report {fetched.report_id} ({entry.report_type})",
                                             fetched.document_id, fetched.content_type), dialect(entry))
    return wh.land(entry.table, fetched.path, entry.columns, fmt=entry.format, lineage=lineage,
                   replace=replace, json_records=entry.json_records, row_numbers=entry.row_numbers,
                   children=entry.children, inherited=entry.inherited, dialect=dialect(entry))


def dialect(entry: ReportEntry) -> Delimited | None:
    """How the entry's flat file is written (separator, quotes, preamble); None for JSON."""
    if entry.format not in DELIMITED:
        return None
    return Delimited.of(entry.format, quoted=entry.quoted, preamble_lines=entry.preamble_lines)


def _check_pages(spec: QuerySpec, run: QueryRun) -> None:
    """Every page's document must be JSON lines of this query's records (an empty
    page would otherwise replace the window with nothing)."""
    for path in run.documents:
        page = run.sources[path]
        origin = Origin(f"Data Kiosk query {page.query_id} ({spec.name})", page.document_id, page.content_type)
        check_document(path, origin, f"Data Kiosk {spec.dataset}", fmt="jsonl", columns=spec.columns)


def _count(result: SyncResult, fetched: FetchedReport) -> None:
    result.requests.append(fetched.report_id)
    result.cancelled += fetched.status == "CANCELLED"
    result.reused += bool(fetched.reused)
    result.stuck_cancelled += fetched.stuck_cancelled


Job = tuple[str | None, datetime, datetime]  # (marketplace, window start, window end)


def _not_landed(target: Target, table: str, jobs: list[Job], resume_key: str | None,
                result: SyncResult) -> list[Job]:
    """The ``jobs`` whose window the ledger does not hold under ``resume_key``
    (all of them without a key: a new run re-requests every window, restated days included)."""
    if resume_key is None:
        return jobs
    landed = _ledger(target, table, resume_key)
    todo = []
    for job in jobs:
        mp, ws, we = job
        request_id = landed.get((mp or "", _utc(ws), _utc(we)))
        if request_id is None:
            todo.append(job)
            continue
        log.info("%s %s %s..%s: landed by an earlier attempt of this run (%s); not requested again",
                 table, mp or "(all)", _iso(ws), _iso(we), request_id)
        result.resumed += 1
    return todo


def _ledger(target: Target, table: str, resume_key: str) -> dict[tuple[str, datetime, datetime], str]:
    """(marketplace, window start, window end) → report or query ids, of the windows of
    ``table`` and the target's account landed under ``resume_key``."""
    wh = target.warehouse
    if not wh.exists(LEDGER):
        return {}
    rows = wh.query(f"SELECT marketplace_id, window_start, window_end, request_id FROM {LEDGER} "
                    "WHERE table_name = ? AND account = ? AND resume_key = ?", [table, target.account, resume_key])
    return {(mp, _utc(ws), _utc(we)): request_id for mp, ws, we, request_id in rows}


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)

