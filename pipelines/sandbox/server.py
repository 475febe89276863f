"""The local SP-API sandbox: a real HTTP server on loopback.

>>> from pipelines.sandbox.server import SandboxConfig, SandboxServer
>>> with SandboxServer(SandboxConfig(processing_delay=0.1)) as sb:
...     sb.url.startswith("http://127.0.0.1:")
True

Everything lives at the root: SP-API paths as in the official models, LWA at
``/auth/o2/token``, documents at the URLs the API hands out, fault control at
``/_sandbox/faults``. ``sb.inject(fault, operation=None, count=1, **params)``
arms a fault (see ``pipelines.sandbox.faults.FAULTS``).

Reports expected to exceed ``SandboxConfig.process_render_rows`` rows render in
a "spawn" worker process (the server stays responsive and the caller keeps its
GIL); as with any ``multiprocessing`` use, a script that starts the sandbox
must guard its entry point with ``if __name__ == "__main__":``.
"""
from __future__ import annotations

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pipelines.sandbox.app import Request, Response, SandboxApp, json_response
from pipelines.sandbox.config import SandboxConfig
from pipelines.sandbox.datakiosk import EngineFactory
from pipelines.sandbox.faults import Fault

__all__ = ["SandboxConfig", "SandboxServer"]

CHUNK = 256 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response carries Content-Length
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid the 40 ms delayed-ACK stall
    server_version = "spapi-sandbox"
    app: SandboxApp  # set on the per-server subclass

    def log_message(self, format, *args):  # noqa: A002 - quiet; the app keeps a request log
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                      {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            resp = self.app.handle(req)
        except Exception as e:  # a sandbox bug must still answer like SP-API would
            resp = json_response(500, {"errors": [{"code": "InternalFailure",
                                                   "message": f"Sandbox error: {type(e).__name__}: {e}"}]})
        self._write(resp)

    def _write(self, resp: Response) -> None:
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if resp.file is None:
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if resp.body:
                self.wfile.write(resp.body)
            return
        f = resp.file
        self.send_header("Content-Length", str(f.length))
        self.end_headers()
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

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class SandboxServer:
    """Starts a ThreadingHTTPServer in a background thread (``port=0`` picks a free port)."""

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0,
                 engine_factory: EngineFactory | None = None):
        self.config = config or SandboxConfig()
        self.app = SandboxApp(self.config, engine_factory)
        handler = type("SandboxHandler", (_Handler,), {"app": self.app})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.app.ctx.base_url = self.url
        self._thread: threading.Thread | None = None

    @property
    def request_log(self) -> list[dict]:
        """Every SP-API call: ``{operation, method, path, query, json, status}``."""
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
