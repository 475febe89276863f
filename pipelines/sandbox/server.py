"""The local SP-API sandbox: a real HTTP server on loopback.

>>> from pipelines.sandbox.server import SandboxConfig, SandboxServer
>>> with SandboxServer(SandboxConfig(processing_delay=0.1)) as sb:
...     sb.url.startswith("http://127.0.0.1:")
True

Everything lives at the root: SP-API paths as in the official models, LWA at
``/auth/o2/token``, documents at the URLs the API hands out, fault control at
``/_sandbox/faults``. ``sb.inject(fault, operation=None, count=1, **params)``
arms a fault (see ``pipelines.sandbox.faults.FAULTS``).

Like Amazon's front door, the server survives hostile input: a connection that
stalls longer than ``SandboxConfig.connection_timeout`` is closed, a body larger
than ``max_body_bytes`` is refused (413) unread, chunked or unsized bodies get
411, and every method the stdlib would answer with its HTML 501 reaches the app,
which answers in the SP-API errors shape (405/404); HEAD answers carry no body.

Reports expected to exceed ``SandboxConfig.process_render_rows`` rows render in
a "spawn" worker process (the server stays responsive and the caller keeps its
GIL); as with any ``multiprocessing`` use, a script that starts the sandbox
must guard its entry point with ``if __name__ == "__main__":``.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pipelines.sandbox.app import Request, Response, SandboxApp
from pipelines.sandbox.config import SandboxConfig
from pipelines.sandbox.datakiosk import EngineFactory
from pipelines.sandbox.errors import ApiError, invalid
from pipelines.sandbox.faults import Fault

__all__ = ["SandboxConfig", "SandboxServer"]

CHUNK = 256 * 1024
BODY_METHODS = ("POST", "PUT", "PATCH")
_LENGTH = re.compile(r"[0-9]+")
log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response carries Content-Length
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid the 40 ms delayed-ACK stall
    server_version = "spapi-sandbox"
    # Set on the per-server subclass. ``timeout`` (StreamRequestHandler applies it to the socket)
    # bounds every wait for the client: an idle keep-alive, a request line, headers, a body, a write.
    app: SandboxApp
    timeout: float
    max_body: int

    def log_message(self, format, *args):  # noqa: A002 - quiet; the app keeps a request log
        pass

    def __getattr__(self, name: str):
        # Every method, FOO and TRACE included, reaches the app (405/404 in the errors shape)
        # instead of the stdlib's HTML 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._write(refusal)
            return
        try:
            body = self._read_body(int(self.headers.get("Content-Length") or 0))
        except TimeoutError:
            self.close_connection = True
            self._write(self._refuse(ApiError(408, "RequestTimeout", "The request body did not arrive in time.",
                                              f"The sandbox waits {self.timeout:g} s for a body.")))
            return
        if body is None:  # the client hung up mid-body
            self.close_connection = True
            return
        try:
            parts = urlsplit(self.path)
        except ValueError as e:  # e.g. an absolute-form target with a broken IPv6 host
            self._write(self._refuse(invalid(f"Invalid request target: {e}")))
            return
        req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                      {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            resp = self.app.handle(req)
        except Exception:  # a sandbox bug: answer like SP-API would, keep the traceback for the log
            log.exception("sandbox failed on %s %s", self.command, parts.path)
            resp = self._refuse(ApiError(500, "InternalFailure", "We encountered an internal error. Please try again."))
        self._write(resp)

    def _refuse(self, error: ApiError) -> Response:
        return self.app.refuse(self.path.split("?", 1)[0], error)

    def _refusal(self) -> Response | None:
        """The answer to a request whose body cannot or must not be read (the connection then closes)."""
        lengths = self.headers.get_all("Content-Length") or []
        error = None
        if self.headers.get("Transfer-Encoding") is not None:
            error = ApiError(411, "LengthRequired", "Send the request body with a Content-Length header.",
                             "Chunked transfer encoding is not supported.")
        elif len(set(lengths)) > 1 or (lengths and not _LENGTH.fullmatch(lengths[0].strip())):
            error = invalid(f"Invalid Content-Length {', '.join(lengths)[:40]!r}",
                            "Give one Content-Length: the body's size in bytes.")
        elif lengths and (len(lengths[0].strip()) > 18 or int(lengths[0]) > self.max_body):
            error = ApiError(413, "RequestEntityTooLarge", "The request size exceeded the maximum accepted size.",
                             f"A request body may have at most {self.max_body} bytes; this one declares "
                             f"{lengths[0].strip()[:40]}.")
        elif not lengths and self.command in BODY_METHODS:
            error = ApiError(411, "LengthRequired", "Send the request body with a Content-Length header.",
                             f"A {self.command} request needs a Content-Length (0 for no body).")
        if error is None:
            return None
        self.close_connection = True
        return self._refuse(error)

    def handle_expect_100(self) -> bool:
        refusal = self._refusal()
        if refusal is not None:  # refuse before the client sends a body that would not be read
            self._write(refusal)
            return False
        return super().handle_expect_100()

    def _read_body(self, length: int) -> bytes | None:
        """``length`` bytes within ``timeout`` seconds in all (TimeoutError); None if the client hangs up."""
        chunks, got = [], 0
        deadline = time.monotonic() + self.timeout
        try:
            while got < length:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.connection.settimeout(left)
                chunk = self.rfile.read1(length - got)
                if not chunk:
                    return None
                chunks.append(chunk)
                got += len(chunk)
        except TimeoutError:
            raise
        except OSError:
            return None
        finally:
            self.connection.settimeout(self.timeout)
        return b"".join(chunks)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own refusals (bad request line, URI or headers too long, HTTP version) in the
        errors shape; the protocol error is the client's, so never a 5xx."""
        status = code if code < 500 else 400
        short = self.responses.get(code, ("Bad Request",))[0]
        code_name = "InvalidInput" if status == 400 else short.replace(" ", "").replace("-", "")
        self.close_connection = True
        if getattr(self, "request_version", "") == "HTTP/0.9":
            self.request_version = ""  # a garbled request line gets a status line, not a bare HTTP/0.9 body
        self._write(self.app.refuse(str(getattr(self, "path", "")).split("?", 1)[0],
                                    ApiError(status, code_name, message or short, explain)))

    def _write(self, resp: Response) -> None:
        if resp.drop:  # the request took effect; the client sees the connection close unanswered
            self.close_connection = True
            return
        try:
            self._send(resp)
        except OSError:  # the client went away, or stopped reading for longer than the timeout
            self.close_connection = True

    def _send(self, resp: Response) -> None:
        head = self.command == "HEAD"  # headers as for the body, never the body itself
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        if resp.file is None:
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if resp.body and not head:
                self.wfile.write(resp.body)
            return
        f = resp.file
        self.send_header("Content-Length", str(f.length))
        self.end_headers()
        if head:
            return
        limit = f.length if f.drop_after is None else f.drop_after
        sent = 0
        with open(f.path, "rb") as src:
            while sent < limit:
                chunk = src.read(min(CHUNK, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
        if f.drop_after is not None:
            self.wfile.flush()
            self.close_connection = True  # the client sees the body end early


class SandboxServer:
    """Starts a ThreadingHTTPServer in a background thread (``port=0`` picks a free port)."""

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0,
                 engine_factory: EngineFactory | None = None):
        self.config = config or SandboxConfig()
        self.app = SandboxApp(self.config, engine_factory)
        handler = type("SandboxHandler", (_Handler,), {"app": self.app, "timeout": self.config.connection_timeout,
                                                       "max_body": self.config.max_body_bytes})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.app.ctx.base_url = self.url
        self._thread: threading.Thread | None = None

    @property
    def request_log(self) -> list[dict]:
        """Every SP-API call: ``{operation, method, path, query, json, status, tenant, at}`` (``tenant``:
        the account that called, None when the token opened none; ``at``: ``time.monotonic()``)."""
        return self.app.request_log

    @property
    def lwa_url(self) -> str:
        return self.url + "/auth/o2/token"

    def inject(self, fault: str, operation: str | None = None, count: int | None = 1, **params) -> Fault:
        """Arm a fault (``FaultError`` for an unknown name or bad parameter)."""
        return self.app.faults.inject(fault, operation, count, **params)

    def travel_to(self, moment: datetime | None) -> None:
        """Make ``moment`` the sandbox's present, e.g. the morning after a day whose late
        orders are still pending (None: back to the real time). Also POST /_sandbox/clock."""
        self.app.ctx.travel_to(moment)

    def start(self) -> "SandboxServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name=f"spapi-sandbox-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        self.app.close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
