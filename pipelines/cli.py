"""Command line: ``spapi-sync demo`` and ``spapi-sync sync``.

``demo`` runs the whole sync once on the embedded defaults (the local sandbox
and data/sandbox.duckdb) and prints what landed. ``sync`` does the same against
whatever the environment configures (real credentials included), for a range
of days, without a Dagster daemon.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import date, timedelta

from pipelines.config import CREDENTIAL_VARS, Settings
from pipelines.warehouse import Warehouse, publish_path

SANDBOX_BANNER = """\
================================================================================
 NO SP-API CREDENTIALS SET: running against the embedded LOCAL SANDBOX
 (deterministic synthetic seller; nothing is sent to Amazon).
 Warehouse: {path}
 To use your Amazon account, set {vars}.
================================================================================"""


# Dagster's console logger at INFO: one line per step and our own log lines, not its DEBUG events.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_sync(days: int, end: date | None = None) -> tuple[dict[str, int], list[str]]:
    """Materialize every source for the last ``days`` days (ending yesterday), then
    every model. Returns the row count of each landed table and the failed checks."""
    from dagster import AssetSelection, DagsterInstance, materialize

    from assets.schedules import RANGE_END_TAG, RANGE_START_TAG
    from pipelines.definitions import build_definitions

    settings = Settings.from_env()
    if settings.sandbox:
        print(SANDBOX_BANNER.format(path=settings.warehouse_path, vars=", ".join(CREDENTIAL_VARS)), flush=True)
    defs = build_definitions(settings)
    last = (end or date.today()) - timedelta(days=1)
    first = max(last - timedelta(days=days - 1), settings.start_date)
    assets = list(defs.assets)
    resources = defs.resources
    partitioned = [a for a in assets if a.partitions_def is not None]
    unpartitioned_sources = [a for a in assets if a.partitions_def is None and a.group_names_by_key[a.key] != "models"]
    models = [a for a in assets if a.group_names_by_key[a.key] == "models"]
    with DagsterInstance.ephemeral() as instance:
        steps = [
            (f"windowed sources {first}..{last}", partitioned,
             {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}),
            ("snapshot and listed sources", unpartitioned_sources, {}),
            ("models", models, {}),
        ]
        failed_checks = []
        for label, selected, tags in steps:
            t0 = time.monotonic()
            print(f"-> {label}: {len(selected)} assets", flush=True)
            result = materialize(assets, resources=resources, instance=instance, tags=tags,
                                 selection=AssetSelection.assets(*selected), run_config=QUIET)
            failed_checks += [f"{c.asset_key.to_user_string()}.{c.check_name} {dict((k, v.value) for k, v in c.metadata.items())}"
                              for c in result.get_asset_check_evaluations() if not c.passed]
            print(f"   done in {time.monotonic() - t0:.1f}s", flush=True)
    return landed_tables(settings), failed_checks


def landed_tables(settings: Settings) -> dict[str, int]:
    wh = Warehouse(settings.warehouse_path)
    return {name: wh.row_count(name) for name in wh.tables()}


def print_tables(counts: dict[str, int]) -> None:
    width = max((len(n) for n in counts), default=10)
    print(f"\n{'table'.ljust(width)}  rows")
    for name, rows in counts.items():
        print(f"{name.ljust(width)}  {rows:>8,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spapi-sync", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="sync the last days from the local sandbox into data/sandbox.duckdb")
    demo.add_argument("--days", type=int, default=7)
    sync = sub.add_parser("sync", help="sync the last N days (ending yesterday) with the configured account")
    sync.add_argument("--days", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "demo" and any(os.environ.get(v) for v in CREDENTIAL_VARS):
        print("demo runs on the local sandbox only; unset SPAPI_CLIENT_ID/SECRET/REFRESH_TOKEN "
              "or use `spapi-sync sync`", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    counts, failed_checks = run_sync(args.days)
    print_tables(counts)
    empty = [n for n, c in counts.items() if c == 0]
    for failed in failed_checks:
        print(f"CHECK WARNING: {failed}")
    settings = Settings.from_env()
    print(f"\nsynced in {time.monotonic() - t0:.0f}s; {len(counts)} tables, "
          f"{sum(counts.values()):,} rows" + (f"; EMPTY: {', '.join(empty)}" if empty else "")
          + f"\nwarehouse: {settings.warehouse_path}   BI copy: {publish_path(settings.warehouse_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
