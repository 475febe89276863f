"""A full disk is named (file, temp dir, "no space left on device") and loses nothing;
a malformed row is quoted; work files stay in the warehouse's work folder and a
killed run's are removed by the next run, never a live run's."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines import workfiles
from pipelines.catalog import cols
from pipelines.warehouse import MalformedReportError, Replace, Warehouse, landing
from pipelines.warehouse import warehouse as warehouse_module
from pipelines.warehouse.errors import WarehouseDiskFullError
from tests.warehouse.warehouse_fixtures import lineage, write_tsv

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = cols("order-id city ship-postal-code qty:int")
HEADER = ["order-id", "city", "ship-postal-code", "qty"]


def land(wh: Warehouse, path: Path, report_id: str = "R1"):
    return wh.land("raw_t", path, COLUMNS, lineage=lineage(report_id=report_id), replace=Replace.report(report_id))


@pytest.fixture
def landed(wh, tmp_path):
    """A table with two rows, and a second document that would replace them."""
    land(wh, write_tsv(tmp_path / "first.tsv", HEADER, [["1", "Boston", "02108", "1"], ["2", "Lyon", "69001", "2"]]))
    second = write_tsv(tmp_path / "GET_X-77.txt", HEADER, [["3", "Köln", "50667", "3"]])
    return wh.query("SELECT * FROM raw_t ORDER BY order_id"), second


def test_disk_full_during_insert_names_the_files_and_changes_nothing(wh, landed, monkeypatch):
    before, second = landed

    def full_disk(*args, **kw):
        raise duckdb.IOException(f'IO Error: Could not write file "{wh.path}": No space left on device')

    monkeypatch.setattr(landing, "_insert", full_disk)
    with pytest.raises(WarehouseDiskFullError) as info:
        land(wh, second)
    assert str(info.value) == (
        f"no space left on device while landing GET_X-77.txt into raw_t: DuckDB file {wh.path} "
        f"(temp dir {wh.path}.tmp); nothing was changed. Free space on that disk, or set WAREHOUSE_PATH to a "
        f'file on a larger one. (IO Error: Could not write file "{wh.path}": No space left on device)')
    monkeypatch.undo()
    assert wh.query("SELECT * FROM raw_t ORDER BY order_id") == before


def test_a_failed_commit_is_not_masked_by_the_rollback_that_follows(wh, landed, monkeypatch):
    """DuckDB ends the transaction itself when COMMIT cannot write its WAL; the
    ROLLBACK after it then fails with "no transaction is active", which used to
    replace the real error."""
    before, second = landed
    wal_full = f'TransactionContext Error: Failed to commit: Could not write file "{wh.path}.wal": ' \
               f'No space left on device'

    def commit_on_a_full_disk(con):
        con.execute("ROLLBACK")  # what DuckDB does when the commit fails
        raise duckdb.TransactionException(wal_full)

    monkeypatch.setattr(landing, "_commit", commit_on_a_full_disk)
    with pytest.raises(WarehouseDiskFullError, match="no space left on device while landing GET_X-77.txt") as info:
        land(wh, second)
    cause = info.value.__cause__
    assert str(cause) == wal_full
    assert cause.__notes__ == ["ROLLBACK after it failed too: TransactionContext Error: cannot rollback - "
                               "no transaction is active"]
    monkeypatch.undo()
    assert wh.query("SELECT * FROM raw_t ORDER BY order_id") == before


def test_any_failed_commit_keeps_its_own_error(wh, landed, monkeypatch):
    before, second = landed

    def conflicting_commit(con):
        con.execute("ROLLBACK")
        raise duckdb.TransactionException("TransactionContext Error: Failed to commit: write-write conflict")

    monkeypatch.setattr(landing, "_commit", conflicting_commit)
    with pytest.raises(duckdb.TransactionException, match="write-write conflict"):
        land(wh, second)
    monkeypatch.undo()
    assert wh.query("SELECT * FROM raw_t ORDER BY order_id") == before


FILL_AT_COMMIT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipelines.catalog import cols
    from pipelines.warehouse import Lineage, Replace, Warehouse, landing

    def lineage(report_id="R1"):
        return Lineage("acct-1", "ATVPDKIKX0DER", report_id, None, None, "sandbox")

    def write_tsv(path, header, rows):
        path.write_text("\\n".join("\\t".join(r) for r in [header, *rows]) + "\\n")
        return path

    disk = Path(sys.argv[1])
    wh = Warehouse(disk / "wh.duckdb", lock_timeout=10)
    columns, header = cols("order-id city"), ["order-id", "city"]
    wh.land("raw_t", write_tsv(disk / "a.tsv", header, [["1", "Boston"]]), columns, lineage=lineage(),
            replace=Replace.report("R1"))
    commit = landing._commit

    def fill_then_commit(con):  # the disk fills up while the load runs
        with open(disk / "filler", "wb") as f:
            try:
                while True:
                    f.write(bytes(1 << 16))
            except OSError:
                pass
        commit(con)

    landing._commit = fill_then_commit
    rows = [[str(n), "Lyon"] for n in range(2, 20000)]
    try:
        wh.land("raw_t", write_tsv(disk / "b.tsv", header, rows), columns, lineage=lineage(report_id="R2"),
                replace=Replace.report("R2"))
    except Exception as exc:
        print(type(exc).__name__, exc)
    (disk / "filler").unlink()
    print(wh.query("SELECT order_id, city FROM raw_t"))
""")


