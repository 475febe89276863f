"""Landing benchmark: our typed landing vs DuckDB's own reader, same files, same run.

``python -m pipelines.bench`` (``make bench``) gets a GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL
document of >= 1,000,000 rows, then in separate subprocesses (so each peak-memory figure is that
process's own):

- ours: ``Warehouse.land`` of the file into the typed raw table, with lineage, in its transaction;
- ours_numbered: the same with ``_row_number`` filled (the settlements path; one reader thread);
- duckdb: ``CREATE TABLE AS SELECT * FROM read_csv(file)`` in a fresh database.

It does the same for a ~1,000,000-line Data Kiosk JSONL document (salesAndTrafficByAsin records)
against ``read_json``, then times many writers (``pipelines.bench_lake``: 8 sources × 3 accounts
landed at once on a DuckLake vs one after another on a DuckDB file). The last line printed is one
JSON object with every figure.

The orders document is a real report from the local sandbox, fetched through our client (gunzipped
and decoded as the pipeline does); it is cached under ``data/bench/``.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

from . import bench_lake
from .catalog import entry

US = "ATVPDKIKX0DER"
REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDERS = entry("all_orders_by_order_date")
BENCH_DAY = date(2025, 1, 14)
TARGET_PEAK_MB = 300
TARGET_RATIO = 0.5

DK_QUERY = "sales_and_traffic_by_child_asin"


def dk_spec():
    """The Data Kiosk query whose records the JSONL benchmark lands."""
    from .datakiosk_queries import load_queries

    return next(q for q in load_queries() if q.name == DK_QUERY)


def _day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dtime(), timezone.utc)
    return start, start + timedelta(days=1)


# ---- document sources ------------------------------------------------------------
def orders_tsv_from_sandbox(dest_dir: Path, orders_per_day: int, day: date = BENCH_DAY) -> Path:
    """Request the report from the local sandbox through our client, as the pipeline does."""
    from .sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
    from .sandbox.server import SandboxConfig, SandboxServer
    from .spapi.config import SpApiConfig
    from .spapi.http import SpApiClient
    from .spapi.reports import ReportsApi

    path = dest_dir / f"orders_sandbox_{orders_per_day}_{day.isoformat()}.tsv"
    if path.exists():
        return path
    start, end = _day_window(day)
    end -= timedelta(seconds=1)  # dataEndTime is inclusive, as in pipelines.sync
    cfg = SandboxConfig(orders_per_day=orders_per_day, marketplace_ids=(US,), time_scale=1000,
                        processing_delay=0.1)
    with SandboxServer(cfg, host="127.0.0.1", port=0) as sb, tempfile.TemporaryDirectory(dir=dest_dir) as tmp:
        conf = SpApiConfig(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN,
                           endpoint=sb.url, lwa_endpoint=sb.url + "/auth/o2/token",
                           poll_initial=0.5, poll_max=2.0, timeout=600.0)
        with SpApiClient(conf) as client:
            fetched = ReportsApi(client).fetch(REPORT, [US], start=start, end=end, dest_dir=Path(tmp))
        fetched.require_path(REPORT).rename(path)
    return path


def datakiosk_jsonl(dest_dir: Path, lines: int, day: date = BENCH_DAY) -> Path:
    """~``lines`` salesAndTrafficByAsin records, one JSON object per line (a Data Kiosk document)."""
    path = dest_dir / f"dk_sales_traffic_{lines}.jsonl"
    if path.exists():
        return path
    rng = random.Random(7)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for n in range(lines):
            units = rng.randrange(40)
            sessions = units * 3 + rng.randrange(50)
            price = round(units * 14.99, 2)
            f.write(json.dumps({
                "startDate": day.isoformat(), "endDate": day.isoformat(), "marketplaceId": US,
                "parentAsin": f"B0P{n // 3:07d}", "childAsin": f"B0{n:08d}",
                "sales": {"orderedProductSales": {"amount": price, "currencyCode": "USD"},
                          "shippedProductSales": {"amount": price, "currencyCode": "USD"},
                          "unitsOrdered": units, "unitsShipped": units, "unitsRefunded": 0, "refundRate": 0.0,
                          "ordersShipped": units, "totalOrderItems": units},
                "traffic": {"sessions": sessions, "browserSessions": sessions // 2,
                            "mobileAppSessions": sessions - sessions // 2, "sessionPercentage": 0.01,
                            "pageViews": sessions * 2, "browserPageViews": sessions,
                            "mobileAppPageViews": sessions, "pageViewsPercentage": 0.01,
                            "buyBoxPercentage": 100.0, "unitSessionPercentage": 12.5},
            }, separators=(",", ":")) + "\n")
    tmp.rename(path)
    return path


# ---- measurements (each in its own process) --------------------------------------
def _peak_mb() -> float:
    """This process's resident-memory high-water mark, in MiB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over execve, so a
    child would report the parent's peak (the parent builds the document)."""
    try:
        with open("/proc/self/status") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
        kib = kib // 1024 if sys.platform == "darwin" else kib
    return round(kib / 1024, 1)


def _child_ours(fmt: str, path: Path, db: Path, row_numbers: bool) -> dict:
    from .warehouse import Lineage, Replace, Warehouse

    start, end = _day_window(BENCH_DAY)
    wh = Warehouse(db)
    if fmt == "tsv":
        table, columns, replace = ORDERS.table, ORDERS.columns, Replace.window("purchase_date", start, end, US)
    else:
        spec = dk_spec()
        table, columns, replace = spec.table, spec.columns, Replace.window(spec.cursor, start, end, US)
    lineage = Lineage("bench", US, "BENCH-1", start, end, "sandbox")
    t0 = time.perf_counter()
    res = wh.land(table, path, columns, fmt=fmt, lineage=lineage, replace=replace, row_numbers=row_numbers)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = wh.land(table, path, columns, fmt=fmt, lineage=lineage, replace=replace,  # replaces the window
                    row_numbers=row_numbers)
    reland_seconds = time.perf_counter() - t1
    if not again.rows == res.rows == wh.row_count(table):
        raise SystemExit(f"re-landing changed the row count: {res.rows} then {again.rows}, "
                         f"table holds {wh.row_count(table)}")
    return {"rows": res.rows, "seconds": seconds, "reland_seconds": reland_seconds, "peak_rss_mb": _peak_mb(),
            "row_number_ok": _row_numbers_match(wh, table, path, fmt) if row_numbers else None}


