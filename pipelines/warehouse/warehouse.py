"""The Warehouse: one DuckDB file, typed landing, metadata queries.

>>> import tempfile, pathlib
>>> wh = Warehouse(pathlib.Path(tempfile.mkdtemp()) / "wh.duckdb")
>>> wh.query("SELECT 1 + 1")
[(2,)]
"""
from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence, TypeVar

import duckdb

from ..catalog import ChildTable, Column
from ..spapi.retry import retrying
from ..workfiles import folder_for
from . import lake as lakes
from . import landing
from .errors import WarehouseBusyError, WarehouseConflictError, WarehouseDiskFullError, WarehouseError, is_disk_full
from .lake import Lake
from .landing import LandResult, Lineage, Replace, check_table_name, table_types
from .lock import write_slot
from .sources import Delimited, ident, sql_literal

log = logging.getLogger("pipelines.warehouse")
T = TypeVar("T")


def publish_path(path: Path) -> Path:
    """Where the BI copy of a warehouse file goes: ``data/x.duckdb`` → ``data/x_bi.duckdb``."""
    return path.with_name(f"{path.stem}_bi{path.suffix}")


class Warehouse:
    """A DuckDB file, or a DuckLake (``lake``). Every call opens its own connection
    and closes it; on a file, inside the file's write slot (a cross-process lock
    with a bounded wait). A lake has many writers: a write that loses a commit race
    it cannot be merged with is run again, whole, after a bounded, jittered backoff
    (``conflict_retries`` times). ``path`` is then only where work files and DuckDB's
    spill files go (``data/.work/<stem>``).

    ``memory_limit`` bounds DuckDB's buffer memory for queries (it spills to
    disk beyond it); ``threads`` defaults to DuckDB's choice (one per core).

    Lands are tuned to keep a 1M-row report under 300MB of peak RSS at close to
    DuckDB's own read speed (measured by ``pipelines/bench.py``):

    - without row numbers the reader runs on every core within
      ``land_memory_limits[fmt]`` (JSON needs more buffer than TSV);
    - with row numbers (``row_number() OVER ()``, a streaming window) the
      pipeline is single-threaded anyway: one thread with ``numbered_memory_limit``.

    A land that still runs out of memory is retried once on one thread with
    ``memory_limit`` (slower, never lost).
    """

    LAND_MEMORY_LIMITS = {"tsv": "128MB", "json": "256MB", "jsonl": "256MB"}

    CONFLICT_RETRIES = 10
    CONFLICT_BASE, CONFLICT_CAP, CONFLICT_SECONDS = 0.05, 2.0, 120.0  # backoff of a conflicted lake write

    def __init__(self, path: str | Path, lock_timeout: float = 900.0, *,
                 memory_limit: str = "1GB", threads: int | None = None,
                 land_memory_limits: dict[str, str] | None = None, numbered_memory_limit: str = "128MB",
                 lake: Lake | None = None, conflict_retries: int = CONFLICT_RETRIES,
                 sleep: Callable[[float], None] = time.sleep):
        self.path = Path(path)
        self.lake = lake
        self.conflict_retries = conflict_retries
        self.sleep = sleep
        self.lock_timeout = lock_timeout
        self.memory_limit = memory_limit
        self.threads = threads
        self.land_memory_limits = {**self.LAND_MEMORY_LIMITS, **(land_memory_limits or {})}
        self.numbered_memory_limit = numbered_memory_limit

    @classmethod
    def configured(cls, path: str | Path, env: Mapping[str, str] | None = None, **kw) -> "Warehouse":
        """The warehouse the environment selects: the DuckLake ``WAREHOUSE_URL`` names, else the file at ``path``."""
        return cls(path, lake=Lake.from_env(env), **kw)

    def __repr__(self) -> str:
        return f"Warehouse({str(self.path)!r}" + (f", lake={str(self.lake)!r})" if self.lake else ")")

    def __str__(self) -> str:
        """Where the rows are: the file, or the lake (its password hidden)."""
        return str(self.lake) if self.lake else str(self.path)

    @property
    def temp_dir(self) -> Path:
        """Where DuckDB spills what does not fit in ``memory_limit`` (its default: the file's name + .tmp)."""
        return self.path.with_name(self.path.name + ".tmp")

    @contextmanager
    def _naming_full_disk(self, doing: str) -> Iterator[None]:
        """Turn a DuckDB or OS "No space left on device" into a WarehouseDiskFullError naming the files."""
        try:
            yield
        except (duckdb.Error, OSError) as exc:
            if not is_disk_full(exc):
                raise
            raise WarehouseDiskFullError(doing, self.path, self.temp_dir, exc) from exc

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold this file's write slot (for a caller's own multi-statement work); a lake has none."""
        with nullcontext() if self.lake else write_slot(self.path, self.lock_timeout):
            yield

    def _open(self, wait: float = 60.0) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting (bounded) while another process holds DuckDB's own
        file lock, e.g. a BI tool with the warehouse open. A lake: a connection to it."""
        if self.lake:
            return lakes.connect(self.lake, self.temp_dir, self.sleep)
        deadline, delay = time.monotonic() + wait, 0.2
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() + delay > deadline:
                    raise WarehouseBusyError(
                        f"{self.path} is held open by another process ({str(exc).splitlines()[0]}). "
                        f"DuckDB lets one process write or several read, not both: close the other "
                        f"connection, or point BI tools at the published copy "
                        f"({publish_path(self.path).name}).") from None
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def publish(self, tables: Sequence[str], dest: Path | None = None) -> dict[str, int]:
        """Copy ``tables`` into a separate DuckDB file for BI tools (``<name>_bi.duckdb``),
        swapped in atomically: readers of the old copy keep it until they reconnect,
        and never block a sync. Returns each table's row count. A lake needs no copy:
        BI tools attach it read-only (``Lake.attach_sql``) while syncs write."""
        if self.lake:
            raise WarehouseError(f"{self.lake} is a DuckLake: BI tools attach it read-only, there is no copy to "
                                 f"publish ({self.lake.attach_sql(read_only=True)})")
        dest = Path(dest or publish_path(self.path))
        # Built in the warehouse's work folder, which a killed publisher's successor cleans up
        # (the destination's own, if it is elsewhere: the swap must stay a rename on one disk).
        work = folder_for(self.path if dest.parent.absolute() == self.path.parent.absolute() else dest)
        tmp = work / f"{dest.name}.{threading.get_ident()}.tmp"
        counts = {}
        with self.lock(), self._naming_full_disk(f"publishing the BI copy {dest}"):  # one publisher at a time
            tmp.unlink(missing_ok=True)
            con = self._open()
            try:
                con.execute(f"ATTACH {sql_literal(str(tmp))} AS bi")
                for table in tables:
                    check_table_name(table)
                    con.execute(f"CREATE TABLE bi.{ident(table)} AS FROM main.{ident(table)}")
                    counts[table] = con.execute(f"SELECT count(*) FROM bi.{ident(table)}").fetchone()[0]
                con.execute("DETACH bi")
            except BaseException:
                con.close()
                tmp.unlink(missing_ok=True)
                tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
                raise
            con.close()
            os.replace(tmp, dest)
        return counts

    @contextmanager
    def connect(self, threads: int | None = None,
                memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A configured connection, inside the write slot; closed on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock():
            con = self._open()
            try:
                # SET (not connect(config=)) so another in-process connection to the
                # same file with other settings does not make connect() fail.
                con.execute(f"SET memory_limit = '{memory_limit or self.memory_limit}'")
                con.execute("SET preserve_insertion_order = false")
                con.execute("SET TimeZone = 'UTC'")
                con.execute("SET enable_progress_bar = false")
                if threads or self.threads:
                    con.execute(f"SET threads = {int(threads or self.threads)}")
                else:
                    con.execute("RESET threads")  # the setting outlives a land's connection in-process
                yield con
            finally:
                con.close()

    # ---- landing -------------------------------------------------------
    def land(self, table: str, path: str | Path | Sequence[Path], columns: Sequence[Column], *,
             fmt: str = "tsv", lineage: Lineage, replace: Replace, json_records: str | None = None,
             row_numbers: bool = False, dialect: Delimited | None = None, children: Sequence[ChildTable] = (),
             inherited: Sequence[str] = ()) -> LandResult:
        """Replace ``replace``'s rows of ``table`` with the document at ``path`` (or,
        for JSONL, the list of documents: the pages of one query), in one
        transaction. Raises MalformedReportError (table unchanged) for bad input.
        ``dialect``: how a ``tsv``/``csv`` file is written (default: ``Delimited.of(fmt)``).
        ``children``: arrays of a JSON document landed as their own tables in the
        same transaction, carrying the parent's ``inherited`` columns."""
        paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
        for p in paths:
            if not p.is_file():
                raise FileNotFoundError(f"report document {p} does not exist")
        target = paths[0] if isinstance(path, (str, Path)) else paths
        if row_numbers:
            threads, memory = 1, self.numbered_memory_limit
        else:
            threads, memory = self.threads, self.land_memory_limits.get(fmt, self.memory_limit)

        def attempt(threads, memory) -> LandResult:
            def once() -> LandResult:
                with self.connect(threads, memory) as con:
                    return landing.land(con, table, target, columns, fmt=fmt, lineage=lineage,
                                        replace=replace, json_records=json_records, row_numbers=row_numbers,
                                        dialect=dialect, children=children, inherited=inherited, json_lines=lines)
            return self._retrying_conflicts(f"landing {document} into {table}", once)

        document = paths[0].name if len(paths) == 1 else f"{len(paths)} documents"
        # A JSON document's records are streamed into JSON lines before the write slot is taken.
        json_split = landing.json_document_lines(table, target, json_records, children) if fmt == "json" \
            else nullcontext(None)
        with self._naming_full_disk(f"landing {document} into {table}"), json_split as lines:
            try:
                return attempt(threads, memory)
            except duckdb.OutOfMemoryException as exc:  # rolled back: nothing half-landed
                log.warning("landing %s ran out of memory within %s (%s); retrying on one thread with %s",
                            table, memory, str(exc).splitlines()[0], self.memory_limit)
                return attempt(1, self.memory_limit)

    def replace_table(self, table: str, select_sql: str) -> int:
        """(Re)build ``table`` from a SELECT in one transaction; returns its row count.
        A failing SELECT leaves the previous table in place."""
        check_table_name(table)

        def once() -> int:
            with self.connect() as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(f"CREATE OR REPLACE TABLE {ident(table)} AS {select_sql}")
                    rows = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()[0]
                    con.execute("COMMIT")
                except BaseException as exc:
                    landing._rollback(con, exc)  # a failed lake COMMIT has ended the transaction already
                    raise
                return rows

        with self._naming_full_disk(f"building {table}"):
            return self._retrying_conflicts(f"building {table}", once)

    def land_empty(self, table: str, columns: Sequence[Column], *, lineage: Lineage,
                   replace: Replace | None, children: Sequence[ChildTable] = (),
                   inherited: Sequence[str] = ()) -> LandResult:
        """No rows to land: delete what ``replace`` selects (a query DONE without data:
        the window is empty), or, with ``replace=None``, keep everything (a CANCELLED
        report, which says too little to delete on). The table (and its ``children``'s) exist afterwards."""
        def once() -> LandResult:
            with self.connect(1, self.numbered_memory_limit) as con:
                return landing.land(con, table, None, columns, fmt="json" if children else "tsv", lineage=lineage,
                                    replace=replace, children=children, inherited=inherited)

        with self._naming_full_disk(f"emptying a window of {table}"):
            return self._retrying_conflicts(f"emptying a window of {table}", once)

    def _retrying_conflicts(self, doing: str, write: Callable[[], T]) -> T:
        """Run ``write`` (one whole transaction); on a lake, again after a commit conflict,
        with full-jitter exponential backoff, at most ``conflict_retries`` more times."""
        if not self.lake:
            return write()
        policy = retrying(what=f"{doing} (DuckLake commit conflict)", should_retry=lakes.is_conflict,
                          max_retries=self.conflict_retries, max_seconds=self.CONFLICT_SECONDS,
                          base=self.CONFLICT_BASE, cap=self.CONFLICT_CAP, sleep=self.sleep, clock=time.monotonic)
        try:
            return policy(write)
        except duckdb.TransactionException as exc:
            if not lakes.is_conflict(exc):
                raise
            raise WarehouseConflictError(
                f"{doing}: still in conflict with concurrent writers of {self.lake} after "
                f"{self.conflict_retries + 1} attempts; nothing of it was committed, run it again "
                f"({str(exc).splitlines()[-1]})") from exc

    # ---- reading -------------------------------------------------------
    def query(self, sql: str, params: Sequence | dict | None = None) -> list[tuple]:
        """Run one statement; its rows ([] for statements without a result)."""
        with self.connect() as con:
            cur = con.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def preview(self, table: str, limit: int = 5, where: str | None = None,
                params: Sequence | None = None) -> list[dict]:
        """The first ``limit`` rows as dicts (Python values), optionally filtered by ``where``."""
        check_table_name(table)
        sql = f"SELECT * FROM {ident(table)}" + (f" WHERE {where}" if where else "") + f" LIMIT {int(limit)}"
        with self.connect() as con:
            cur = con.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, DuckDB type) per column, in table order; [] if the table does not exist."""
        with self.connect() as con:
            return list(table_types(con, table).items())

    def tables(self) -> list[str]:
        with self.connect() as con:
            return [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
                "AND table_schema = current_schema() ORDER BY table_name").fetchall()]

    def exists(self, table: str) -> bool:
        return bool(self.columns(table))

    def row_count(self, table: str, where: str | None = None, params: Sequence | None = None) -> int:
        check_table_name(table)
        sql = f"SELECT count(*) FROM {ident(table)}" + (f" WHERE {where}" if where else "")
        return self.query(sql, params)[0][0]
