"""Concurrent-writers benchmark: 8 sources × 3 accounts landed at once on a DuckLake
vs one after another on a DuckDB file, same documents, same run; the speed-up is
the file's wall time over the lake's.

The documents are rendered beforehand by the sandbox's own report generators (one
US day of each source, decoded to UTF-8 as the client does) and cached under
``data/bench/lake/``, so no API call is timed: only landing is. Every (source,
account) landing is its own process on the lake, as Dagster's multiprocess executor
runs steps; on the file they take its single write slot in turn (one process lands
them all: the lock would queue 24 processes the same way). Processes are started,
imported and connected, and the tables created, before the clock starts. The lake's catalog is a throwaway
PostgreSQL (``pipelines.local_postgres``); its Parquet files go to a temp folder.

``python -m pipelines.bench_lake`` runs it alone; ``make bench`` runs it after the landing benchmark.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

US = "ATVPDKIKX0DER"
SOURCES = ("all_orders_by_order_date", "all_orders_by_last_update", "archived_orders", "ledger_detail_view",
           "amazon_fulfilled_shipments", "fba_shipment_promotions", "fba_customer_returns", "seller_feedback")
ACCOUNTS = ("brand-a", "brand-b", "brand-c")
DAY = date(2025, 1, 14)


@dataclass(frozen=True)
class Job:
    source: str  # catalog entry name
    account: str
    document: Path


def window() -> tuple[datetime, datetime]:
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def documents(folder: Path, orders_per_day: int) -> dict[str, Path]:
    """One UTF-8 document per source for the US day, rendered by the sandbox (cached)."""
    from .catalog import entry
    from .sandbox.render import render_report
    from .sandbox.server import SandboxConfig
    from .spapi.documents import charset_of

    folder = folder / f"lake-{orders_per_day}"
    folder.mkdir(parents=True, exist_ok=True)
    seller = SandboxConfig(orders_per_day=orders_per_day, marketplace_ids=(US,)).new_seller()
    start, end = window()
    paths = {}
    for name in SOURCES:
        path = folder / f"{name}.txt"
        if not path.exists():
            e = entry(name)
            request = e.request(start, end, None, US)
            gz = folder / f"{name}.gz"
            rendered = render_report(seller, e.report_type, [US], request.start, request.end, request.options or {},
                                     gz, now=end + timedelta(days=5))
            with gzip.open(gz, "rt", encoding=charset_of(rendered.content_type) or "utf-8", newline="") as src, \
                    open(path.with_suffix(".tmp"), "w", encoding="utf-8", newline="") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            gz.unlink()
            path.with_suffix(".tmp").rename(path)
        paths[name] = path
    return paths


def land(wh, job: Job) -> int:
    """Land one document as the sync does (window replace in one transaction); its rows."""
    from .catalog import entry
    from .sync import dialect
    from .warehouse import Lineage, Replace

    e = entry(job.source)
    start, end = window()
    lineage = Lineage(job.account, US, f"BENCH-{job.source}", start, end, "sandbox")
    return wh.land(e.table, job.document, e.columns, fmt=e.format, lineage=lineage,
                   replace=Replace.window(e.cursor, start, end, US), row_numbers=e.row_numbers,
                   dialect=dialect(e)).rows


def _worker(path: Path, lake, jobs: list[Job], ready, start, results) -> None:
    """Connect, say ready, wait for the start, land ``jobs`` in order; report rows and conflict retries."""
    from .warehouse import Warehouse

    logging.getLogger("pipelines.spapi").setLevel(logging.ERROR)  # a line per conflict retry: counted instead
    retries = []
    wh = Warehouse(path, lake=lake, sleep=lambda s: (retries.append(s), time.sleep(s)))
    wh.tables()  # connect (and on a lake, attach) before the clock starts
    ready.release()
    start.wait()
    rows = sum(land(wh, job) for job in jobs)
    results.put({"rows": rows, "retries": len(retries)})


def timed(batches: list[list[Job]], path: Path, lake) -> dict:
    """Wall time of every batch landing at once, each in its own process (its jobs in order).
    The tables exist beforehand, as on any day but the first: an account outside the
    benchmark lands every document first, untimed."""
    from .warehouse import Warehouse

    warm = Warehouse(path, lake=lake)
    for source in SOURCES:
        land(warm, Job(source, "warm-up", batches[0][0].document.with_name(f"{source}.txt")))
    ctx = multiprocessing.get_context("spawn")
    ready, start, results = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(path, lake, batch, ready, start, results)) for batch in batches]
    for p in procs:
        p.start()
    started = 0
    while started < len(procs):
        if ready.acquire(timeout=1):
            started += 1
        elif any(p.exitcode not in (None, 0) for p in procs):
            for p in procs:
                p.kill()
            raise RuntimeError("a benchmark process failed before the start (its error is above)")
    t0 = time.perf_counter()
    start.set()
    done = [results.get(timeout=1800) for _ in procs]
    seconds = time.perf_counter() - t0
    for p in procs:
        p.join(60)
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"a benchmark process failed: exit codes {[p.exitcode for p in procs]}")
    return {"seconds": round(seconds, 2), "rows": sum(d["rows"] for d in done),
            "conflict_retries": sum(d["retries"] for d in done), "processes": len(procs)}


def run(data_dir: Path, orders_per_day: int = 10_000) -> dict:
    """Both timings and their ratio (file seconds / lake seconds)."""
    from .local_postgres import local_postgres
    from .warehouse import Warehouse

    docs = documents(data_dir, orders_per_day)
    jobs = [Job(source, account, docs[source]) for source in SOURCES for account in ACCOUNTS]
    with tempfile.TemporaryDirectory(dir=data_dir, prefix="lake-run-") as tmp, local_postgres() as pg:
        work = Path(tmp)
        on_file = timed([jobs], work / "file.duckdb", None)
        lake = pg.new_lake(work / "lake")
        on_lake = timed([[job] for job in jobs], work / "lake.duckdb", lake)
        counts = [Warehouse(work / "file.duckdb").query(f'SELECT count(*) FROM "{t}"') for t in _tables()]
        if counts != [Warehouse(work / "lake.duckdb", lake=lake).query(f'SELECT count(*) FROM "{t}"')
                      for t in _tables()]:
            raise RuntimeError(f"the lake and the file hold different row counts: {counts}")
    if on_file["rows"] != on_lake["rows"]:  # (the tables also hold the warm-up account's rows)
        raise RuntimeError(f"landed {on_file['rows']} rows on the file but {on_lake['rows']} on the lake")
    return {"sources": len(SOURCES), "accounts": len(ACCOUNTS), "orders_per_day": orders_per_day,
            "cores": os.cpu_count(), "file_one_after_another": on_file, "lake_at_once": on_lake,
            "speedup": round(on_file["seconds"] / on_lake["seconds"], 2)}


def _tables() -> list[str]:
    from .catalog import entry

    return [entry(s).table for s in SOURCES]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench_lake", description=__doc__.splitlines()[0])
    p.add_argument("--orders-per-day", type=int, default=10_000)
    p.add_argument("--data-dir", type=Path, default=Path("data/bench"))
    args = p.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.data_dir, args.orders_per_day)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