def _row_numbers_match(wh, table: str, path: Path, fmt: str, sample: int = 2000) -> bool:
    """_row_number is the record's position in the file (checked on a sample of lines)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()[1 if fmt == "tsv" else 0:]
    picks = random.Random(3).sample(range(len(lines)), min(sample, len(lines)))
    key = "amazon_order_id, sku" if fmt == "tsv" else "child_asin, NULL"
    got = dict((r[0], r[1:]) for r in wh.query(
        f"SELECT _row_number, {key} FROM {table} WHERE _row_number IN ({','.join(str(i + 1) for i in picks)})"))
    for i in picks:
        if fmt == "tsv":
            fields = lines[i].split("\t")
            want = (fields[0], fields[10])
        else:
            want = (json.loads(lines[i])["childAsin"], None)
        if got.get(i + 1) != want:
            return False
    return True


def _child_duckdb(fmt: str, path: Path, db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db))
    reader = (f"read_csv('{path}', delim='\\t')" if fmt == "tsv"
              else f"read_json('{path}', format='newline_delimited')")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}")
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"rows": rows, "seconds": seconds, "peak_rss_mb": _peak_mb()}


def measure(who: str, fmt: str, path: Path, work_dir: Path) -> dict:
    """Run one measurement in a fresh interpreter and a fresh database file.
    ``who``: ours | ours_numbered (with _row_number, the settlements path) | duckdb."""
    db = work_dir / f"{who}_{fmt}.duckdb"
    leftovers = [db.with_name(db.name + suffix) for suffix in ("", ".wal", ".lock")]
    for stale in leftovers:
        stale.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-m", "pipelines.bench", "--child", who, fmt, str(path), str(db)],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = round(result["rows"] / result["seconds"])
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return result


def compare(fmt: str, path: Path, work_dir: Path) -> dict:
    # Read the file once first: whoever reads a just-written file first also pays
    # for its write-back and a cold cache, which would bias either figure.
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass
    duck = measure("duckdb", fmt, path, work_dir)
    ours = measure("ours", fmt, path, work_dir)
    numbered = measure("ours_numbered", fmt, path, work_dir)
    return {
        "rows": ours["rows"], "file_mb": round(path.stat().st_size / 2**20, 1),
        "ours_rows_per_s": ours["rows_per_s"], "duckdb_rows_per_s": duck["rows_per_s"],
        "ratio": round(ours["rows_per_s"] / duck["rows_per_s"], 3),
        "ours_seconds": round(ours["seconds"], 2), "duckdb_seconds": round(duck["seconds"], 2),
        "ours_reland_seconds": round(ours["reland_seconds"], 2),
        "ours_peak_rss_mb": ours["peak_rss_mb"], "duckdb_peak_rss_mb": duck["peak_rss_mb"],
        "numbered_rows_per_s": numbered["rows_per_s"],
        "numbered_ratio": round(numbered["rows_per_s"] / duck["rows_per_s"], 3),
        "numbered_peak_rss_mb": numbered["peak_rss_mb"],
        "row_number_ok": numbered["row_number_ok"],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__.splitlines()[0])
    p.add_argument("--orders-per-day", type=int, default=770_000, help="US orders (≈1.3 items each)")
    p.add_argument("--jsonl-lines", type=int, default=1_000_000, help="Data Kiosk records; 0 skips JSONL")
    p.add_argument("--data-dir", type=Path, default=Path("data/bench"))
    p.add_argument("--child", nargs=4, metavar=("WHO", "FMT", "PATH", "DB"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        who, fmt, path, db = args.child
        if who == "duckdb":
            result = _child_duckdb(fmt, Path(path), Path(db))
        else:
            result = _child_ours(fmt, Path(path), Path(db), row_numbers=who == "ours_numbered")
        print(json.dumps(result))
        return 0

    args.data_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tsv = orders_tsv_from_sandbox(args.data_dir, args.orders_per_day)
    print(f"orders document (sandbox report through the client): {tsv} in {time.perf_counter() - t0:.1f}s",
          flush=True)
    report: dict = {"source": "sandbox", "tsv": compare("tsv", tsv, args.data_dir)}
    print(f"tsv:   {report['tsv']}", flush=True)
    if args.jsonl_lines:
        jsonl = datakiosk_jsonl(args.data_dir, args.jsonl_lines)
        report["jsonl"] = compare("jsonl", jsonl, args.data_dir)
        print(f"jsonl: {report['jsonl']}", flush=True)
    report["ducklake"] = bench_lake.run(args.data_dir)  # 8 sources x 3 accounts: lake at once vs file in turn
    print(f"ducklake: {report['ducklake']}", flush=True)
    t = report["tsv"]
    report["targets"] = {"peak_rss_mb_below": TARGET_PEAK_MB, "ratio_at_least": TARGET_RATIO,
                         "met": t["ours_peak_rss_mb"] < TARGET_PEAK_MB and t["ratio"] >= TARGET_RATIO
                         and t["rows"] >= 1_000_000 and t["row_number_ok"]}
    print(json.dumps(report))
    return 0 if report["targets"]["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
