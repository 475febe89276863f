"""The BI copy, and a warehouse file held open by another process."""
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipelines.warehouse import Warehouse, WarehouseBusyError, publish_path


def test_publish_copies_tables_and_replaces_the_copy_atomically(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.query("CREATE TABLE daily AS SELECT range AS n FROM range(5)")
    assert wh.publish(["daily"]) == {"daily": 5}
    reader = duckdb.connect(str(publish_path(wh.path)), read_only=True)  # a BI tool stays connected
    wh.query("INSERT INTO daily VALUES (5)")
    assert wh.publish(["daily"]) == {"daily": 6}  # the writer is not blocked by the reader
    assert reader.execute("SELECT count(*) FROM daily").fetchone()[0] == 5  # its snapshot is intact
    reader.close()
    fresh = duckdb.connect(str(publish_path(wh.path)), read_only=True)
    assert fresh.execute("SELECT count(*) FROM daily").fetchone()[0] == 6
    fresh.close()


def test_a_file_held_open_elsewhere_fails_with_a_clear_error(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.query("CREATE TABLE t AS SELECT 1 AS x")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(wh.path)!r}, read_only=True)
        print("open", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseBusyError, match="held open by another process.*_bi.duckdb"):
            wh._open(wait=0.5)
    finally:
        holder.kill()
        holder.wait()
