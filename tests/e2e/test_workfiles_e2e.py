"""Decoded report documents (buyer cities, postal codes) are written in the
warehouse's work folder, never the system temp dir, and are gone after the run."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import workfiles
from pipelines.catalog import entry
from pipelines.warehouse import Warehouse
from tests.e2e.conftest import LAST_DAY

ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")


@pytest.mark.parametrize("fails", [False, True], ids=["lands", "fails"])
def test_documents_live_in_the_work_folder_and_go_after_the_run(run, warehouse, sandbox, monkeypatch, fails):
    landed_from: list[Path] = []
    land = Warehouse.land

    def recording_land(self, table, path, *args, **kw):
        landed_from.append(Path(path))
        if fails:
            raise RuntimeError("load failed")
        return land(self, table, path, *args, **kw)

    monkeypatch.setattr(Warehouse, "land", recording_land)
    result = run([ORDERS.asset_name], LAST_DAY, raise_on_error=False)
    assert result.success is not fails
    folder = workfiles.folder_for(warehouse.path)
    assert folder.parent == workfiles.work_root(warehouse.path).absolute() == \
        (warehouse.path.parent / ".work" / "warehouse").absolute()
    assert len(landed_from) == 3  # one document per marketplace
    assert all(folder in p.parents for p in landed_from)
    assert [p for p in landed_from if p.exists()] == [] and list(folder.iterdir()) == []