def test_a_real_full_disk_is_named(tmp_path):
    """On a 4 MB tmpfs (a private mount namespace; skipped where that is not allowed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True) if _has("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (unshare -rm)")
    script = tmp_path / "fill.py"
    script.write_text(FILL_AT_COMMIT)
    shell = f'mount -t tmpfs -o size=4m tmpfs "{disk}" && exec "{sys.executable}" "{script}" "{disk}"'
    out = subprocess.run(["unshare", "-rm", "sh", "-c", shell], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    error, table = out.stdout.splitlines()
    assert error.startswith(f"WarehouseDiskFullError no space left on device while landing b.tsv into raw_t: "
                            f"DuckDB file {disk}/wh.duckdb (temp dir {disk}/wh.duckdb.tmp)")
    assert table == "[('1', 'Boston')]"


def _has(program: str) -> bool:
    return any(Path(d, program).exists() for d in os.environ.get("PATH", "").split(os.pathsep))


# ---- malformed rows are quoted -------------------------------------------------------------------

def test_a_value_that_does_not_convert_quotes_its_line(wh, tmp_path):
    bad = write_tsv(tmp_path / "GET_X-9.txt", HEADER, [["1", "Boston", "02108", "1"], ["2", "Lyon", "69001", "two"]])
    with pytest.raises(MalformedReportError) as info:
        land(wh, bad)
    err = info.value
    assert (err.table, err.column, err.value, err.line, err.text) == ("raw_t", "qty", "two", 3,
                                                                      "2\tLyon\t69001\ttwo")
    assert str(err).startswith("malformed report (table raw_t, column qty, line 3, document GET_X-9.txt): "
                               "value 'two': does not convert to BIGINT (")
    assert str(err).endswith("; line 3 reads: '2\\tLyon\\t69001\\ttwo'")
    assert not wh.exists("raw_t")


def test_a_row_with_too_many_fields_quotes_its_line_truncated(wh, tmp_path):
    long_city = "Saint-" + "x" * 400
    bad = write_tsv(tmp_path / "GET_X-10.txt", HEADER, [["1", "Boston", "02108", "1"],
                                                        ["2", long_city, "69001", "2", "extra"]])
    with pytest.raises(MalformedReportError) as info:
        land(wh, bad)
    err = info.value
    line = "\t".join(["2", long_city, "69001", "2", "extra"])
    assert (err.line, err.text) == (3, line[:300] + "...")
    assert f"; line 3 reads: {line[:300] + '...'!r}" in str(err)
    assert str(err).count("x" * 250) == 1  # DuckDB's own copy of the line is not repeated


def test_jsonl_pages_quote_the_line_of_the_page_it_is_in(wh, tmp_path):
    pages = [tmp_path / "Q1-page1.jsonl", tmp_path / "Q1-page2.jsonl"]
    pages[0].write_text('{"sku": "A", "units": 1}\n{"sku": "B", "units": 2}\n')
    pages[1].write_text('{"sku": "C", "units": 3}\n{"sku": "D", "units": "lots"}\n')
    with pytest.raises(MalformedReportError) as info:
        wh.land("raw_dk", pages, cols("sku units:int"), fmt="jsonl", lineage=lineage(), replace=Replace.report("R1"))
    err = info.value
    assert (err.column, err.value, err.line, err.path, err.text) == (
        "units", "lots", 4, str(pages[1]), '{"sku": "D", "units": "lots"}')


def test_a_json_report_quotes_the_record(wh, tmp_path):
    doc = tmp_path / "GET_SALES-1.json"
    doc.write_text(json.dumps({"rows": [{"n": 1, "sku": "A"}, {"n": "lots", "sku": "B"}]}, indent=2))
    with pytest.raises(MalformedReportError) as info:
        wh.land("raw_j", doc, cols("sku n:int"), fmt="json", json_records="rows", lineage=lineage(),
                replace=Replace.report("R1"))
    assert (info.value.line, info.value.text) == (2, '{"sku":"B","n":"lots"}')


# ---- work files ----------------------------------------------------------------------------------

OWNER = textwrap.dedent("""
    import sys
    from pipelines.workfiles import folder_for
    folder = folder_for(sys.argv[1])
    (folder / "report.txt").write_text("buyer-city\\tBoston\\n")
    print(folder, flush=True)
    sys.stdin.readline()  # the test decides when this process ends
