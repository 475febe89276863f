"""Request dispatch: LWA, SP-API operations (auth, faults, rate limits, handlers),
document downloads and the ``/_sandbox/faults`` control endpoint.

Transport-free: ``SandboxApp.handle(Request) -> Response``; ``server.py`` does HTTP.

The access token says which account (tenant) calls: its usage-plan buckets,
reports, queries and role answer the call. ``app.reports`` and ``app.datakiosk``
are the first account's; ``app.reports_of[name]`` and ``app.datakiosk_of[name]``
any account's.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from pipelines.sandbox.auth import LwaError, TokenStore
from pipelines.sandbox.config import Context, SandboxConfig
from pipelines.sandbox.datakiosk import DataKioskApi, EngineFactory
from pipelines.sandbox.document_faults import DOCUMENT_FAULTS, write_faulty_body
from pipelines.sandbox.documents import DOCUMENT_PATH, DocumentStore, S3Error
from pipelines.sandbox.errors import QUOTA_EXCEEDED, ApiError, invalid, not_found
from pipelines.sandbox.faults import FAULTS, FaultBook, FaultError
from pipelines.sandbox.operations import load_operations, match_route
from pipelines.sandbox.ratelimit import RateLimiter
from pipelines.sandbox.reports import ReportsApi
from pipelines.sandbox.request_body import BodyError, check_body, parse_json
from pipelines.sandbox.validation import parse_time

LWA_PATH = "/auth/o2/token"
FAULTS_PATH = "/_sandbox/faults"
CLOCK_PATH = "/_sandbox/clock"
JSON_TYPE = "application/json"
RDT_METHODS = ("GET", "PUT", "POST", "DELETE")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""


@dataclass
class FileBody:
    path: Path
    length: int  # bytes to send (shorter than the file for truncated_gzip)
    drop_after: int | None = None  # close the connection after this many bytes (drop_connection)


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: FileBody | None = None
    drop: bool = False  # close the connection without answering (lost_response)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = b"" if payload is None else json.dumps(payload).encode()
    h = {"Content-Type": JSON_TYPE} if payload is not None else {}
    return Response(status, {**h, **(headers or {})}, body)


def _method_not_allowed(req: Request, allowed) -> Response:
    error = ApiError(405, "MethodNotAllowed", f"Method {req.method[:20]} is not allowed on {req.path[:200]}",
                     f"Allowed: {', '.join(allowed)}")
    return json_response(405, error.body(), {"Allow": ", ".join(allowed)})


class SandboxApp:
    def __init__(self, config: SandboxConfig, engine_factory: EngineFactory | None = None):
        self.config = config
        self.ops = load_operations()
        self.tokens = TokenStore(config.token_ttl, tuple(t.name for t in config.accounts))
        self.faults = FaultBook()
        self.limiter = RateLimiter({o.id: (o.rate, o.burst) for o in self.ops.values()}, config.time_scale)
        self.ctx = Context(config, DocumentStore(config.document_ttl), self.faults,
                           ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="sandbox-job"))
        report_ids, query_ids = itertools.count(1), itertools.count(1)
        self.reports_of = {t.name: ReportsApi(self.ctx, t, report_ids) for t in config.accounts}
        self.datakiosk_of = {t.name: DataKioskApi(self.ctx, engine_factory, t, query_ids) for t in config.accounts}
        first = config.accounts[0].name
        self.reports, self.datakiosk = self.reports_of[first], self.datakiosk_of[first]
        self.request_log: list[dict] = []
        self._log_lock = threading.Lock()

    def close(self) -> None:
        self.ctx.close()

    # ---- entry point -----------------------------------------------------
    def handle(self, req: Request) -> Response:
        request_id = str(uuid.uuid4())
        if req.path == LWA_PATH:
            resp = self._lwa(req)
        elif req.path.startswith(DOCUMENT_PATH):
            resp = self._download(req) if req.method in ("GET", "HEAD") else self._s3_method_not_allowed()
        elif req.path == FAULTS_PATH:
            resp = self._faults(req)
        elif req.path == CLOCK_PATH:
            resp = self._clock(req)
        else:
            resp = self._spapi(req)
        resp.headers.setdefault("x-amzn-RequestId", request_id)
        return resp

    def refuse(self, path: str, error: ApiError) -> Response:
        """An error found before a request reaches ``handle`` (framing, size, timeout), in the
        shape the path speaks: OAuth for LWA, the SP-API errors list everywhere else."""
        if path == LWA_PATH:
            body = LwaError(error.status, "invalid_request", f"{error.message} {error.details or ''}".strip()).body()
        else:
            body = error.body()
        return json_response(error.status, body, {"x-amzn-RequestId": str(uuid.uuid4())})

    @staticmethod
    def _s3_method_not_allowed() -> Response:
        error = S3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        return Response(405, {"Content-Type": "application/xml", "Allow": "GET, HEAD"}, error.xml())

    # ---- LWA ---------------------------------------------------------------
    def _lwa(self, req: Request) -> Response:
        if req.method != "POST":
            return json_response(405, {"error": "invalid_request", "error_description": "Use POST"},
                                 {"Allow": "POST"})
        try:
            return json_response(200, self.tokens.exchange(self._lwa_form(req)))
        except LwaError as e:
            return json_response(e.status, e.body())

    @staticmethod
    def _lwa_form(req: Request) -> dict[str, str]:
        """The token request's parameters: a form (as Amazon documents it) or a JSON object of strings."""
        try:
            if req.headers.get("content-type", "").startswith(JSON_TYPE):
                value = parse_json(req.body or b"{}")
                if not isinstance(value, dict):
                    raise BodyError("the body must be a JSON object")
                bad = next((k for k, v in value.items() if not isinstance(v, str)), None)
                if bad is not None:
                    raise BodyError(f"parameter {bad[:100]} must be a string")
                return value
            text = req.body.decode("utf-8")
        except UnicodeDecodeError:
            raise LwaError(400, "invalid_request", "The request body is not UTF-8") from None
        except BodyError as e:
            raise LwaError(400, "invalid_request", f"Malformed JSON body: {e}") from None
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}

    # ---- documents -----------------------------------------------------------
    def _download(self, req: Request) -> Response:
        document_id = req.path[len(DOCUMENT_PATH):]
        try:
            doc, encoded = self.ctx.docs.resolve(document_id, req.query)
        except S3Error as e:
            return Response(e.status, {"Content-Type": "application/xml"}, e.xml())
        operation = "getDocument" if doc.content_encoding else "getReportDocument"
        path, content_type = doc.path, doc.content_type
        faulty = next((f for f in DOCUMENT_FAULTS if self.faults.take(f, operation)), None)
        if faulty:  # served instead of the document, which stays as it is
            path, content_type = write_faulty_body(faulty, doc.path, doc.content_type, self.ctx.docs.root)
        size = path.stat().st_size
        headers = {"Content-Type": content_type}
        if encoded:
            headers["Content-Encoding"] = "gzip"
        body = FileBody(path, size)
        if self.faults.take("truncated_gzip", operation):
            body.length = max(1, min(size - 9, size // 2))  # always loses the gzip trailer
        if self.faults.take("drop_connection", operation):
            body.drop_after = body.length // 2
        return Response(200, headers, file=body)

    # ---- fault control ---------------------------------------------------------
    def _faults(self, req: Request) -> Response:
        if req.method == "GET":
            return json_response(200, {"armed": self.faults.armed()})
        if req.method == "DELETE":
            self.faults.clear()
            return json_response(204, None)
        if req.method != "POST":
            return _method_not_allowed(req, ("GET", "POST", "DELETE"))
        try:
            spec = parse_json(req.body or b"{}")
            if not isinstance(spec, dict) or "fault" not in spec:
                raise FaultError('body must be a JSON object with a "fault" name')
            params = {k: v for k, v in spec.items() if k not in ("fault", "operation", "count")}
            self.faults.inject(spec["fault"], spec.get("operation"), spec.get("count", 1), **params)
        except (ValueError, FaultError, TypeError) as e:
            return json_response(400, invalid(f"Invalid fault: {e}", f"Known faults: {', '.join(FAULTS)}").body())
        return json_response(201, {"armed": self.faults.armed()})

    def _clock(self, req: Request) -> Response:
        """GET: the sandbox's present. POST {"now": ISO 8601 | null}: travel there (null: back to real time)."""
        if req.method == "POST":
            try:
                spec = parse_json(req.body or b"{}")
                moment = spec.get("now") if isinstance(spec, dict) else None
                if not isinstance(spec, dict) or not isinstance(moment, (str, type(None))):
                    raise BodyError('the body must be {"now": "<ISO 8601>" | null}')
                self.ctx.travel_to(parse_time(moment, "now") if moment else None)
            except BodyError as e:
                return json_response(400, invalid(f"Invalid clock request: {e}").body())
            except ApiError as e:
                return json_response(e.status, e.body())
        elif req.method != "GET":
            return _method_not_allowed(req, ("GET", "POST"))
        return json_response(200, {"now": self.ctx.now().isoformat()})

    # ---- SP-API ------------------------------------------------------------------
    def _spapi(self, req: Request) -> Response:
        route = match_route(self.ops, req.method, req.path)
        if route is None:
            allowed = sorted({o.method for o in self.ops.values() if o.pattern.match(req.path)})
            resp = _method_not_allowed(req, allowed) if allowed else \
                json_response(404, not_found(f"No operation serves {req.method[:20]} {req.path[:200]}").body())
            self._log(None, req, None, resp.status)
            return resp
        op, path_params = route
        rate_header = {"x-amzn-RateLimit-Limit": f"{self.limiter.applied_rate(op.id):g}"}
        body: Any = None
        tenant = None
        try:
            tenant = self.tokens.check(req.headers.get("x-amz-access-token"), req.method, req.path)
            if op.id == "getReportDocument":  # a restricted report's document needs a Restricted Data Token
                self.reports_of[tenant].check_restricted(
                    path_params.get("reportDocumentId", ""),
                    self.tokens.is_restricted(req.headers.get("x-amz-access-token")))
            if self.faults.take("throttle", op.id) or not self.limiter.allow(op.id, tenant):
                raise ApiError(*QUOTA_EXCEEDED)
            failure = self.faults.take("server_error", op.id)
            if failure:
                status = int(failure.params.get("status", 500))
                raise ApiError(status, "InternalFailure" if status == 500 else "ServiceUnavailable",
                               "We encountered an internal error. Please try again." if status == 500
                               else "Service temporarily unavailable. Please try again.")
            if req.method in ("POST", "PUT"):
                body = self._json_body(req)
                check_body(op.id, body)
            status, payload = self._dispatch(tenant, op.id, path_params, req.query, body)
            resp = json_response(status, payload, rate_header)
            lost = self.faults.take("lost_response", op.id)
            if lost:  # done, but the caller never learns it
                resp = json_response(500, ApiError(500, "InternalFailure", "We encountered an internal error. "
                                                   "Please try again.").body(), rate_header)
                resp.drop = bool(lost.params.get("drop", False))
        except ApiError as e:
            resp = json_response(e.status, e.body(), rate_header)
        self._log(op.id, req, body, resp.status, tenant)
        return resp

    @staticmethod
    def _json_body(req: Request) -> dict:
        ctype = req.headers.get("content-type", "")
        if ctype and not ctype.startswith(JSON_TYPE):
            raise ApiError(415, "UnsupportedMediaType", f"Content-Type {ctype} is not supported; send {JSON_TYPE}")
        try:
            body = parse_json(req.body or b"null")
        except BodyError as e:
            raise invalid(f"The request body is not valid JSON: {e}") from None
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object")
        return body

    def _dispatch(self, tenant: str, op: str, p: dict[str, str], query: dict[str, list[str]],
                  body: Any) -> tuple[int, Any]:
        r, dk = self.reports_of[tenant], self.datakiosk_of[tenant]
        handlers = {
            "getReports": lambda: r.get_reports(query),
            "createReport": lambda: r.create_report(body),
            "getReport": lambda: r.get_report(p.get("reportId", "")),
            "cancelReport": lambda: r.cancel_report(p.get("reportId", "")),
            "getReportSchedules": lambda: r.get_schedules(query),
            "createReportSchedule": lambda: r.create_schedule(body),
            "getReportSchedule": lambda: r.get_schedule(p.get("reportScheduleId", "")),
            "cancelReportSchedule": lambda: r.cancel_schedule(p.get("reportScheduleId", "")),
            "getReportDocument": lambda: r.get_report_document(p.get("reportDocumentId", ""), query),
            "getQueries": lambda: dk.get_queries(query),
            "createQuery": lambda: dk.create_query(body),
            "getQuery": lambda: dk.get_query(p.get("queryId", "")),
            "cancelQuery": lambda: dk.cancel_query(p.get("queryId", "")),
            "getDocument": lambda: self._dk_document(dk, p.get("documentId", "")),
            "createRestrictedDataToken": lambda: self._rdt(body, tenant),
        }
        return handlers[op]()

    def _dk_document(self, dk: DataKioskApi, document_id: str) -> tuple[int, dict]:
        if self.ctx.docs.get(document_id) is None:
            raise not_found(f"Document {document_id} not found")
        dk.check_document(document_id)
        expired = self.faults.take("expire_url", "getDocument") is not None
        url = self.ctx.docs.sign(self.ctx.base_url, document_id, expired=expired)
        return 200, {"documentId": document_id, "documentUrl": url}

    def _rdt(self, body: dict, tenant: str) -> tuple[int, dict]:
        resources = body.get("restrictedResources")
        if not isinstance(resources, list) or not resources:
            raise ApiError(400, "InvalidInput", "Request is missing or has invalid parameters",
                           "restrictedResources must be a non-empty list")
        if len(resources) > 50:
            raise invalid("Request is missing or has invalid parameters", "At most 50 restrictedResources")
        for res in resources:
            if not isinstance(res, dict) or res.get("method") not in RDT_METHODS or not res.get("path"):
                raise invalid("Request is missing or has invalid parameters",
                              f"Each restricted resource needs a method ({', '.join(RDT_METHODS)}) and a path")
        token, expires = self.tokens.restricted(resources, tenant)
        return 200, {"restrictedDataToken": token, "expiresIn": expires}

    def _log(self, operation: str | None, req: Request, body: Any, status: int, tenant: str | None = None) -> None:
        entry = {"operation": operation, "method": req.method, "path": req.path, "query": req.query,
                 "json": body, "status": status, "tenant": tenant, "at": time.monotonic()}
        with self._log_lock:
            self.request_log.append(entry)
