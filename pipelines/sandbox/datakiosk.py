"""Data Kiosk API 2023-11-15 over the synthetic seller.

Query execution belongs to ``pipelines.sandbox.datakiosk_engine`` (imported
lazily), whose contract is ``DataKioskEngine(seller, vendor).execute(query) ->
EngineResult(records, errors)``. This module owns the HTTP side:

- createQuery: 400 without a ``query`` or with a GraphQL syntax error; 413 when
  the query is longer than 8,000 characters after unnecessary whitespace is
  removed. The engine runs in the background when the query is created.
- Errors → FATAL with an ``errorDocumentId``; the error document is JSON
  ``{"errorMessage": "<messages joined by '; '>"}``.
- No records → DONE without ``dataDocumentId``.
- Records → JSONL pages of ``dk_page_records``; the query's ``dataDocumentId``
  holds page 1 and ``pagination.nextToken`` is set while pages remain. A
  createQuery with that ``paginationToken`` (and the same query) is a new query
  whose document is the next page.
- Documents are gzip served with ``Content-Encoding: gzip``. They are kept for
  the server's lifetime (not for the query's ``@resultRetention``).
- Each sandbox account (tenant) has its own ``DataKioskApi``: its queries,
  documents and pages are its own; query ids come from one shared counter.
"""
from __future__ import annotations

import gzip
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from graphql import GraphQLError, parse

from pipelines.sandbox.config import Context, Tenant
from pipelines.sandbox.errors import ApiError, invalid, not_found
from pipelines.sandbox.lifecycle import Job, Outcome
from pipelines.sandbox.validation import (
    created_range,
    decode_token,
    encode_token,
    iso_z,
    one_param,
    page_size,
    parse_time,
    shown,
    statuses,
)
from pipelines.spec.datakiosk import minify, retention
from pipelines.spec.models import MAX_QUERY_CHARS

JSONL_CONTENT_TYPE = "application/x-ndjson; charset=UTF-8"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

EngineFactory = Callable[[Any, bool], Any]  # (seller, vendor) -> object with .execute(query, now) -> EngineResult


def default_engine_factory(seller, vendor: bool):
    from pipelines.sandbox.datakiosk_engine import DataKioskEngine  # another helper's module; lazy on purpose
    return DataKioskEngine(seller, vendor=vendor)


def compact_query(query: str) -> str:
    """The query as Amazon counts its length (see pipelines.spec.datakiosk.minify);
    text that does not even parse is only collapsed, so it can still be measured."""
    try:
        return minify(query)
    except (GraphQLError, RecursionError):
        return re.sub(r"\s+", " ", query).strip()


@dataclass
class ResultSet:
    """One engine run shared by the first query and every page query that follows it."""

    query: str
    records: list[dict] | None = None
    errors: list[str] | None = None
    ready: threading.Event = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.ready = threading.Event()


@dataclass
class Query:
    query_id: str
    query: str
    job: Job
    next_token: str | None = None
    retention: timedelta | None = None  # the shortest @resultRetention of its fields

    def expired(self, now: datetime) -> bool:
        """Data Kiosk deletes a query and its documents when its retention is over."""
        return self.retention is not None and self.job.created + self.retention <= now

    def body(self) -> dict:
        status, started, ended = self.job.state()
        out = {"queryId": self.query_id, "query": self.query, "createdTime": iso_z(self.job.created),
               "processingStatus": status}
        if started:
            out["processingStartTime"] = iso_z(started)
        if ended and status != "IN_PROGRESS":
            out["processingEndTime"] = iso_z(ended)
        outcome = self.job.outcome
        if status == "DONE" and outcome and outcome.document_id:
            out["dataDocumentId"] = outcome.document_id
            if outcome.extra and outcome.extra.get("nextToken"):
                out["pagination"] = {"nextToken": outcome.extra["nextToken"]}
        if status == "FATAL" and outcome and outcome.document_id:
            out["errorDocumentId"] = outcome.document_id
        return out


