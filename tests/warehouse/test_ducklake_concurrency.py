"""Many writers for real: 4 processes land different accounts and sources into the
same tables of one new DuckLake at once; no row is missing and none is doubled."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

from pipelines.catalog import cols
from pipelines.warehouse import Lake, Replace, Warehouse
from tests.warehouse.warehouse_fixtures import US, day, lineage, write_tsv

PROCESSES = 4
DAYS = (14, 15, 16)
SOURCES = {  # table: (columns, header, cursor)
    "raw_orders": (cols("order_id:text purchase_date:timestamptz amount:decimal"),
                   ["order_id", "purchase_date", "amount"], "purchase_date"),
    "raw_fees": (cols("fee_id:text posted_date:timestamptz fee:decimal"), ["fee_id", "posted_date", "fee"],
                 "posted_date"),
}


def rows_of(account: int, table: str, d: int) -> int:
    """Every account, table and day gets its own row count, so a lost or doubled window shows."""
    return 50 + 10 * account + d + (7 if table == "raw_fees" else 0)


def document(folder: Path, account: int, table: str, d: int, version: str) -> Path:
    _, header, _ = SOURCES[table]
    rows = [[f"{account}-{d}-{i}", f"2025-01-{d:02d}T{i % 24:02d}:30:00+00:00", f"{i}.10"]
            for i in range(rows_of(account, table, d))]
    return write_tsv(folder / f"{table}-{account}-{d}-{version}.tsv", header, rows)


def land_account(lake: Lake, work: Path, folder: Path, account: int, start) -> None:
    """One process: every day of both sources for its account, then the first day again (a re-run)."""
    wh = Warehouse(work, lake=lake)
    start.wait()
    for table, d, version in [*((t, d, "v1") for d in DAYS for t in SOURCES), ("raw_orders", DAYS[0], "v2")]:
        columns, _, cursor = SOURCES[table]
        wh.land(table, document(folder, account, table, d, version), columns,
                lineage=lineage(US, d, d + 1, f"R-{account}-{d}-{version}", f"acct-{account}", resume_key="run-1"),
                replace=Replace.window(cursor, day(d), day(d + 1), US))


def test_four_processes_land_at_once_without_a_missing_or_doubled_row(lake, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for account in range(PROCESSES):  # written beforehand: the processes only land
        for table in SOURCES:
            for d in DAYS:
                document(docs, account, table, d, "v1")
        document(docs, account, "raw_orders", DAYS[0], "v2")
    spawn = multiprocessing.get_context("spawn")  # as Dagster's multiprocess executor starts its steps
    start = spawn.Event()
    procs = [spawn.Process(target=land_account, args=(lake, tmp_path / "w.duckdb", docs, a, start))
             for a in range(PROCESSES)]
    for p in procs:
        p.start()
    start.set()  # all at once, on a lake none of them has created yet
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * PROCESSES

    wh = Warehouse(tmp_path / "w.duckdb", lake=lake)
    for table, (_, header, cursor) in SOURCES.items():
        got = wh.query(f"SELECT _account, CAST({cursor} AS DATE), count(*), count(DISTINCT {header[0]}), "
                       f"count(DISTINCT _report_id) FROM {table} GROUP BY ALL ORDER BY ALL")
        assert got == [(f"acct-{a}", day(d).date(), rows_of(a, table, d), rows_of(a, table, d), 1)
                       for a in range(PROCESSES) for d in DAYS], table
    assert wh.query("SELECT DISTINCT _report_id FROM raw_orders WHERE _report_id LIKE '%-14-%' ORDER BY 1") == [
        (f"R-{a}-14-v2",) for a in range(PROCESSES)]  # the re-run replaced its window
    # every land noted in the resume ledger; on a lake it is appended to (a delete would conflict with every land)
    assert wh.query("SELECT count(*), count(DISTINCT (table_name, account, window_start)) FROM _landed_windows") \
        == [(PROCESSES * 7, PROCESSES * 6)]
