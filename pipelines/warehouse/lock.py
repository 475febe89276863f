"""One writer at a time per DuckDB file, across processes.

DuckDB lets a single process open a database file read-write, and Dagster runs
each step in its own process, so every access goes through an exclusive file
lock next to the database (``<file>.lock``) with a bounded wait. The lock is an
OS advisory lock: a killed holder releases it.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from .errors import WarehouseLockTimeout


def lock_path(db_path: Path) -> Path:
    """The lock file next to the database.

    >>> lock_path(Path("data/wh.duckdb")).name
    'wh.duckdb.lock'
    """
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def write_slot(db_path: Path, timeout: float) -> Iterator[None]:
    """Hold the file's write slot; raise WarehouseLockTimeout after ``timeout`` seconds."""
    lock = FileLock(str(lock_path(db_path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise WarehouseLockTimeout(
            f"could not get the write slot of DuckDB file {db_path} within {timeout:g}s: "
            f"another process holds {lock_path(db_path)} (a long load, or a stuck process); "
            f"raise lock_timeout or stop the other writer"
        ) from None
    try:
        yield
    finally:
        lock.release()
