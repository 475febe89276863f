"""DuckLake: the warehouse as Parquet files cataloged in PostgreSQL, for many writers at once.

A DuckDB file has one writer process. A DuckLake keeps its catalog (tables,
columns, snapshots, which Parquet file holds which rows) in PostgreSQL and its
rows as Parquet files under a data path (a shared folder or an object store),
so processes on many hosts land at once and BI tools read while they do. The
same SQL runs on both; only the connection differs.

``WAREHOUSE_URL`` selects it, spelled as DuckDB's own ``ATTACH`` takes it (a
libpq connection string after ``ducklake:postgres:``), and ``WAREHOUSE_DATA_PATH``
names where the Parquet files go when the lake is first created (afterwards
the catalog remembers it). The PostgreSQL password comes from libpq's own
``PGPASSWORD`` or ``~/.pgpass``, not from the URL: a ``password=`` in it is
never shown.

>>> lake = Lake.from_env({"WAREHOUSE_URL": "ducklake:postgres:dbname=lake host=db password=s3cret",
...                       "WAREHOUSE_DATA_PATH": "s3://bucket/lake/"})
>>> str(lake)
'ducklake:postgres:dbname=lake host=db password=***'
>>> Lake.from_env({}) is None
True

The ``ducklake`` and ``postgres_scanner`` DuckDB extensions are loaded from their
``duckdb-extension-*`` wheels (``INSTALL`` would download them; these install
with pip, like every other dependency).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..spapi.errors import ConfigError
from ..spapi.retry import retrying
from .errors import WarehouseError
from .sources import sql_literal

log = logging.getLogger("pipelines.warehouse")

URL_VAR = "WAREHOUSE_URL"
DATA_PATH_VAR = "WAREHOUSE_DATA_PATH"
PREFIX = "ducklake:postgres:"
ALIAS = "lake"  # the lake's name in every connection (``USE lake``)
EXTENSIONS = ("postgres_scanner", "ducklake")  # postgres_scanner first: the ducklake catalog needs it
_PASSWORD_RE = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URI_PASSWORD_RE = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)")


@dataclass(frozen=True)
class Lake:
    """A DuckLake: ``catalog`` is the libpq connection string of its PostgreSQL
    catalog database; ``data_path`` where its Parquet files go (None: the one
    the catalog already holds)."""

    catalog: str
    data_path: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Lake | None":
        """The lake ``WAREHOUSE_URL`` names, or None (unset: the DuckDB file)."""
        env = os.environ if env is None else env
        url = env.get(URL_VAR, "").strip()
        if not url:
            return None
        if not url.startswith(PREFIX) or not url[len(PREFIX):].strip():
            raise ConfigError(f"{URL_VAR} must be {PREFIX}<libpq connection string>, e.g. "
                              f"'{PREFIX}dbname=lake host=db.internal user=spapi' (unset it for the DuckDB "
                              f"file at WAREHOUSE_PATH); got {redact(url)!r}")
        return cls(catalog=url[len(PREFIX):].strip(), data_path=env.get(DATA_PATH_VAR, "").strip() or None)

    @property
    def url(self) -> str:
        return PREFIX + self.catalog

    def __str__(self) -> str:
        return redact(self.url)

    def attach_sql(self, alias: str = ALIAS, read_only: bool = False) -> str:
        """The ``ATTACH`` statement: read-write with the data path, or read-only (BI tools).

        >>> Lake("dbname=lake host=db", "/srv/lake/").attach_sql()
        "ATTACH 'ducklake:postgres:dbname=lake host=db' AS lake (DATA_PATH '/srv/lake/')"
        >>> Lake("dbname=lake host=db").attach_sql(read_only=True)
        "ATTACH 'ducklake:postgres:dbname=lake host=db' AS lake (READ_ONLY)"
        """
        options = ["READ_ONLY"] if read_only else []
        if self.data_path and not read_only:
            options.append(f"DATA_PATH {sql_literal(self.data_path)}")
        return f"ATTACH {sql_literal(self.url)} AS {alias}" + (f" ({', '.join(options)})" if options else "")


def redact(text: str) -> str:
    """``text`` with any PostgreSQL password replaced by ``***``.

    >>> redact("dbname=x password='a b' user=u"), redact("postgresql://u:pw@h/db")
    ('dbname=x password=*** user=u', 'postgresql://u:***@h/db')
    """
    return _URI_PASSWORD_RE.sub(r"\1***\3", _PASSWORD_RE.sub(r"\1***", text))


def extension_file(name: str) -> Path | None:
    """The extension's file inside its ``duckdb-extension-<name>`` wheel, for this DuckDB version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "extensions" / f"v{duckdb.__version__}" / \
        f"{name}.duckdb_extension"
    return path if path.is_file() else None


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """Load the extensions a lake needs, from their wheels (or DuckDB's own extension folder)."""
    for name in EXTENSIONS:
        path = extension_file(name)
        try:
            con.execute(f"LOAD {sql_literal(str(path))}" if path else f"LOAD {name}")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"the DuckDB extension {name} is not installed (needed for {URL_VAR}): "
                f"pip install 'duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}' "
                f"({str(exc).splitlines()[0]})") from None


