"""The path real users take: credentials in the environment, the client pointed at
an SP-API endpoint (here the sandbox, standing in for Amazon by host name)."""
from __future__ import annotations

import pytest

from pipelines.config import Settings
from pipelines.definitions import build_definitions
from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from pipelines.spapi.errors import AuthError
from pipelines.warehouse import Warehouse
from tests.e2e.conftest import LAST_DAY, materialize_range

ORDERS = "raw_all_orders_by_order_date"


@pytest.fixture
def amazon_like(tmp_path, monkeypatch):
    cfg = SandboxConfig(orders_per_day=10, time_scale=2000, processing_delay=0.0, marketplace_ids=("ATVPDKIKX0DER",))
    with SandboxServer(cfg, host="127.0.0.1", port=0) as server:
        monkeypatch.setenv("SPAPI_CLIENT_ID", SANDBOX_CLIENT_ID)
        monkeypatch.setenv("SPAPI_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
        monkeypatch.setenv("SPAPI_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        monkeypatch.setenv("SPAPI_ENDPOINT", server.url)
        monkeypatch.setenv("SPAPI_LWA_ENDPOINT", server.lwa_url)
        monkeypatch.setenv("SPAPI_MARKETPLACE_IDS", "ATVPDKIKX0DER")
        monkeypatch.setenv("SPAPI_ACCOUNT", "brand-a")
        monkeypatch.setenv("SPAPI_START_DATE", "2025-01-01")
        monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "amazon.duckdb"))
        yield server


def materialize_orders(selection=(ORDERS,), **kwargs):
    settings = Settings.from_env()
    return materialize_range(build_definitions(settings), settings, list(selection), LAST_DAY, LAST_DAY, **kwargs)


def test_with_credentials_rows_are_amazon_sourced_and_quota_is_shared_on_disk(amazon_like, tmp_path):
    result = materialize_orders()
    meta = result.asset_materializations_for_node(ORDERS)[0].metadata
    assert meta["source"].value == "amazon"
    wh = Warehouse(tmp_path / "amazon.duckdb")
    assert wh.query(f"SELECT DISTINCT _source, _account FROM {ORDERS}") == [("amazon", "brand-a")]
    assert any((tmp_path / ".spapi-rate-limits").rglob("createReport.json"))
    assert {r["operation"] for r in amazon_like.request_log} >= {"createReport", "getReport", "getReportDocument"}


def test_data_kiosk_queries_take_account_wide_slots(amazon_like, tmp_path):
    table = "raw_dk_sales_and_traffic_by_date"
    assert materialize_orders(selection=[table]).success
    assert Warehouse(tmp_path / "amazon.duckdb").query(f"SELECT count(*) FROM {table}")[0][0] == 1
    assert any((tmp_path / ".spapi-rate-limits").rglob("datakiosk-queries/slot-*.lock"))


def test_a_wrong_client_secret_fails_clearly_without_revealing_it(amazon_like, monkeypatch):
    monkeypatch.setenv("SPAPI_CLIENT_SECRET", "wrong-secret-value-123")
    with pytest.raises(AuthError) as err:
        materialize_orders()
    message = str(err.value)
    assert "invalid_client" in message
    assert "wrong-secret-value-123" not in message and SANDBOX_REFRESH_TOKEN not in message


ACCOUNTS = """
[[account]]
name = "brand-a"
marketplace_ids = ["ATVPDKIKX0DER"]
client_id_env = "BRAND_A_ID"
client_secret_env = "BRAND_A_SECRET"
refresh_token_env = "BRAND_A_TOKEN"

[[account]]
name = "brand-b"
marketplace_ids = ["ATVPDKIKX0DER"]
client_id_env = "BRAND_B_ID"
client_secret_env = "BRAND_B_SECRET"
refresh_token_env = "BRAND_B_TOKEN"
"""


@pytest.fixture
def two_accounts(amazon_like, tmp_path, monkeypatch):
    for brand in ("BRAND_A", "BRAND_B"):
        monkeypatch.setenv(f"{brand}_ID", SANDBOX_CLIENT_ID)
        monkeypatch.setenv(f"{brand}_SECRET", SANDBOX_CLIENT_SECRET)
        monkeypatch.setenv(f"{brand}_TOKEN", SANDBOX_REFRESH_TOKEN)
    (tmp_path / "accounts.toml").write_text(ACCOUNTS)
    monkeypatch.setenv("SPAPI_ACCOUNTS_FILE", str(tmp_path / "accounts.toml"))
    return amazon_like


def test_every_account_lands_its_own_rows(two_accounts, tmp_path):
    result = materialize_orders()
    wh = Warehouse(tmp_path / "amazon.duckdb")
    counts = dict(wh.query(f"SELECT _account, count(*) FROM {ORDERS} GROUP BY ALL"))
    assert set(counts) == {"brand-a", "brand-b"} and counts["brand-a"] == counts["brand-b"] > 0
    [check] = result.get_asset_check_evaluations()
    assert check.passed  # the key is unique within each account


def test_one_failing_account_does_not_stop_the_others(two_accounts, tmp_path, monkeypatch):
    from pipelines.resources import AccountsFailed

    monkeypatch.setenv("BRAND_B_TOKEN", "Atzr|revoked-refresh-token-456")  # the seller revoked the app
    with pytest.raises(AccountsFailed, match="account brand-b: AuthError.*invalid_grant.*1 other account") as err:
        materialize_orders()
    assert "revoked-refresh-token-456" not in str(err.value)
    wh = Warehouse(tmp_path / "amazon.duckdb")
    assert dict(wh.query(f"SELECT _account, count(*) > 0 FROM {ORDERS} GROUP BY ALL")) == {"brand-a": True}
