"""Reports API 2021-06-30: every operation, over one account's synthetic seller.

Each sandbox account (tenant) has its own ``ReportsApi``: it lists, reads and
serves the documents of its own reports only. Report and schedule ids come from
one counter shared by every account, so they never collide.

Reports render in the background as soon as they are created (see
``lifecycle``); settlement and Date Range reports are listed as Amazon generates them (see
``settlements``, ``layouts.transactions``); schedules create their reports lazily whenever reports are
listed or read.
"""
from __future__ import annotations

import gzip
import itertools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipelines.sandbox import layouts, render, sales_traffic, settlements
from pipelines.sandbox.config import Context, Tenant
from pipelines.sandbox.errors import DENIED, ApiError, invalid, not_found
from pipelines.sandbox.layouts import transactions
from pipelines.sandbox.lifecycle import Job, Outcome
from pipelines.sandbox.validation import (
    created_range,
    decode_token,
    encode_token,
    iso_z,
    list_param,
    not_future,
    one_param,
    page_size,
    parse_time,
    shown,
    statuses,
)

# Report types whose documents need a Restricted Data Token (the Tokens API
# use-case guide's list of restricted reports).
RESTRICTED_REPORT_TYPES = frozenset({
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING", "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_TAX",
    "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", "GET_FLAT_FILE_ORDER_REPORT_DATA_SHIPPING",
    "GET_FLAT_FILE_ORDER_REPORT_DATA_INVOICING", "GET_FLAT_FILE_ORDER_REPORT_DATA_TAX",
    "GET_FLAT_FILE_ORDERS_RECONCILIATION_DATA_TAX", "GET_FLAT_FILE_ORDERS_RECONCILIATION_DATA_INVOICING",
    "GET_FLAT_FILE_ORDERS_RECONCILIATION_DATA_SHIPPING", "GET_ORDER_REPORT_DATA_INVOICING",
    "GET_ORDER_REPORT_DATA_TAX", "GET_ORDER_REPORT_DATA_SHIPPING", "GET_EASYSHIP_DOCUMENTS",
    "GET_GST_MTR_B2B_CUSTOM", "GET_VAT_TRANSACTION_DATA", "SC_VAT_TAX_REPORT",
})
# Reports Amazon generates on its own schedule and getReports lists: report type → (those visible at a
# moment, the renderer of one's document).
GENERATED = {
    settlements.REPORT_TYPE: (settlements.settlements, render.render_settlement),
    transactions.REPORT_TYPE: (transactions.generated, transactions.render_generated),
}
PERIODS = ("PT5M", "PT15M", "PT30M", "PT1H", "PT2H", "PT4H", "PT8H", "PT12H", "P1D", "P2D", "P3D", "PT84H",
           "P7D", "P14D", "P15D", "P18D", "P30D", "P1M")
MAX_SCHEDULED_REPORTS = 100  # per schedule and listing, so a long-idle schedule cannot flood the store
REPORT_RETENTION = timedelta(days=90)  # the Reports model: "Reports are retained for a maximum of 90 days."


def period_delta(period: str) -> timedelta:
    """An ISO 8601 schedule period as a timedelta (``P1M`` counts as 30 days).

    >>> period_delta("PT84H"), period_delta("P1M")
    (datetime.timedelta(days=3, seconds=43200), datetime.timedelta(days=30))
    """
    m = re.fullmatch(r"P(?:(\d+)([DM]))?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", period)
    if not m:
        raise ValueError(period)
    n, unit, hours, minutes = m.groups()
    days = int(n or 0) * (30 if unit == "M" else 1)
    return timedelta(days=days, hours=int(hours or 0), minutes=int(minutes or 0))


@dataclass
class Report:
    report_id: str
    report_type: str
    marketplace_ids: list[str]
    options: dict[str, str]
    data_start: datetime
    data_end: datetime
    job: Job
    schedule_id: str | None = None

    def body(self) -> dict:
        status, started, ended = self.job.state()
        out = {"reportId": self.report_id, "reportType": self.report_type,
               "marketplaceIds": list(self.marketplace_ids),
               "dataStartTime": iso_z(self.data_start), "dataEndTime": iso_z(self.data_end),
               "createdTime": iso_z(self.job.created), "processingStatus": status}
        if self.schedule_id:
            out["reportScheduleId"] = self.schedule_id
        if started:
            out["processingStartTime"] = iso_z(started)
        if ended and status != "IN_PROGRESS":
            out["processingEndTime"] = iso_z(ended)
        if status in ("DONE", "FATAL") and self.job.outcome and self.job.outcome.document_id:
            out["reportDocumentId"] = self.job.outcome.document_id
        return out


