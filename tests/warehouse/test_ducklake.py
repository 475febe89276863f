"""The warehouse on DuckLake (a real PostgreSQL catalog, Parquet files in a temp dir):
the same landing as the DuckDB file, commit conflicts retried with a bounded backoff,
a process killed mid-commit leaves the lake consistent, BI tools attach it read-only."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.catalog import cols
from pipelines.models import Model, build_model
from pipelines.resources import WarehouseResource
from pipelines.spapi.errors import ConfigError
from pipelines.warehouse import Lake, Replace, Warehouse, WarehouseConflictError, WarehouseError, landing
from pipelines.warehouse import lake as lakes
from tests.warehouse.warehouse_fixtures import DE, US, day, lineage, write_tsv

COLUMNS = cols("order_id:text purchase_date:timestamptz quantity:int amount:decimal")
HEADER = ["order_id", "purchase_date", "quantity", "amount"]
ROOT = Path(__file__).resolve().parents[2]


def orders(path: Path, n: int, d: int = 14, prefix: str = "o", extra: list[str] | None = None) -> Path:
    """``n`` order rows on day ``d`` of January 2025 (``extra``: one more column, schema drift)."""
    rows = [[f"{prefix}{i}", f"2025-01-{d:02d}T{i % 24:02d}:00:00+00:00", str(i % 5 + 1), f"{i}.25"]
            + ([f"x{i}"] if extra else []) for i in range(n)]
    return write_tsv(path, HEADER + (extra or []), rows)


def land(wh: Warehouse, doc: Path, d: int, account: str = "acct-1", mp: str = US, report: str = "R1",
         table: str = "raw_orders"):
    return wh.land(table, doc, COLUMNS, lineage=lineage(mp, d, d + 1, report, account),
                   replace=Replace.window("purchase_date", day(d), day(d + 1), mp))


def contents(wh: Warehouse, table: str = "raw_orders") -> list[tuple]:
    return wh.query(f"SELECT * EXCLUDE (_loaded_at) FROM {table} ORDER BY ALL")


def lake_files(wh: Warehouse, table: str) -> list[str]:
    """The data files the lake's catalog lists for ``table``."""
    return [r[0] for r in wh.query(f"SELECT data_file FROM ducklake_list_files('lake', '{table}')")]


def test_landing_on_the_lake_gives_what_the_file_gives(lake, tmp_path):
    """Window replace, re-runs, another marketplace, schema drift: same rows and columns on both."""
    docs = [orders(tmp_path / "a.tsv", 30), orders(tmp_path / "b.tsv", 20, prefix="b"),
            orders(tmp_path / "c.tsv", 12, d=15, extra=["gift_wrap"]), orders(tmp_path / "d.tsv", 7, prefix="de")]
    on_file, on_lake = Warehouse(tmp_path / "wh.duckdb"), Warehouse(tmp_path / "work.duckdb", lake=lake)
    for wh in (on_file, on_lake):
        land(wh, docs[0], 14)
        second = land(wh, docs[1], 14)  # the window again: its 30 rows replaced by 20
        drift = land(wh, docs[2], 15, report="R2")
        land(wh, docs[3], 14, mp=DE, report="R3")
        assert (second.rows, second.deleted, drift.added_columns) == (20, 30, ["gift_wrap"])
    assert on_lake.columns("raw_orders") == on_file.columns("raw_orders")
    assert contents(on_lake) == contents(on_file)
    assert on_lake.row_count("raw_orders") == 20 + 12 + 7
    assert on_lake.tables() == ["raw_orders"] and not (tmp_path / "work.duckdb").exists()


