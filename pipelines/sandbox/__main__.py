"""Run the sandbox until Ctrl-C: ``python -m pipelines.sandbox --port 0`` (console script ``spapi-sandbox``).

``--account NAME[:MARKETPLACE_ID,...][:vendor]`` (repeatable) serves several
selling-partner accounts, each opened with its own refresh token (printed).
"""
from __future__ import annotations

import argparse
import threading

from pipelines.sandbox.config import Tenant
from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, tenant_credentials
from pipelines.sandbox.seller import MARKETPLACES
from pipelines.sandbox.server import SandboxConfig, SandboxServer


def parse_account(value: str) -> Tenant:
    """``NAME[:MARKETPLACE_ID,...][:vendor]`` as a sandbox account (all marketplaces when none are given).

    >>> parse_account("brand-eu:A1PA6795UKMFR9:vendor")
    Tenant(name='brand-eu', marketplace_ids=('A1PA6795UKMFR9',), vendor=True)
    """
    name, *rest = value.split(":")
    vendor = bool(rest) and rest[-1] == "vendor"
    rest = rest[:-1] if vendor else rest
    if not name or len(rest) > 1:
        raise argparse.ArgumentTypeError(f"{value!r}: expected NAME[:MARKETPLACE_ID,...][:vendor]")
    ids = tuple(m for m in rest[0].split(",") if m) if rest else tuple(MARKETPLACES)
    unknown = [m for m in ids if m not in MARKETPLACES]
    if unknown or not ids:
        raise argparse.ArgumentTypeError(f"{value!r}: marketplace ids {unknown or 'missing'}; "
                                         f"known: {', '.join(MARKETPLACES)}")
    return Tenant(name, ids, vendor)


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
    p.add_argument("--account", type=parse_account, action="append", default=[], metavar="NAME[:IDS][:vendor]",
                   help="serve this account (repeatable; instead of the one default account)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    config = SandboxConfig(seed=a.seed, orders_per_day=a.orders_per_day, skus=a.skus, time_scale=a.time_scale,
                           processing_delay=a.processing_delay, document_ttl=a.document_ttl,
                           dk_page_records=a.dk_page_records, vendor=a.vendor and not a.account,
                           tenants=tuple(a.account))
    with SandboxServer(config, host=a.host, port=a.port) as sb:
        print(f"SP-API sandbox listening on {sb.url}  (LWA: {sb.lwa_url})", flush=True)
        print(f"  SPAPI_ENDPOINT={sb.url} SPAPI_LWA_ENDPOINT={sb.lwa_url}", flush=True)
        print(f"  SPAPI_CLIENT_ID={SANDBOX_CLIENT_ID} SPAPI_CLIENT_SECRET={SANDBOX_CLIENT_SECRET}", flush=True)
        for t in config.accounts:
            role = "vendor" if t.vendor else "seller"
            print(f"  account {t.name} ({role}, {','.join(t.marketplace_ids)}): "
                  f"SPAPI_REFRESH_TOKEN='{tenant_credentials(t.name)[2]}'", flush=True)
        print("Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