@dataclass
class Schedule:
    schedule_id: str
    report_type: str
    marketplace_ids: list[str]
    options: dict[str, str]
    period: str
    next_time: datetime
    fired: int = field(default=0)

    def body(self) -> dict:
        out = {"reportScheduleId": self.schedule_id, "reportType": self.report_type,
               "marketplaceIds": list(self.marketplace_ids), "period": self.period,
               "nextReportCreationTime": iso_z(self.next_time)}
        if self.options:
            out["reportOptions"] = dict(self.options)
        return out


class ReportsApi:
    def __init__(self, ctx: Context, tenant: Tenant | None = None, ids: Iterator[int] | None = None):
        self.ctx = ctx
        self.tenant = tenant or ctx.config.accounts[0]
        self.seller = ctx.sellers[self.tenant.name]
        self._reports: dict[str, Report] = {}
        self._schedules: dict[str, Schedule] = {}
        self._documents: set[str] = set()  # the documents of this account's requested reports
        self._generated_documents: set[str] = set()  # those of its generated reports, once rendered
        self._ids = ids or itertools.count(1)
        self._lock = threading.RLock()

    # ---- validation -----------------------------------------------------
    def _marketplaces(self, values, name: str = "marketplaceIds", most: int = 25) -> list[str]:
        """The marketplace ids as a set in their first-seen order: Amazon reads a repeated id once."""
        if not isinstance(values, list) or not values or not all(isinstance(m, str) for m in values):
            raise invalid(f"{name} must be a non-empty list of marketplace ids")
        if len(values) > most:
            raise invalid(f"{name} has {len(values)} entries; at most {most} are allowed")
        unknown = [m for m in values if m not in self.tenant.marketplace_ids]
        if unknown:
            raise invalid(f"Invalid {name} {shown(unknown)}",
                          f"This seller sells in: {', '.join(self.tenant.marketplace_ids)}")
        return list(dict.fromkeys(values))

    @staticmethod
    def _report_type(value, *, requestable: bool, action: str = "requested") -> str:
        if not isinstance(value, str) or not value:
            raise invalid("reportType is required")
        if value not in render.SUPPORTED:
            raise invalid(f"Invalid reportType {shown(value)}", f"The sandbox supports: {', '.join(render.SUPPORTED)}")
        if requestable and value not in render.REQUESTABLE:
            refused = getattr(layouts.layout(value), "create_refusal", "")  # Amazon's words, where known
            if refused:
                raise invalid(refused)
            raise invalid(f"Report type {value} cannot be {action}",
                          "Settlement reports are generated by Amazon on its own schedule; list them with getReports.")
        return value

    def _options(self, report_type: str, value, marketplace_ids: list[str]) -> dict[str, str]:
        if value is None:
            value = {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise invalid("reportOptions must be an object of string values")
        if report_type == sales_traffic.REPORT_TYPE:
            if len(marketplace_ids) != 1:
                raise invalid(f"{report_type} takes exactly one marketplace id, got {len(marketplace_ids)}")
            dg, ag = value.get("dateGranularity", "DAY"), value.get("asinGranularity", "PARENT")
            if dg not in ("DAY", "WEEK", "MONTH"):
                raise invalid(f"Invalid reportOptions.dateGranularity {shown(dg)}", "Allowed: DAY, WEEK, MONTH")
            if dg not in sales_traffic.DATE_GRANULARITIES:
                raise invalid(f"reportOptions.dateGranularity {dg} is not supported by the sandbox",
                              "The sandbox renders DAY granularity only.")
            if ag not in sales_traffic.ASIN_GRANULARITIES:
                raise invalid(f"Invalid reportOptions.asinGranularity {shown(ag)}", "Allowed: PARENT, CHILD, SKU")
        return render.check_options(report_type, dict(value), marketplace_ids, vendor=self.tenant.vendor,
                                    now=self.ctx.now())

    # ---- reports --------------------------------------------------------
    def create_report(self, body: dict, operation: str = "createReport") -> tuple[int, dict]:
        now = self.ctx.now()
        rtype = self._report_type(body.get("reportType"), requestable=True)
        mps = self._marketplaces(body.get("marketplaceIds"))
        options = self._options(rtype, body.get("reportOptions"), mps)
        start = not_future(parse_time(body["dataStartTime"], "dataStartTime"), "dataStartTime", now) \
            if body.get("dataStartTime") else now
        end = not_future(parse_time(body["dataEndTime"], "dataEndTime"), "dataEndTime", now) \
            if body.get("dataEndTime") else now
        if start > end:
            raise invalid(f"dataStartTime {iso_z(start)} is after dataEndTime {iso_z(end)}")
        report = self._new_report(rtype, mps, options, start, end, now, operation)
        return 202, {"reportId": report.report_id}

    def _new_report(self, rtype: str, mps: list[str], options: dict[str, str], start: datetime, end: datetime,
                    created: datetime, operation: str, schedule_id: str | None = None) -> Report:
        ctx = self.ctx
        job = Job(created, ctx.delay_for(operation), stuck=ctx.faults.take("stuck_in_queue", operation) is not None)
        forced = ctx.forced_outcome(operation)
        new_column = ctx.faults.take("new_column", operation) is not None
        malformed = ctx.faults.take("malformed_row", operation) is not None
        with self._lock:
            report_id = f"{50_000_000_000 + next(self._ids)}"
            report = Report(report_id, rtype, mps, options, start, end, job, schedule_id)
            self._reports[report_id] = report
            doc_id = f"amzn1.spdoc.1.4.na.{report_id}.sandbox"
            self._documents.add(doc_id)

        def work() -> Outcome:
            if forced == "CANCELLED":
                return Outcome("CANCELLED")
            if forced == "FATAL":
                return self._error_document(doc_id, "The report could not be generated (injected fault: fatal).")
            refused = render.refusal(rtype, start, end, created, options, mps)
            if refused:  # Amazon accepts the request, then ends it FATAL saying why
                return self._error_document(doc_id, refused)
            path = ctx.docs.new_path(doc_id)
            args = (ctx.config, rtype, mps, start, end, options, path, created, new_column, malformed, self.tenant)
            if render.expected_rows(ctx.config, rtype, mps, start, end) > ctx.config.process_render_rows:
                rendered = ctx.processes().submit(render.render_for_config, *args).result()
            else:
                rendered = render.render_for_config(*args)
            if rendered.rows == 0:
                path.unlink(missing_ok=True)
                return Outcome("CANCELLED")  # Amazon's "no data for this window"
            ctx.docs.add(doc_id, path, rendered.content_type)
            return Outcome("DONE", doc_id)

        job.start(ctx.pool, work, lambda err: self._error_document(doc_id, f"Report processing failed: {err}"))
        return report

    def _error_document(self, doc_id: str, message: str) -> Outcome:
        path = self.ctx.docs.new_path(doc_id)
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump({"errorDetails": message}, f)
        self.ctx.docs.add(doc_id, path, render.JSON_CONTENT_TYPE)
        return Outcome("FATAL", doc_id)

    def _report(self, report_id: str) -> Report:
        self._fire_schedules()
        with self._lock:
            report = self._reports.get(report_id)
        if report is None:
            settlement = self._settlement(report_id)
            if settlement is not None:
                return settlement
            raise not_found(f"Report {report_id} not found")
        return report

    def get_report(self, report_id: str) -> tuple[int, dict]:
        return 200, self._report(report_id).body()

    def cancel_report(self, report_id: str) -> tuple[int, None]:
        report = self._report(report_id)
        status = report.job.state()[0]
        if status != "IN_QUEUE":
            raise invalid(f"Report {report_id} is {status}; only reports with processingStatus IN_QUEUE "
                          f"can be cancelled")
        report.job.cancel(self.ctx.now())
        return 200, None

    def get_reports(self, query: dict[str, list[str]]) -> tuple[int, dict]:
        now = self.ctx.now()
        token = one_param(query, "nextToken")
        if token is not None:
            others = sorted(k for k in query if k != "nextToken")
            if others:
                raise invalid(f"nextToken must be the only parameter; also got {', '.join(others)}")
            state = decode_token(token, "nextToken")
            filters, offset, size = state.get("f"), state.get("o"), state.get("s")
            if not isinstance(filters, dict) or not isinstance(offset, int) or not isinstance(size, int):
                raise invalid("Invalid nextToken: it was not issued by this server")
        else:
            types = list_param(query, "reportTypes")
            if not types:
                raise invalid("reportTypes is required when nextToken is not given")
            if len(types) > 10:
                raise invalid(f"reportTypes has {len(types)} entries; at most 10 are allowed")
            for t in types:
                self._report_type(t, requestable=False)
            mps = list_param(query, "marketplaceIds")
            if mps is not None:
                self._marketplaces(mps, most=10)
            since, until = created_range(query, now)
            filters = {"types": types, "statuses": statuses(query), "mps": mps,
                       "since": since.isoformat(), "until": until.isoformat()}
            offset, size = 0, page_size(query)
        matches = self._matching(filters, now)
        page = matches[offset:offset + size]
        out: dict = {"reports": page}
        if offset + size < len(matches):
            out["nextToken"] = encode_token({"f": filters, "o": offset + size, "s": size})
        return 200, out

    def _matching(self, f: dict, now: datetime) -> list[dict]:
        self._fire_schedules()
        since, until = parse_time(f["since"], "createdSince"), parse_time(f["until"], "createdUntil")
        with self._lock:
            candidates = list(self._reports.values())
        for rtype, (listed, _) in GENERATED.items():
            if rtype in f["types"]:
                candidates += [self._settlement_report(s, rtype) for s in
                               listed(self.seller, self.tenant.marketplace_ids, now)]
        out = []
        for r in candidates:
            body = r.body()
            if (r.report_type in f["types"] and since <= r.job.created <= until
                    and (not f["statuses"] or body["processingStatus"] in f["statuses"])
                    and (not f["mps"] or set(r.marketplace_ids) & set(f["mps"]))):
                out.append((r.job.created, r.report_id, body))
        out.sort(key=lambda x: (x[0], x[1]), reverse=True)  # newest first
        return [b for _, _, b in out]

    # ---- settlements and other reports Amazon generates (GENERATED) ----------------
    def _settlement_report(self, s, report_type: str = settlements.REPORT_TYPE) -> Report:
        job = Job.finished(s.created, Outcome("DONE", s.document_id))
        return Report(s.report_id, report_type, [s.marketplace_id], {}, s.start, s.end, job)

    def _generated(self):
        """(report type, generated report, its renderer) of every generated report visible now."""
        now, mps = self.ctx.now(), self.tenant.marketplace_ids
        for rtype, (listed, renderer) in GENERATED.items():
            for s in listed(self.seller, mps, now):
                yield rtype, s, renderer

    def _settlement(self, report_id: str) -> Report | None:
        for rtype, s, _ in self._generated():
            if s.report_id == report_id:
                return self._settlement_report(s, rtype)
        return None

    def _settlement_document(self, document_id: str) -> bool:
        """Render a generated report's document on first request; False when none of this account's
        generated reports has that id."""
        with self._lock:
            if document_id in self._generated_documents:
                return True
        for _, s, renderer in self._generated():
            if s.document_id == document_id:
                with self._lock:
                    if self.ctx.docs.get(document_id) is None:
                        path = self.ctx.docs.new_path(document_id)
                        rendered = renderer(self.ctx.config.new_seller(self.tenant), s, path)
                        self.ctx.docs.add(document_id, path, rendered.content_type)
                    self._generated_documents.add(document_id)
                return True
        return False

    def _has_document(self, document_id: str) -> bool:
        """Whether the document is one of this account's, ready to download."""
        with self._lock:
            requested = document_id in self._documents
        if requested:
            return self.ctx.docs.get(document_id) is not None
        return self._settlement_document(document_id)

    # ---- documents ------------------------------------------------------
    def check_restricted(self, document_id: str, restricted_token: bool) -> None:
        """403 for the document of a restricted report asked for without a Restricted Data Token."""
        if restricted_token:
            return
        with self._lock:
            report = next((r for r in self._reports.values()
                           if r.job.outcome is not None and r.job.outcome.document_id == document_id), None)
        if report is not None and report.report_type in RESTRICTED_REPORT_TYPES:
            raise ApiError(403, "Unauthorized", DENIED,
                           f"{report.report_type} is a restricted report: call getReportDocument with a "
                           f"Restricted Data Token (Tokens API createRestrictedDataToken)")

    def get_report_document(self, document_id: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        encoding = (one_param(query, "enableContentEncodingUrlHeader") or "false").lower()
        if encoding not in ("true", "false"):
            raise invalid(f"Invalid enableContentEncodingUrlHeader {shown(encoding)}: must be true or false")
        if not self._has_document(document_id):
            raise not_found(f"Report document {document_id} not found")
        expired = self.ctx.faults.take("expire_url", "getReportDocument") is not None
        url = self.ctx.docs.sign(self.ctx.base_url, document_id, expired=expired,
                                 content_encoding=encoding == "true")
        return 200, {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"}

    # ---- schedules ------------------------------------------------------
    def create_schedule(self, body: dict) -> tuple[int, dict]:
        now = self.ctx.now()
        rtype = self._report_type(body.get("reportType"), requestable=True, action="scheduled")
        mps = self._marketplaces(body.get("marketplaceIds"))
        options = self._options(rtype, body.get("reportOptions"), mps)
        period = body.get("period")
        if period not in PERIODS:
            raise invalid(f"Invalid period {shown(period)}", f"Allowed: {', '.join(PERIODS)}")
        raw_next = body.get("nextReportCreationTime")
        next_time = parse_time(raw_next, "nextReportCreationTime") if raw_next else now + period_delta(period)
        if next_time < now - REPORT_RETENTION:
            raise invalid(f"Invalid nextReportCreationTime {raw_next}: more than {REPORT_RETENTION.days} days ago",
                          "A schedule cannot owe reports older than Amazon keeps them (90 days).")
        with self._lock:
            for sid, sch in list(self._schedules.items()):  # same type and marketplaces: replaced
                if sch.report_type == rtype and sorted(sch.marketplace_ids) == sorted(mps):
                    del self._schedules[sid]
            schedule_id = f"{70_000_000_000 + next(self._ids)}"
            self._schedules[schedule_id] = Schedule(schedule_id, rtype, mps, options, period, next_time)
        return 201, {"reportScheduleId": schedule_id}

    def _schedule(self, schedule_id: str) -> Schedule:
        with self._lock:
            sch = self._schedules.get(schedule_id)
        if sch is None:
            raise not_found(f"Report schedule {schedule_id} not found")
        return sch

    def get_schedules(self, query: dict[str, list[str]]) -> tuple[int, dict]:
        types = list_param(query, "reportTypes")
        if not types:
            raise invalid("reportTypes is required")
        if len(types) > 10:
            raise invalid(f"reportTypes has {len(types)} entries; at most 10 are allowed")
        for t in types:
            self._report_type(t, requestable=False)
        with self._lock:
            found = [s.body() for s in self._schedules.values() if s.report_type in types]
        return 200, {"reportSchedules": found}

    def get_schedule(self, schedule_id: str) -> tuple[int, dict]:
        return 200, self._schedule(schedule_id).body()

    def cancel_schedule(self, schedule_id: str) -> tuple[int, None]:
        self._schedule(schedule_id)
        with self._lock:
            self._schedules.pop(schedule_id, None)
        return 200, None

    def _fire_schedules(self) -> None:
        """Create the reports every schedule owes up to now (window = the preceding period).

        The times were validated when the schedule was made; should a period still step past
        the calendar's ends, the schedule stops instead of failing every later request."""
        now = self.ctx.now()
        with self._lock:
            due = [s for s in self._schedules.values() if s.next_time <= now]
            for s in due:
                try:
                    self._fire(s, now)
                except OverflowError:
                    del self._schedules[s.schedule_id]

    def _fire(self, s: Schedule, now: datetime) -> None:
        step = period_delta(s.period)
        fired = 0
        while s.next_time <= now and fired < MAX_SCHEDULED_REPORTS:
            created = s.next_time
            start = created - step  # raises OverflowError before anything is created
            s.next_time = created + step
            self._new_report(s.report_type, s.marketplace_ids, s.options, start, created,
                             created, "createReport", schedule_id=s.schedule_id)
            fired += 1
        if s.next_time <= now:  # skip what a long-idle schedule missed beyond the cap
            missed = (now - s.next_time) // step + 1
            s.next_time += step * missed
