"""`make demo`: the demo's accounts (a seller per region and a vendor) land into the
Dagster instance of DAGSTER_HOME, each account in partitions of its own."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from dagster import AssetKey, DagsterInstance

from pipelines.cli import run_demo
from pipelines.warehouse import Warehouse

pytestmark = pytest.mark.e2e

SELLERS = {"sandbox-na": "ATVPDKIKX0DER", "sandbox-eu": "A1PA6795UKMFR9", "sandbox-fe": "A1VC38T7YXB528"}


def test_demo_lands_every_account_into_its_own_partitions_of_the_instance(sandbox_env, monkeypatch, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    counts, failed_checks = run_demo(1)
    assert failed_checks == []
    assert "SPAPI_ACCOUNTS_FILE" not in os.environ  # the demo's accounts were for the demo only

    yesterday = date.today() - timedelta(days=1)
    with DagsterInstance.get() as instance:  # what `make dev` opens
        assert instance.get_dynamic_partitions("seller_accounts") == list(SELLERS)
        assert instance.get_dynamic_partitions("vendor_accounts") == ["sandbox-vendor"]
        orders = instance.get_materialized_partitions(AssetKey("raw_all_orders_by_order_date"))
        assert orders == {f"{account}|{yesterday}" for account in SELLERS}
        assert instance.get_materialized_partitions(AssetKey("raw_merchant_listings_all")) == set(SELLERS)
        assert instance.get_materialized_partitions(AssetKey("raw_vendor_sales")) == {f"sandbox-vendor|{yesterday}"}

    wh = Warehouse(sandbox_env.warehouse_path)
    assert wh.query("SELECT DISTINCT _account, _marketplace_id FROM raw_all_orders_by_order_date ORDER BY 1") == \
        sorted(SELLERS.items())
    for table in ("raw_vendor_sales", "raw_vendor_traffic", "raw_vendor_inventory", "raw_dk_vendor_sourcing_view"):
        assert counts[table] > 0, table
        assert wh.query(f'SELECT DISTINCT _account FROM "{table}"') == [("sandbox-vendor",)]
    for model, column in (("orders", "_account"), ("sku_profitability_daily", "account")):
        assert wh.query(f"SELECT DISTINCT {column} FROM {model} ORDER BY 1") == [(a,) for a in sorted(SELLERS)]
