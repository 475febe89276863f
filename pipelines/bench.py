"""Landing benchmark: our typed landing vs DuckDB's own reader, same files, same run.

``python -m pipelines.bench`` (``make bench``) gets a GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL
document of >= 1,000,000 rows, then in separate subprocesses (so each peak-memory figure is that
process's own):

- ours: ``Warehouse.land`` of the file into the typed raw table, with lineage, in its transaction;
- duckdb: ``CREATE TABLE AS SELECT * FROM read_csv(file)`` in a fresh database.

It does the same for a ~1,000,000-line Data Kiosk JSONL document (salesAndTrafficByAsin records)
against ``read_json``. The last line printed is one JSON object with every figure.

Documents come from ``--source sandbox`` (the local SP-API sandbox through the client, the
default when both are installed) or ``--source seller`` (the synthetic seller written straight to
a flat file). Files are cached under ``data/bench/``.
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
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

from .catalog import Column, cols, entry

US = "ATVPDKIKX0DER"
REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDERS = entry("all_orders_by_order_date")
BENCH_DAY = date(2025, 1, 14)
TARGET_PEAK_MB = 300
TARGET_RATIO = 0.5

# Columns of a Data Kiosk salesAndTrafficByAsin record (queries/datakiosk/sales_and_traffic_by_child_asin.graphql).
DK_COLUMNS: tuple[Column, ...] = cols(
    "startDate:date endDate:date marketplaceId parentAsin childAsin "
    "sales.orderedProductSales.amount:decimal sales.orderedProductSales.currencyCode "
    "sales.shippedProductSales.amount:decimal sales.shippedProductSales.currencyCode "
    "sales.unitsOrdered:int sales.unitsShipped:int sales.unitsRefunded:int sales.refundRate:float "
    "sales.ordersShipped:int sales.totalOrderItems:int "
    "traffic.sessions:int traffic.browserSessions:int traffic.mobileAppSessions:int "
    "traffic.sessionPercentage:float traffic.pageViews:int traffic.browserPageViews:int "
    "traffic.mobileAppPageViews:int traffic.pageViewsPercentage:float traffic.buyBoxPercentage:float "
    "traffic.unitSessionPercentage:float"
)


def _day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dtime(), timezone.utc)
    return start, start + timedelta(days=1)


# ---- document sources ------------------------------------------------------------
def _money(value) -> str:
    return "" if value is None else str(value)


def orders_tsv_from_seller(dest_dir: Path, orders_per_day: int, day: date = BENCH_DAY) -> Path:
    """The day's US orders written as the flat file Amazon sends (flat-file-columns.md §1):
    33 tab-separated columns, ISO 8601 +00:00 timestamps, '.' decimals, '' for nulls."""
    from .sandbox.seller import SyntheticSeller

    path = dest_dir / f"orders_seller_{orders_per_day}_{day.isoformat()}.tsv"
    if path.exists():
        return path
    items = SyntheticSeller(orders_per_day=orders_per_day).order_items(US, day)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(c.source for c in ORDERS.columns) + "\n")
        for i in items:
            cancelled = i.order_status == "Cancelled"
            f.write("\t".join((
                i.amazon_order_id, "", i.purchase_date.isoformat(), i.last_updated_date.isoformat(),
                i.order_status, i.fulfillment_channel, "Amazon.com", "", i.ship_service_level,
                i.product_name, i.sku, i.asin, "" if cancelled else "Shipped", str(i.quantity), i.currency,
                _money(i.item_price), _money(i.item_tax), _money(i.shipping_price), "", "", "",
                _money(i.promotion_discount), "", i.ship_city, i.ship_state, i.ship_postal_code,
                i.ship_country, "", "", "true" if i.is_business_order else "false", "", "", "false",
            )) + "\n")
    tmp.rename(path)
    return path


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


SOURCES = {"seller": orders_tsv_from_seller, "sandbox": orders_tsv_from_sandbox}


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


def _child_ours(fmt: str, path: Path, db: Path) -> dict:
    from .warehouse import Lineage, Replace, Warehouse

    start, end = _day_window(BENCH_DAY)
    wh = Warehouse(db)
    if fmt == "tsv":
        table, columns, replace = ORDERS.table, ORDERS.columns, Replace.window("purchase_date", start, end, US)
    else:
        table, columns, replace = "raw_dk_sales_traffic_by_asin", DK_COLUMNS, Replace.window("start_date", start, end, US)
    lineage = Lineage("bench", US, "BENCH-1", start, end, "sandbox")
    t0 = time.perf_counter()
    res = wh.land(table, path, columns, fmt=fmt, lineage=lineage, replace=replace)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = wh.land(table, path, columns, fmt=fmt, lineage=lineage, replace=replace)  # replaces the window
    reland_seconds = time.perf_counter() - t1
    assert again.rows == res.rows == wh.row_count(table)
    return {"rows": res.rows, "seconds": seconds, "reland_seconds": reland_seconds, "peak_rss_mb": _peak_mb(),
            "row_number_ok": _row_numbers_match(wh, table, path, fmt)}


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
    """Run one measurement in a fresh interpreter and a fresh database file."""
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
    ours, duck = measure("ours", fmt, path, work_dir), measure("duckdb", fmt, path, work_dir)
    return {
        "rows": ours["rows"], "file_mb": round(path.stat().st_size / 2**20, 1),
        "ours_rows_per_s": ours["rows_per_s"], "duckdb_rows_per_s": duck["rows_per_s"],
        "ratio": round(ours["rows_per_s"] / duck["rows_per_s"], 3),
        "ours_seconds": round(ours["seconds"], 2), "duckdb_seconds": round(duck["seconds"], 2),
        "ours_reland_seconds": round(ours["reland_seconds"], 2),
        "ours_peak_rss_mb": ours["peak_rss_mb"], "duckdb_peak_rss_mb": duck["peak_rss_mb"],
        "row_number_ok": ours["row_number_ok"],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__.splitlines()[0])
    p.add_argument("--source", choices=sorted(SOURCES), default=None,
                   help="where the orders document comes from (default: sandbox if available, else seller)")
    p.add_argument("--orders-per-day", type=int, default=770_000, help="US orders (≈1.3 items each)")
    p.add_argument("--jsonl-lines", type=int, default=1_000_000, help="Data Kiosk records; 0 skips JSONL")
    p.add_argument("--data-dir", type=Path, default=Path("data/bench"))
    p.add_argument("--child", nargs=4, metavar=("WHO", "FMT", "PATH", "DB"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        who, fmt, path, db = args.child
        run = _child_ours if who == "ours" else _child_duckdb
        print(json.dumps(run(fmt, Path(path), Path(db))))
        return 0

    args.data_dir.mkdir(parents=True, exist_ok=True)
    source = args.source or ("sandbox" if _sandbox_available() else "seller")
    t0 = time.perf_counter()
    tsv = SOURCES[source](args.data_dir, args.orders_per_day)
    print(f"orders document ({source}): {tsv} in {time.perf_counter() - t0:.1f}s", flush=True)
    report: dict = {"source": source, "tsv": compare("tsv", tsv, args.data_dir)}
    print(f"tsv:   {report['tsv']}", flush=True)
    if args.jsonl_lines:
        jsonl = datakiosk_jsonl(args.data_dir, args.jsonl_lines)
        report["jsonl"] = compare("jsonl", jsonl, args.data_dir)
        print(f"jsonl: {report['jsonl']}", flush=True)
    t = report["tsv"]
    report["targets"] = {"peak_rss_mb_below": TARGET_PEAK_MB, "ratio_at_least": TARGET_RATIO,
                         "met": t["ours_peak_rss_mb"] < TARGET_PEAK_MB and t["ratio"] >= TARGET_RATIO
                         and t["rows"] >= 1_000_000 and t["row_number_ok"]}
    print(json.dumps(report))
    return 0 if report["targets"]["met"] else 1


def _sandbox_available() -> bool:
    try:
        from .sandbox.server import SandboxServer  # noqa: F401
        from .spapi.reports import ReportsApi  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