# One DuckDB instance per process and lake, with the lake attached: loading the two
# extensions and attaching takes ~0.2 s, too much for every query. Each use gets
# its own connection (a cursor) to it, so threads and transactions stay apart.
_lock = threading.Lock()
_instances: dict[tuple[int, Lake], duckdb.DuckDBPyConnection] = {}
ATTACH_ATTEMPTS = 6
# DuckLake's own retries of a commit that lost the race for the next snapshot id (without a
# logical conflict it only writes its catalog rows again). Its defaults, 10 tries 100 ms apart
# growing 1.5x, are spent by a few dozen writers committing together; here 30 tries starting
# at 10 ms growing 1.2x: about the same ~12 s in all, three times the chances.
COMMIT_RETRIES = {"ducklake_max_retry_count": 30, "ducklake_retry_wait_ms": 10, "ducklake_retry_backoff": 1.2}


def connect(lake: Lake, temp_dir: Path, sleep: Callable[[float], None] = time.sleep) -> duckdb.DuckDBPyConnection:
    """A new connection to this process's instance of ``lake`` (attached on first use,
    spilling to ``temp_dir``), using it."""
    key = (os.getpid(), lake)  # a forked child must not share its parent's instance
    with _lock:
        if key not in _instances:
            _instances[key] = _attach(lake, temp_dir, sleep)
        con = _instances[key].cursor()
    con.execute(f"USE {ALIAS}")
    return con


def release(lake: Lake) -> None:
    """Close this process's instance of ``lake`` (its catalog connections); the next use attaches anew."""
    with _lock:
        con = _instances.pop((os.getpid(), lake), None)
    if con is not None:
        con.close()


def _attach(lake: Lake, temp_dir: Path, sleep: Callable[[float], None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"temp_directory": str(temp_dir)})
    load_extensions(con)
    for setting, value in COMMIT_RETRIES.items():
        con.execute(f"SET {setting} = {value}")

    def attach() -> None:
        try:
            con.execute(lake.attach_sql())
        except duckdb.Error as exc:
            if _creating_race(exc):
                raise
            raise WarehouseError(
                f"cannot attach the DuckLake {lake}: {redact(str(exc).splitlines()[0])}. Check that PostgreSQL "
                f"is reachable, that the catalog database exists (CREATE DATABASE), that the password is in "
                f"PGPASSWORD or ~/.pgpass, and that {DATA_PATH_VAR} is set the first time") from None

    # Processes attaching a new lake at once all try to create its catalog tables;
    # one wins, the others fail on a duplicate and find the lake on their next try.
    try:
        retrying(what=f"creating the DuckLake {lake}", should_retry=_creating_race, max_retries=ATTACH_ATTEMPTS - 1,
                 max_seconds=30.0, base=0.1, cap=2.0, sleep=sleep, clock=time.monotonic)(attach)
    except BaseException:
        con.close()
        raise
    return con


def _creating_race(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, duckdb.Error) and "Failed to initialize DuckLake" in text and (
        "duplicate key" in text or "already exists" in text)


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit that lost to a concurrent one it cannot be merged with (it wrote to
    a table the other deleted from, altered or created too): the whole transaction can be
    run again on the new snapshot.

    >>> is_conflict(duckdb.TransactionException("Failed to commit DuckLake transaction. Transaction conflict - x"))
    True
    """
    return isinstance(exc, duckdb.TransactionException) and "Transaction conflict" in str(exc)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con``'s current database is a DuckLake (not a DuckDB file)."""
    return con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
                       ).fetchone()[0] == "ducklake"