class DataKioskApi:
    def __init__(self, ctx: Context, engine_factory: EngineFactory | None = None, tenant: Tenant | None = None,
                 ids: Iterator[int] | None = None):
        self.ctx = ctx
        self.tenant = tenant or ctx.config.accounts[0]
        self._engine_factory = engine_factory or default_engine_factory
        self._engine = None
        self._queries: dict[str, Query] = {}
        self._pages: dict[str, tuple[ResultSet, int]] = {}  # pagination token → (result set, page index)
        self._ids = ids or itertools.count(1)
        self._lock = threading.RLock()

    def _engine_instance(self):
        with self._lock:
            if self._engine is None:
                self._engine = self._engine_factory(self.ctx.sellers[self.tenant.name], self.tenant.vendor)
            return self._engine

    # ---- createQuery ----------------------------------------------------
    def create_query(self, body: dict) -> tuple[int, dict]:
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise invalid("The request body must have a non-empty 'query' string")
        compact = compact_query(query)
        if len(compact) > MAX_QUERY_CHARS:
            raise ApiError(413, "RequestEntityTooLarge", "The query is too long.",
                           f"A query must be at most {MAX_QUERY_CHARS} characters after unnecessary whitespace "
                           f"is removed; this one has {len(compact)}.")
        try:
            document = parse(query)
        except GraphQLError as e:
            raise invalid("The provided query is invalid.", e.message) from None
        except RecursionError:  # graphql-core parses selections recursively
            raise invalid("The provided query is invalid.", "Its selections are nested too deeply.") from None
        roots = [sel.name.value for op in document.definitions for sel in
                 getattr(getattr(op, "selection_set", None), "selections", ()) if hasattr(sel, "name")]
        if not self.tenant.vendor and any("vendor" in r.lower() for r in roots):
            raise ApiError(403, "Unauthorized", "Access to requested resource is denied.",
                           "Vendor datasets are available to vendor accounts only.")
        token = body.get("paginationToken")
        if token is not None:
            with self._lock:
                page = self._pages.get(token) if isinstance(token, str) else None
            if page is None:
                raise invalid(f"Invalid paginationToken {shown(token)}: it was not issued for a query of this account")
            result, index = page
            if compact_query(result.query) != compact:
                raise invalid("The query must equal the query of the page the paginationToken came from")
        else:
            result, index = ResultSet(query), 0
        q = self._new_query(query, result, index)
        return 202, {"queryId": q.query_id}

    def _new_query(self, query: str, result: ResultSet, index: int) -> Query:
        ctx = self.ctx
        stuck = ctx.faults.take("stuck_in_queue", "createQuery") is not None
        job = Job(ctx.now(), ctx.delay_for("createQuery"), stuck=stuck)
        forced = ctx.forced_outcome("createQuery")
        with self._lock:
            query_id = f"{90_000_000_000 + next(self._ids)}"
            q = Query(query_id, query, job, retention=_retention(query))
            self._queries[query_id] = q

        def work() -> Outcome:
            if forced == "CANCELLED":
                return Outcome("CANCELLED")
            if forced == "FATAL":
                return self._error_document(query_id, ["The query could not be processed (injected fault: fatal)."])
            if index == 0:
                self._execute(result)
            result.ready.wait()
            if result.errors:
                return self._error_document(query_id, result.errors)
            records = result.records or []
            size = ctx.config.dk_page_records
            chunk = records[index * size:(index + 1) * size]
            if not chunk:
                return Outcome("DONE")  # no data: DONE without a dataDocumentId
            doc_id = f"amzn1.tortuga.4.na.{query_id}.data"
            path = ctx.docs.new_path(doc_id)
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as f:
                for record in chunk:
                    f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            ctx.docs.add(doc_id, path, JSONL_CONTENT_TYPE, content_encoding=True)
            extra = {}
            if (index + 1) * size < len(records):
                token = secrets.token_urlsafe(24)
                with self._lock:
                    self._pages[token] = (result, index + 1)
                extra["nextToken"] = token
            return Outcome("DONE", doc_id, extra)

        job.start(ctx.pool, work, lambda err: self._error_document(query_id, [f"Query processing failed: {err}"]))
        return q

    def _execute(self, result: ResultSet) -> None:
        try:
            r = self._engine_instance().execute(result.query, now=self.ctx.now())
            result.records, result.errors = r.records, r.errors
        except ImportError as e:
            result.errors = [f"The Data Kiosk engine is not available: {e}"]
        finally:
            result.ready.set()

    def _error_document(self, query_id: str, errors: list[str]) -> Outcome:
        doc_id = f"amzn1.tortuga.4.na.{query_id}.error"
        path = self.ctx.docs.new_path(doc_id)
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump({"errorMessage": "; ".join(errors)}, f, ensure_ascii=False)
        self.ctx.docs.add(doc_id, path, JSON_CONTENT_TYPE, content_encoding=True)
        return Outcome("FATAL", doc_id)

    # ---- other operations -----------------------------------------------
    def _query(self, query_id: str) -> Query:
        with self._lock:
            q = self._queries.get(query_id)
        if q is None or q.expired(self.ctx.now()):
            raise not_found(f"Query {query_id} not found")
        return q

    def check_document(self, document_id: str) -> None:
        """404 unless the document belongs to a query still within its retention."""
        parts = document_id.split(".")
        if len(parts) < 6 or not document_id.startswith("amzn1.tortuga."):
            raise not_found(f"Document {document_id} not found")
        try:
            self._query(parts[4])
        except ApiError:
            raise not_found(f"Document {document_id} not found") from None

    def get_query(self, query_id: str) -> tuple[int, dict]:
        return 200, self._query(query_id).body()

    def cancel_query(self, query_id: str) -> tuple[int, None]:
        q = self._query(query_id)
        status = q.job.state()[0]
        if status == "CANCELLED":
            return 204, None  # cancelling a cancelled query is a no-op
        if status not in ("IN_QUEUE", "IN_PROGRESS"):
            raise invalid(f"Query {query_id} is {status}; only IN_QUEUE or IN_PROGRESS queries can be cancelled")
        q.job.cancel(self.ctx.now())
        return 204, None

    def get_queries(self, query: dict[str, list[str]]) -> tuple[int, dict]:
        now = self.ctx.now()
        size = page_size(query)
        filters = {"statuses": statuses(query)}
        since, until = created_range(query, now)
        token = one_param(query, "paginationToken")
        offset = 0
        if token is not None:
            state = decode_token(token, "paginationToken")
            if not isinstance(state.get("o"), int) or state.get("f") != {**filters, "explicit": _explicit(query)}:
                raise invalid("paginationToken does not match the other parameters",
                              "Give the same parameters as the request that returned the token (pageSize may change).")
            offset = state["o"]
            since, until = parse_time(state["since"], "createdSince"), parse_time(state["until"], "createdUntil")
        with self._lock:
            candidates = list(self._queries.values())
        found = []
        for q in candidates:
            if q.expired(now):
                continue
            b = q.body()
            if since <= q.job.created <= until and (not filters["statuses"] or b["processingStatus"] in filters["statuses"]):
                found.append((q.job.created, q.query_id, b))
        found.sort(key=lambda x: (x[0], x[1]), reverse=True)
        page = [b for _, _, b in found[offset:offset + size]]
        out: dict = {"queries": page}
        if offset + size < len(found):
            out["pagination"] = {"nextToken": encode_token({
                "f": {**filters, "explicit": _explicit(query)}, "o": offset + size,
                "since": since.isoformat(), "until": until.isoformat()})}
        return 200, out


def _retention(query: str) -> timedelta | None:
    try:
        return retention(query)
    except Exception:  # an invalid query ends FATAL; its error document keeps the default
        return None


def _explicit(query: dict[str, list[str]]) -> dict:
    """The explicitly given createdSince/createdUntil (must repeat with a paginationToken)."""
    return {k: query[k][0] for k in ("createdSince", "createdUntil") if k in query}