""")


def start_owner(wh_path: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-c", OWNER, str(wh_path)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, Path(proc.stdout.readline().strip())


def test_a_killed_runs_work_files_go_with_the_next_run_and_a_live_runs_stay(tmp_path):
    wh = Warehouse(tmp_path / "wh.duckdb")
    wh.query("CREATE TABLE daily AS SELECT range AS n FROM range(3)")
    killed, killed_folder = start_owner(wh.path)
    live, live_folder = start_owner(wh.path)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert (killed_folder / "report.txt").exists()  # SIGKILL: nothing could clean up

        assert wh.publish(["daily"]) == {"daily": 3}  # the next run (its BI copy is built in a work folder)

        root = workfiles.work_root(wh.path).absolute()
        assert killed_folder.parent == live_folder.parent == root
        assert not killed_folder.exists() and not killed_folder.with_suffix(".lock").exists()
        assert (live_folder / "report.txt").read_text() == "buyer-city\tBoston\n"
        assert sorted(p.name for p in root.iterdir()) == sorted(
            [live_folder.name, live_folder.name + ".lock", workfiles.folder_for(wh.path).name,
             workfiles.folder_for(wh.path).name + ".lock"])
    finally:
        live.stdin.close()  # ends normally: removes its own folder
        live.wait(timeout=10)
    assert not live_folder.exists() and not live_folder.with_suffix(".lock").exists()


def test_the_bi_copy_is_built_in_the_work_folder_and_nothing_stays_behind(wh, tmp_path, monkeypatch):
    wh.query("CREATE TABLE daily AS SELECT range AS n FROM range(3)")
    folder = workfiles.folder_for(wh.path)
    during = []

    def check_table_name(table):  # called for each table, with the copy under way
        during.append(sorted(p.name for p in folder.iterdir()))
        if table == "missing":
            raise ValueError("no table missing")

    monkeypatch.setattr(warehouse_module, "check_table_name", check_table_name)
    with pytest.raises(ValueError, match="no table missing"):
        wh.publish(["daily", "missing"])
    temp = f"wh_bi.duckdb.{threading.get_ident()}.tmp"
    assert during == [[temp], [temp, temp + ".wal"]]
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".work", "wh.duckdb", "wh.duckdb.lock"]
