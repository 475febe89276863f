"""Reports API 2021-06-30: create (or reuse) → poll → document → streamed download.

>>> iso_utc(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
'2024-01-02T03:04:05Z'
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from .documents import DocumentLocation, Downloaded
from .errors import DocumentError, ReportCancelledError, ReportFatalError, SpApiError
from .http import SpApiClient
from .polling import PENDING, TERMINAL, run_job, wait_until_terminal

log = logging.getLogger("pipelines.spapi")

BASE = "/reports/2021-06-30"
ERROR_TEXT_LIMIT = 2000  # characters of a FATAL report's error document quoted in the exception
WAIT_HINT = "a later fetch() will pick it up again instead of creating a new report"
# How long before a createReport's first attempt its twin may have been created (clocks differ a little).
TWIN_MARGIN = timedelta(minutes=1)

_EXTENSIONS = {"json": ".json", "xml": ".xml", "csv": ".csv"}


def iso_utc(value: datetime | date) -> str:
    """ISO 8601 in UTC with ``Z``; a naive datetime is taken as UTC, a date as its midnight UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return value.strftime(fmt)


def parse_time(text: str | None) -> datetime | None:
    """Parse an SP-API date-time (``Z`` or offset) to an aware UTC datetime, seconds precision."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def made_for(report: dict, report_type: str, marketplace_ids: Iterable[str], window: Mapping[str, str]) -> bool:
    """Whether a listed report answers the request: its type, its marketplaces and each
    window bound given (``dataStartTime``/``dataEndTime``, compared as instants)."""
    return (report.get("reportType") == report_type
            and set(report.get("marketplaceIds") or ()) == set(marketplace_ids)
            and all(parse_time(report.get(k)) == parse_time(v) for k, v in window.items()))


@dataclass(frozen=True)
class FetchedReport:
    report_id: str
    status: Literal["DONE", "CANCELLED"]
    path: Path | None  # decompressed UTF-8 file; None when CANCELLED (no data)
    charset: str | None  # charset the document was served in
    document_id: str | None
    reused: bool  # an existing report was reused instead of creating a new one
    content_type: str | None = None  # Content-Type the document was served with
    stuck_cancelled: int = 0  # reports cancelled after waiting IN_QUEUE past queue_timeout

    def require_path(self, report_type: str = "") -> Path:
        """The document path, or ReportCancelledError when Amazon had no data."""
        if self.path is None:
            raise ReportCancelledError(self.report_id, report_type or "report")
        return self.path


class ReportsApi:
    """Reports API calls for one account.

    ``reuse_max_age``: how far back ``fetch`` looks for a twin report to reuse. The
    account's recent reports are listed once per ReportsApi, report type and
    marketplaces, and the reports it creates join that list: getReports allows one
    call every 45 s, so a backfill must not spend one per window.
    ``restricted``: fetch report documents with a Restricted Data Token (PII reports).
    """

    def __init__(self, client: SpApiClient, *, reuse_max_age: timedelta = timedelta(hours=4),
                 restricted: bool = False):
        self.client = client
        self.reuse_max_age = reuse_max_age
        self.restricted = restricted
        self._recent: dict[tuple[str, tuple[str, ...]], list[dict]] = {}
        self._recent_locks: dict[tuple[str, tuple[str, ...]], threading.Lock] = {}
        self._lock = threading.Lock()

    # -- the whole flow ---------------------------------------------------------------
    def fetch(
        self,
        report_type: str,
        marketplace_ids: Iterable[str],
        *,
        start: datetime | date | None = None,
        end: datetime | date | None = None,
        options: Mapping[str, str] | None = None,
        dest_dir: Path,
        reuse_done: bool = True,
    ) -> FetchedReport:
        """Get a report's data onto disk: reuse or create, wait, download.

        Returns status DONE with the UTF-8 file, or CANCELLED with ``path=None``
        (Amazon's way of saying "no data"). Raises ReportFatalError for FATAL.
        A report is reused only when its type, marketplaces and exact window
        (start and end both given) match and no reportOptions were asked for
        (getReports does not return options);
        a report still IN_QUEUE/IN_PROGRESS is awaited rather than created twice.
        One still IN_QUEUE after ``queue_timeout`` is cancelled and created again (see polling.run_job).
        """
        marketplaces = list(dict.fromkeys(marketplace_ids))
        report = None
        if reuse_done and start is not None and end is not None and not options:
            try:
                report = self.find_reusable(report_type, marketplaces, start, end)
            except SpApiError as exc:  # reuse only saves quota: never fail a fetch over it
                log.warning("could not look for a reusable %s report (%s); requesting a new one",
                            report_type, exc)
        reused = report is not None
        if reused:
            log.info("reusing %s report %s (%s)", report_type, report["reportId"], report["processingStatus"])
            if report["processingStatus"] in TERMINAL:
                return self._finish(report, report_type, Path(dest_dir), reused)
        window = f"{iso_utc(start) if start is not None else 'now'}..{iso_utc(end) if end is not None else 'now'}"
        report, stuck = run_job(
            self.client, kind="report", label=f"{report_type} report for {', '.join(marketplaces)} {window}",
            create=lambda: self.create_report(report_type, marketplaces, start=start, end=end, options=options),
            get=self.get_report, cancel=self.cancel_report, hint=WAIT_HINT,
            job_id=report["reportId"] if reused else None)
        fetched = self._finish(report, report_type, Path(dest_dir), reused and not stuck)
        return replace(fetched, stuck_cancelled=stuck) if stuck else fetched

    def _finish(self, report: dict, report_type: str, dest_dir: Path, reused: bool) -> FetchedReport:
        report_id, status = report["reportId"], report["processingStatus"]
        document_id = report.get("reportDocumentId")
        if status == "CANCELLED":
            log.info("%s report %s CANCELLED: no data for the request", report_type, report_id)
            return FetchedReport(report_id, "CANCELLED", None, None, document_id, reused)
        if status == "FATAL":
            raise ReportFatalError(report_id, report_type, self._error_text(document_id, dest_dir))
        if not document_id:
            raise DocumentError(f"report {report_id} is DONE but has no reportDocumentId")
        return self.fetch_document(report_id, document_id, dest_dir / f"{report_type}-{report_id}.txt", reused)

    def _error_text(self, document_id: str | None, dest_dir: Path) -> str | None:
        if not document_id:
            return None
        path, _ = self.download_document(document_id, dest_dir / f".error-{document_id}.txt")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(ERROR_TEXT_LIMIT + 1)
        finally:
            path.unlink(missing_ok=True)
        text = text.strip()
        return text[:ERROR_TEXT_LIMIT] + " [truncated]" if len(text) > ERROR_TEXT_LIMIT else text

    def find_reusable(self, report_type: str, marketplace_ids: list[str], start: datetime | date,
                      end: datetime | date) -> dict | None:
        """A recent report with the same type, marketplaces and window: DONE first, else pending."""
        window = {"dataStartTime": iso_utc(start), "dataEndTime": iso_utc(end)}
        best = None
        for report in self._recent_reports(report_type, marketplace_ids):
            if not made_for(report, report_type, marketplace_ids, window):
                continue
            if report["processingStatus"] == "DONE":
                return report
            best = best or report
        return best

    def _recent_reports(self, report_type: str, marketplace_ids: list[str]) -> list[dict]:
        """The account's DONE or pending reports of the type and marketplaces created within
        ``reuse_max_age``: listed on first use, then what this ReportsApi created since added."""
        key = (report_type, tuple(sorted(marketplace_ids)))
        with self._lock:
            lock = self._recent_locks.setdefault(key, threading.Lock())
        with lock:  # the windows asking at once wait for one listing
            with self._lock:
                listed = key in self._recent
            if not listed:
                since = datetime.now(timezone.utc) - self.reuse_max_age
                found = list(self.list_reports([report_type], marketplace_ids=marketplace_ids,
                                               processing_statuses=("DONE",) + PENDING, created_since=since))
                with self._lock:
                    self._recent[key] = found
        with self._lock:
            return list(self._recent[key])

    def _remember(self, report_id: str, body: dict) -> None:
        """Add a report this ReportsApi created (without options) to the recent reports listed."""
        key = (body["reportType"], tuple(sorted(body["marketplaceIds"])))
        with self._lock:
            if key in self._recent:
                self._recent[key].append({**body, "reportId": report_id, "processingStatus": "IN_QUEUE"})

    # -- single operations -----------------------------------------------------------
    def create_report(self, report_type: str, marketplace_ids: Iterable[str], *,
                      start: datetime | date | None = None, end: datetime | date | None = None,
                      options: Mapping[str, str] | None = None) -> str:
        body: dict = {"reportType": report_type, "marketplaceIds": list(marketplace_ids)}
        if start is not None:
            body["dataStartTime"] = iso_utc(start)
        if end is not None:
            body["dataEndTime"] = iso_utc(end)
        if options:
            body["reportOptions"] = {str(k): str(v) for k, v in options.items()}
        since = datetime.now(timezone.utc) - TWIN_MARGIN
        # getReports does not show reportOptions, so a report with options has no twin we could tell apart.
        twin = None if options else lambda: self.find_twin(body, since)
        resp = self.client.request("createReport", "POST", f"{BASE}/reports", json=body, find_twin=twin) or {}
        report_id = resp["reportId"]
        log.info("created %s report %s", report_type, report_id)
        if not options:  # getReports shows no options: only a report without them may be reused
            self._remember(report_id, body)
        return report_id

    def find_twin(self, body: dict, since: datetime) -> dict | None:
        """``{"reportId": ...}`` of a report created since ``since`` for the createReport ``body``
        (same type, marketplaces and data window), in any status: the one a createReport that
        failed with a 5xx or a dropped connection may have created; None if there is none.
        One try per page: it runs inside the create's own attempt."""
        window = {k: body[k] for k in ("dataStartTime", "dataEndTime") if body.get(k)}
        for report in self.list_reports([body["reportType"]], marketplace_ids=body["marketplaceIds"],
                                        processing_statuses=None, created_since=since, retry=False):
            if made_for(report, body["reportType"], body["marketplaceIds"], window):
                return {"reportId": report["reportId"]}
        return None

    def get_report(self, report_id: str) -> dict:
        return self.client.request("getReport", "GET", f"{BASE}/reports/{report_id}") or {}

    def cancel_report(self, report_id: str) -> None:
        self.client.request("cancelReport", "DELETE", f"{BASE}/reports/{report_id}")

    def wait(self, report_id: str) -> dict:
        """Poll getReport until a terminal status or the poll timeout."""
        return wait_until_terminal(self.client, lambda: self.get_report(report_id), f"report {report_id}", WAIT_HINT)

    def list_reports(
        self,
        report_types: Iterable[str],
        *,
        marketplace_ids: Iterable[str] | None = None,
        processing_statuses: Iterable[str] | None = ("DONE",),
        created_since: datetime | date | None = None,
        created_until: datetime | date | None = None,
        page_size: int = 100,
        retry: bool = True,
    ) -> Iterator[dict]:
        """Every report matching the filters, following ``nextToken`` (sent alone, as the model says).
        ``retry=False``: one attempt per page (see SpApiClient.request)."""
        params: dict = {"reportTypes": list(report_types), "pageSize": page_size}
        if marketplace_ids:
            params["marketplaceIds"] = list(marketplace_ids)
        if processing_statuses:
            params["processingStatuses"] = list(processing_statuses)
        if created_since is not None:
            params["createdSince"] = iso_utc(created_since)
        if created_until is not None:
            params["createdUntil"] = iso_utc(created_until)
        while True:
            page = self.client.request("getReports", "GET", f"{BASE}/reports", params=params, retry=retry) or {}
            yield from page.get("reports") or []
            token = page.get("nextToken")
            if not token:
                return
            params = {"nextToken": token}

    def get_report_document(self, report_document_id: str) -> dict:
        path = f"{BASE}/documents/{report_document_id}"
        token = self.client.restricted.token_for("GET", path) if self.restricted else None
        return self.client.request("getReportDocument", "GET", path, access_token=token) or {}

    def fetch_document(self, report_id: str, report_document_id: str, dest: Path,
                       reused: bool = True) -> FetchedReport:
        """Download a DONE report's document: its path, charset and Content-Type."""
        got = self._download(report_document_id, dest)
        return FetchedReport(report_id, "DONE", got.path, got.charset, report_document_id, reused, got.content_type)

    def download_document(self, report_document_id: str, dest: Path) -> tuple[Path, str]:
        """Stream a report document to ``dest`` (UTF-8); returns (path, source charset).

        The extension of ``dest`` is replaced by one matching the Content-Type
        (.json, .xml, .csv) when it says so. An expired URL is replaced by calling
        getReportDocument again.
        """
        got = self._download(report_document_id, dest)
        return got.path, got.charset

    def _download(self, report_document_id: str, dest: Path) -> Downloaded:
        def locate() -> DocumentLocation:
            doc = self.get_report_document(report_document_id)
            return DocumentLocation(doc["url"], doc.get("compressionAlgorithm"))

        result = self.client.download(locate, Path(dest))
        path = result.path
        subtype = (result.content_type or "").split(";")[0].strip().lower().rsplit("/", 1)[-1]
        ext = next((e for key, e in _EXTENSIONS.items() if key in subtype), None)
        if ext and path.suffix != ext:
            target = path.with_suffix(ext)
            os.replace(path, target)
            result = replace(result, path=target)
        return result
