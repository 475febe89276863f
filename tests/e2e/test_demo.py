"""The demo's vendor account: vendor reports land under their own account, and the
seller's environment is back afterwards."""
from __future__ import annotations

import os

import pytest

from pipelines.cli import VENDOR_DEMO_ENV, run_vendor_demo
from pipelines.warehouse import Warehouse

pytestmark = pytest.mark.e2e


def test_vendor_demo_lands_vendor_reports_under_its_account(sandbox_env, monkeypatch):
    monkeypatch.setenv("SPAPI_ACCOUNT", "sandbox")
    counts, failed_checks = run_vendor_demo(1)
    assert failed_checks == []
    assert os.environ["SPAPI_ACCOUNT"] == "sandbox"
    assert "SPAPI_ACCOUNT_TYPE" not in os.environ and "SPAPI_MARKETPLACE_IDS" not in os.environ
    wh = Warehouse(sandbox_env.warehouse_path)
    for table in ("raw_vendor_sales", "raw_vendor_traffic", "raw_vendor_inventory", "raw_dk_vendor_sourcing_view"):
        assert counts[table] > 0, table
        assert wh.query(f'SELECT DISTINCT _account FROM "{table}"') == [(VENDOR_DEMO_ENV["SPAPI_ACCOUNT"],)]
    assert not any(t.startswith("raw_all_orders") for t in counts)  # seller reports are not the vendor's
