"""A real PostgreSQL for the DuckLake tests (``pipelines.local_postgres``): one server
per test session; each test gets a fresh catalog database and data path.

Import the fixtures into a conftest: ``from tests.postgres import postgres, lake``.
"""
from __future__ import annotations

import pytest

from pipelines.local_postgres import LocalPostgres, local_postgres
from pipelines.warehouse import Lake
from pipelines.warehouse import lake as lakes


@pytest.fixture(scope="session")
def postgres() -> LocalPostgres:
    """A PostgreSQL server for the session, stopped and deleted at its end."""
    with local_postgres() as pg:
        yield pg


@pytest.fixture
def lake(postgres, tmp_path) -> Lake:
    """A new, empty DuckLake: its own catalog database, Parquet files under tmp_path/lake."""
    made = postgres.new_lake(tmp_path / "lake")
    yield made
    lakes.release(made)
