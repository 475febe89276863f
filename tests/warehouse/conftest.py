"""A fresh warehouse per test."""
from pathlib import Path

import pytest

from pipelines.warehouse import Warehouse
from tests.postgres import lake, postgres  # noqa: F401  (fixtures of the DuckLake tests)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh.duckdb", lock_timeout=10)