def test_models_build_on_the_lake(lake, tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb", lake=lake)
    land(wh, orders(tmp_path / "a.tsv", 10), 14)
    model = Model.from_sql("units", "SELECT _account AS account, sum(quantity) AS units FROM raw_orders GROUP BY 1")
    assert build_model(wh, model) == 1
    land(wh, orders(tmp_path / "b.tsv", 4, d=15), 15)
    assert build_model(wh, model) == 1  # rebuilt whole, in one transaction
    assert wh.query("SELECT * FROM units") == [("acct-1", sum(i % 5 + 1 for i in range(10)) + 1 + 2 + 3 + 4)]


def test_a_commit_conflict_is_retried_with_a_bounded_backoff(lake, tmp_path, monkeypatch):
    """Two writers replace windows of the same table at once: the one that commits second
    conflicts (both deleted from it), and its whole land runs again on the new snapshot."""
    waits: list[float] = []
    first = Warehouse(tmp_path / "w.duckdb", lake=lake, sleep=waits.append)
    other = Warehouse(tmp_path / "w.duckdb", lake=lake)
    land(first, orders(tmp_path / "old.tsv", 5), 14)  # the table exists and holds acct-1's old rows
    ready, other_done = threading.Event(), threading.Event()
    commit, held = landing._commit, []

    def commit_after_the_other(con):
        if threading.current_thread().name == "first" and not held:
            held.append(1)
            ready.set()  # first has deleted and inserted; now the other lands the same table
            assert other_done.wait(30)
        commit(con)

    monkeypatch.setattr(landing, "_commit", commit_after_the_other)
    outcome = {}
    thread = threading.Thread(name="first", target=lambda: outcome.setdefault(
        "first", land(first, orders(tmp_path / "new.tsv", 8), 14)))
    thread.start()
    assert ready.wait(30)
    outcome["other"] = land(other, orders(tmp_path / "b.tsv", 6, prefix="b"), 14, account="acct-2")
    other_done.set()
    thread.join(60)

    assert (outcome["first"].rows, outcome["first"].deleted, outcome["other"].rows) == (8, 5, 6)
    assert len(waits) == 1 and 0 <= waits[0] <= Warehouse.CONFLICT_BASE  # one retry, first backoff step
    assert first.query("SELECT _account, count(*), count(DISTINCT order_id) FROM raw_orders GROUP BY 1 ORDER BY 1") \
        == [("acct-1", 8, 8), ("acct-2", 6, 6)]


def test_a_write_that_keeps_conflicting_fails_clearly_and_keeps_what_had_landed(lake, tmp_path, monkeypatch):
    waits: list[float] = []
    wh = Warehouse(tmp_path / "w.duckdb", lake=lake, conflict_retries=2, sleep=waits.append)
    other = Warehouse(tmp_path / "w.duckdb", lake=lake)
    land(wh, orders(tmp_path / "old.tsv", 5), 14)
    commit, inside_other = landing._commit, threading.local()

    def another_writer_commits_first(con):
        if not getattr(inside_other, "on", False):  # before each of wh's commits, another account lands
            inside_other.on = True
            try:
                land(other, orders(tmp_path / "b.tsv", 3, prefix="b"), 14, account="acct-2")
            finally:
                inside_other.on = False
        commit(con)

    monkeypatch.setattr(landing, "_commit", another_writer_commits_first)
    with pytest.raises(WarehouseConflictError, match=r"landing new\.tsv into raw_orders: still in conflict .* after "
                                                     r"3 attempts; nothing of it was committed"):
        land(wh, orders(tmp_path / "new.tsv", 9), 14)
    assert len(waits) == 2 and all(0 <= w <= Warehouse.CONFLICT_CAP for w in waits)
    assert wh.query("SELECT _account, count(*) FROM raw_orders GROUP BY 1 ORDER BY 1") == [("acct-1", 5), ("acct-2", 3)]


def test_a_process_killed_mid_commit_leaves_the_lake_consistent(lake, postgres, tmp_path):
    """The child's COMMIT is caught inside PostgreSQL (after its snapshot row is written, before
    its data files are listed) by a lock the test holds; the child is SIGKILLed there. The window
    keeps its old rows, every listed file exists, and the next land of the window lands it whole."""
    wh = Warehouse(tmp_path / "w.duckdb", lake=lake)
    land(wh, orders(tmp_path / "old.tsv", 5), 14)
    before = contents(wh)
    new = orders(tmp_path / "new.tsv", 5000)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pipelines.catalog import cols
        from pipelines.warehouse import Lake, Replace, Warehouse, landing
        from tests.warehouse.warehouse_fixtures import US, day, lineage
        commit = landing._commit
        def commit_when_told(con):
            print("ready", flush=True)
            sys.stdin.readline()
            commit(con)
        landing._commit = commit_when_told
        Warehouse("w.duckdb", lake=Lake({lake.catalog!r}, {lake.data_path!r})).land(
            "raw_orders", {str(new)!r}, cols({"order_id:text purchase_date:timestamptz quantity:int amount:decimal"!r}),
            lineage=lineage(US, 14, 15, "R1", "acct-1"),
            replace=Replace.window("purchase_date", day(14), day(15), US))
    """)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    dbname = lake.catalog.split()[0].split("=")[1]
    holder = subprocess.Popen(postgres.psql_command(dbname), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        # SHARE: granted beside the child's reads, blocks its commit's INSERT of its data files
        holder.stdin.write("BEGIN; LOCK TABLE ducklake_data_file IN SHARE MODE;\n")
        holder.stdin.flush()
        postgres.wait_for("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.granted "
                          "AND c.relname = 'ducklake_data_file' AND l.mode = 'ShareLock'", dbname, "1")
        child.stdin.write("go\n")
        child.stdin.flush()
        postgres.wait_for("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                          "AND query LIKE '%ducklake_snapshot%'", dbname, "1")  # the commit is stuck inside
        child.send_signal(signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        child.kill()
        holder.communicate("ROLLBACK;\n", timeout=30)
    lakes.release(lake)  # read the lake as a new process would
    assert contents(wh) == before
    assert all(Path(f).is_file() for f in lake_files(wh, "raw_orders"))
    assert (land(wh, new, 14).rows, wh.row_count("raw_orders"),
            wh.query("SELECT count(DISTINCT order_id) FROM raw_orders")[0][0]) == (5000, 5000, 5000)


def test_bi_tools_attach_the_lake_read_only_while_a_sync_writes(lake, tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb", lake=lake)
    land(wh, orders(tmp_path / "a.tsv", 10), 14)
    bi = duckdb.connect()  # what a BI tool does: its own DuckDB, the lake attached read-only
    lakes.load_extensions(bi)
    bi.execute(lake.attach_sql(read_only=True))
    assert bi.execute("SELECT count(*) FROM lake.raw_orders").fetchone() == (10,)
    land(wh, orders(tmp_path / "b.tsv", 4, d=15), 15)  # a sync lands while the reader stays attached
    assert bi.execute("SELECT count(*) FROM lake.raw_orders").fetchone() == (14,)
    with pytest.raises(duckdb.Error, match="read-only"):
        bi.execute("DELETE FROM lake.raw_orders")
    with pytest.raises(WarehouseError, match="is a DuckLake: BI tools attach it read-only"):
        wh.publish(["raw_orders"])


def test_the_backend_comes_from_the_environment(lake, tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    assert WarehouseResource().warehouse().lake is None
    monkeypatch.setenv("WAREHOUSE_URL", lake.url)
    monkeypatch.setenv("WAREHOUSE_DATA_PATH", lake.data_path)
    wh = WarehouseResource().warehouse()
    assert wh.lake == lake and wh.path == tmp_path / "w.duckdb"
    land(wh, orders(tmp_path / "a.tsv", 3), 14)
    assert Warehouse(tmp_path / "x.duckdb", lake=lake).row_count("raw_orders") == 3
    monkeypatch.setenv("WAREHOUSE_URL", "postgres://db/lake")
    with pytest.raises(ConfigError, match=r"WAREHOUSE_URL must be ducklake:postgres:<libpq connection string>"):
        WarehouseResource().warehouse()


def test_an_unreachable_catalog_is_a_clear_error_without_the_password(postgres, tmp_path):
    missing = Lake(postgres.conninfo("no_such_db") + " password=hunter2", str(tmp_path / "lake") + "/")
    with pytest.raises(WarehouseError, match=r"cannot attach the DuckLake .*dbname=no_such_db .*password=\*\*\*.*"
                                             r"the catalog database exists") as err:
        Warehouse(tmp_path / "w.duckdb", lake=missing).tables()
    assert "hunter2" not in str(err.value)
