"""A land is all-or-nothing, even if the process dies; writers queue on a bounded file lock."""
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipelines.catalog import cols
from pipelines.warehouse import Replace, Warehouse, WarehouseLockTimeout, landing
from tests.warehouse.warehouse_fixtures import lineage, write_tsv

COLUMNS = cols("id:int amount:decimal")
ROOT = Path(__file__).resolve().parents[2]


def seed(wh, tmp_path):
    wh.land("raw_t", write_tsv(tmp_path / "a.tsv", ["id", "amount"], [["1", "1.50"], ["2", "2.50"]]), COLUMNS,
            lineage=lineage(), replace=Replace.report("R1"))
    return wh.query("SELECT * FROM raw_t ORDER BY id")


def run_python(code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_error_inside_the_transaction_leaves_table_unchanged(wh, tmp_path, monkeypatch):
    before = seed(wh, tmp_path)

    def fail(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(landing, "_commit", fail)
    new = write_tsv(tmp_path / "b.tsv", ["id", "amount", "extra"], [["3", "3.50", "x"]])
    with pytest.raises(RuntimeError, match="disk full"):
        wh.land("raw_t", new, COLUMNS, lineage=lineage(), replace=Replace.report("R1"))
    assert wh.query("SELECT * FROM raw_t ORDER BY id") == before
    assert [c for c, _ in wh.columns("raw_t")][:2] == ["id", "amount"] and "extra" not in dict(wh.columns("raw_t"))


def test_process_killed_mid_load_leaves_table_unchanged(wh, tmp_path):
    before = seed(wh, tmp_path)
    big = write_tsv(tmp_path / "b.tsv", ["id", "amount"], [[str(i), "9.99"] for i in range(50_000)])
    # The child deletes R1's rows and inserts 50k rows, then dies (SIGKILL) instead of committing.
    proc = run_python(f"""
        import os, signal
        from pipelines.catalog import cols
        from pipelines.warehouse import Warehouse, Lineage, Replace, landing
        landing._commit = lambda con: os.kill(os.getpid(), signal.SIGKILL)
        Warehouse({str(wh.path)!r}).land("raw_t", {str(big)!r}, cols("id:int amount:decimal"),
            lineage=Lineage("acct-1", "ATVPDKIKX0DER", "R1", None, None, "sandbox"), replace=Replace.report("R1"))
    """)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -9, err
    assert wh.query("SELECT * FROM raw_t ORDER BY id") == before


def test_writers_queue_on_the_lock_and_time_out_clearly(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = run_python(f"""
        import time
        from pipelines.warehouse import Warehouse
        with Warehouse({str(path)!r}).lock():
            print("locked", flush=True)
            time.sleep(3.0)  # well past the 1.2 s asserted below, even on a busy machine
    """)
    assert holder.stdout.readline().strip() == "locked"
    t0 = time.monotonic()
    with pytest.raises(WarehouseLockTimeout, match=r"wh\.duckdb.*within 0\.3s"):
        Warehouse(path, lock_timeout=0.3).query("SELECT 1")
    assert time.monotonic() - t0 < 1.2
    # A patient writer waits for the holder and then lands.
    f = write_tsv(tmp_path / "a.tsv", ["id", "amount"], [["1", "1"]])
    res = Warehouse(path, lock_timeout=30).land("raw_t", f, COLUMNS, lineage=lineage(), replace=Replace.report("R1"))
    waited = time.monotonic() - t0
    holder.communicate(timeout=10)
    assert res.rows == 1 and holder.returncode == 0 and waited >= 1.2


def test_concurrent_processes_both_land(tmp_path):
    path = tmp_path / "wh.duckdb"
    files = [write_tsv(tmp_path / f"{r}.tsv", ["id", "amount"], [[str(i), "1"] for i in range(2000)])
             for r in ("R1", "R2", "R3")]
    procs = [run_python(f"""
        from pipelines.catalog import cols
        from pipelines.warehouse import Warehouse, Lineage, Replace
        for _ in range(3):
            Warehouse({str(path)!r}, lock_timeout=60).land("raw_t", {str(f)!r}, cols("id:int amount:decimal"),
                lineage=Lineage("acct-1", "ATVPDKIKX0DER", {f.stem!r}, None, None, "sandbox"),
                replace=Replace.report({f.stem!r}))
    """) for f in files]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert Warehouse(path).query("SELECT _report_id, count(*) FROM raw_t GROUP BY 1 ORDER BY 1") == [
        ("R1", 2000), ("R2", 2000), ("R3", 2000)]
