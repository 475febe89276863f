"""Test doubles: a scriptable fake Amazon (LWA + SP-API + document host) behind httpx.MockTransport.

Every SP-API request the client sends is checked against the official models
(tests.contract.check_request); a test fails at teardown if any request was invalid.
Responses are queued per operationId with ``fake.on(op, resp, ...)``; documents
are registered with ``fake.document(...)`` and may be preceded by faults.
"""
from __future__ import annotations

import gzip
import itertools
import json
from collections import defaultdict, deque
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx

from pipelines.spapi.config import SpApiConfig
from tests.contract import check_request, check_response

CLIENT_ID = "amzn1.application-oa2-client.test"
CLIENT_SECRET = "SECRET-do-not-leak-123"
REFRESH_TOKEN = "Atzr|REFRESH-do-not-leak-456"
API = "https://sellingpartnerapi-na.amazon.com"
LWA = "https://api.amazon.com/auth/o2/token"
DOC_HOST = "https://tortuga-prod-na.s3-external-1.amazonaws.com"


def ok(body: object = None, status: int = 200, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"x-amzn-RequestId": "req-ok", **(headers or {})})


def err(status: int, code: str, message: str, details: str | None = None, request_id: str = "req-err",
        headers: dict | None = None) -> httpx.Response:
    entry = {"code": code, "message": message}
    if details:
        entry["details"] = details
    return httpx.Response(status, json={"errors": [entry]},
                          headers={"x-amzn-RequestId": request_id, **(headers or {})})


class DroppingStream(httpx.SyncByteStream):
    """A body that sends ``data`` and then fails like a connection closed mid-transfer."""

    def __init__(self, data: bytes):
        self.data = data

    def __iter__(self):
        yield self.data
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeAmazon:
    def __init__(self) -> None:
        self.queues: dict[str, deque] = defaultdict(deque)
        self.defaults: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.calls: list[tuple[str, httpx.Request]] = []  # (operationId | "lwa" | "document", request)
        self.spec_problems: list[str] = []
        self.token_lifetime = 3600
        self.valid_tokens: set[str] = set()
        self.expired_tokens: set[str] = set()
        self.lwa_queue: deque = deque()
        self.lwa_down: Callable[[httpx.Request], httpx.Response] | None = None  # answers every LWA request
        self.docs: dict[str, deque] = {}
        self._ids = itertools.count(1)

    # -- scripting -------------------------------------------------------------------
    def on(self, operation: str, *responses) -> None:
        self.queues[operation].extend(responses)

    def document(self, name: str, content: bytes, *, content_type: str | None = "text/plain;charset=UTF-8",
                 gzip_it: bool = True, content_encoding: str | None = None, faults: tuple = ()) -> str:
        """Register a document; returns its presigned URL. faults: "expired" | "drop" | "truncated" | "error500"."""
        body = gzip.compress(content) if (gzip_it or content_encoding == "gzip") else content
        headers = {}
        if content_type:
            headers["content-type"] = content_type
        if content_encoding:
            headers["content-encoding"] = content_encoding
        expired = (b'<?xml version="1.0"?><Error><Code>AccessDenied</Code>'
                   b"<Message>Request has expired</Message></Error>")
        makers = {
            "expired": lambda: httpx.Response(403, content=expired, headers={"content-type": "application/xml"}),
            "drop": lambda: httpx.Response(200, headers={**headers, "content-length": str(len(body))},
                                           stream=DroppingStream(body[: len(body) // 2])),
            "truncated": lambda: httpx.Response(200, headers=headers, stream=httpx.ByteStream(body[: len(body) // 2])),
            "error500": lambda: httpx.Response(500, content=b"<Error><Code>InternalError</Code></Error>"),
        }
        queue = deque(makers[fault] for fault in faults)
        # a real body is a stream read once, as from a socket (not a pre-read httpx.Response)
        queue.append(lambda: httpx.Response(200, headers=headers, stream=httpx.ByteStream(body)))
        self.docs[name] = queue
        return f"{DOC_HOST}/{name}?X-Amz-Signature=SIGNATURE-secret&X-Amz-Expires=300"

    def expire_tokens(self) -> None:
        self.expired_tokens |= self.valid_tokens
        self.valid_tokens = set()

    def ops(self) -> list[str]:
        return [op for op, _ in self.calls]

    # -- the transport handler -------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.startswith(LWA):
            return self._lwa(request)
        if url.startswith(DOC_HOST):
            return self._document(request)
        assert url.startswith(API), f"request to an unexpected host: {request.url.host}"
        query = dict(parse_qsl(request.url.query.decode()))
        body = request.content or None
        operation, problems = check_request(request.method, request.url.path, query, body)
        self.spec_problems += [f"{operation}: {p}" for p in problems]
        for header in ("x-amz-access-token", "x-amz-date", "user-agent"):
            if not request.headers.get(header):
                self.spec_problems.append(f"{operation}: header {header} missing")
        self.calls.append((operation, request))
        token = request.headers.get("x-amz-access-token")
        if token in self.expired_tokens:
            return err(403, "Unauthorized", "Access to requested resource is denied.",
                       "The access token you provided has expired.", request_id="req-expired")
        if token not in self.valid_tokens and not token.startswith("Atz.rdt"):
            return err(403, "Unauthorized", "Access to requested resource is denied.",
                       "The access token you provided is revoked, malformed or invalid.")
        if self.queues[operation]:
            item = self.queues[operation].popleft()
            response = item(request) if callable(item) else item
        elif operation in self.defaults:
            response = self.defaults[operation](request)
        else:
            return err(500, "InternalFailure", f"test did not script a response for {operation}")
        # the scripted answers must look like Amazon's, or the tests prove nothing
        if response.headers.get("content-type", "").startswith("application/json") and response.status_code not in (502, 504):
            # 502/504 come from gateways in front of SP-API and are not in the models
            self.spec_problems += [f"{operation} (fake): {p}" for p in
                                   check_response(operation, response.status_code, json.loads(response.content))]
        return response

    def _lwa(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(("lwa", request))
        form = dict(parse_qsl(request.content.decode()))
        assert request.method == "POST"
        assert form == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN,
                        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        if self.lwa_queue:
            return self.lwa_queue.popleft()
        if self.lwa_down is not None:
            return self.lwa_down(request)
        token = f"Atza|access-{next(self._ids)}"
        self.valid_tokens.add(token)
        return httpx.Response(200, json={"access_token": token, "token_type": "bearer",
                                         "expires_in": self.token_lifetime, "refresh_token": REFRESH_TOKEN})

    def _document(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(("document", request))
        if "x-amz-access-token" in request.headers:
            self.spec_problems.append("document download sent x-amz-access-token")
        name = request.url.path.lstrip("/")
        queue = self.docs[name]
        make = queue.popleft() if len(queue) > 1 else queue[0]
        return make()


def config(**overrides) -> SpApiConfig:
    settings = dict(endpoint=API, poll_initial=0.01, poll_max=0.08, poll_timeout=30.0,
                    max_retries=4, max_retry_seconds=120.0, backoff_base=0.01, backoff_max=0.1)
    settings.update(overrides)
    return SpApiConfig(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, **settings)



def json_of(request: httpx.Request) -> dict:
    return json.loads(request.content)
