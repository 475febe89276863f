"""Run the sandbox until Ctrl-C: ``python -m pipelines.sandbox --port 0`` (console script ``spapi-sandbox``)."""
from __future__ import annotations

import argparse
import threading

from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.server import SandboxConfig, SandboxServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="spapi-sandbox", description="Local SP-API sandbox (Reports, Data Kiosk, "
                                "Tokens, LWA) over a deterministic synthetic seller.")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (0 = a free port; default 0)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--orders-per-day", type=int, default=40, help="US orders per day (DE/JP get a share)")
    p.add_argument("--skus", type=int, default=24)
    p.add_argument("--time-scale", type=float, default=1.0, help="multiply official rate limits by this")
    p.add_argument("--processing-delay", type=float, default=1.0, help="seconds a report/query is processing")
    p.add_argument("--document-ttl", type=float, default=300.0, help="seconds a document URL stays valid")
    p.add_argument("--dk-page-records", type=int, default=1000, help="Data Kiosk records per document page")
    p.add_argument("--vendor", action="store_true", help="the account is a vendor")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    config = SandboxConfig(seed=a.seed, orders_per_day=a.orders_per_day, skus=a.skus, time_scale=a.time_scale,
                           processing_delay=a.processing_delay, document_ttl=a.document_ttl,
                           dk_page_records=a.dk_page_records, vendor=a.vendor)
    with SandboxServer(config, host=a.host, port=a.port) as sb:
        print(f"SP-API sandbox listening on {sb.url}  (LWA: {sb.lwa_url})", flush=True)
        print(f"  SPAPI_ENDPOINT={sb.url} SPAPI_LWA_ENDPOINT={sb.lwa_url}", flush=True)
        print(f"  SPAPI_CLIENT_ID={SANDBOX_CLIENT_ID} SPAPI_CLIENT_SECRET={SANDBOX_CLIENT_SECRET} "
              f"SPAPI_REFRESH_TOKEN='{SANDBOX_REFRESH_TOKEN}'", flush=True)
        print("Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
