"""Reports with buyer data: off until an account opts in, fetched with a Restricted Data Token."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from dagster import DagsterInstance

from pipelines.catalog import CATALOG, entry
from pipelines.config import Settings
from pipelines.definitions import build_definitions
from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.errors import SpApiError
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.reports import ReportsApi
from pipelines.sync import Target, sync_report_window
from pipelines.warehouse import Warehouse
from tests.e2e.conftest import LAST_DAY, START_DATE, materialize_range

US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
PII = {e.report_type: e.asset_name for e in CATALOG if e.pii}
ACCOUNTS = """
[[account]]
name = "brand-a"
marketplace_ids = ["ATVPDKIKX0DER"]
client_id_env = "BRAND_ID"
client_secret_env = "BRAND_SECRET"
refresh_token_env = "BRAND_TOKEN"
pii_reports = true

[[account]]
name = "brand-b"
region = "eu"
marketplace_ids = ["A1PA6795UKMFR9"]
client_id_env = "BRAND_ID"
client_secret_env = "BRAND_SECRET"
refresh_token_env = "BRAND_TOKEN"
"""


@pytest.fixture
def server():
    cfg = SandboxConfig(orders_per_day=10, time_scale=2000, processing_delay=0.0, marketplace_ids=(US, DE))
    with SandboxServer(cfg, host="127.0.0.1", port=0) as sb:
        yield sb


def keys(settings: Settings) -> set[str]:
    return {k.to_user_string() for a in build_definitions(settings).assets for k in a.keys}


def test_pii_assets_exist_only_once_an_account_opts_in(sandbox_env, monkeypatch):
    assert not keys(sandbox_env) & set(PII.values())
    monkeypatch.setenv("SPAPI_PII_REPORTS", "1")
    settings = Settings.from_env()
    assert settings.accounts[0].pii_reports
    assert keys(settings) >= set(PII.values()) == {"raw_amazon_fulfilled_shipments_invoicing",
                                                   "raw_unshipped_orders"}


def test_a_restricted_document_needs_a_restricted_data_token(server, tmp_path):
    """Without an RDT getReportDocument answers 403 and nothing lands; with one the rows land."""
    e = entry("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING")
    client = SpApiClient(SpApiConfig(client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET,
                                     refresh_token=SANDBOX_REFRESH_TOKEN, endpoint=server.url,
                                     lwa_endpoint=server.lwa_url, poll_initial=0.05, poll_max=0.2))
    wh = Warehouse(tmp_path / "wh.duckdb")
    target = Target(wh, "brand-a", "amazon", tmp_path)
    end = datetime.combine(LAST_DAY, datetime.min.time(), timezone.utc)
    start = end - timedelta(days=3)

    with pytest.raises(SpApiError) as refused:
        sync_report_window(e, ReportsApi(client), target, [US], start, end)
    assert refused.value.status == 403 and "Restricted Data Token" in str(refused.value)
    assert not wh.exists(e.table)

    landed = sync_report_window(e, ReportsApi(client, restricted=True), target, [US], start, end)
    assert landed.rows > 0 and wh.row_count(e.table) == landed.rows
    assert wh.query(f"SELECT count(*) FROM {e.table} WHERE buyer_name IS NULL OR ship_address_1 IS NULL") == [(0,)]
    calls = [(r["operation"], r["status"]) for r in server.request_log
             if r["operation"] in ("createRestrictedDataToken", "getReportDocument")]
    assert calls == [("getReportDocument", 403), ("createRestrictedDataToken", 200), ("getReportDocument", 200)]


@pytest.fixture
def two_accounts(server, tmp_path, monkeypatch):
    monkeypatch.setenv("BRAND_ID", SANDBOX_CLIENT_ID)
    monkeypatch.setenv("BRAND_SECRET", SANDBOX_CLIENT_SECRET)
    monkeypatch.setenv("BRAND_TOKEN", SANDBOX_REFRESH_TOKEN)
    monkeypatch.setenv("SPAPI_ENDPOINT", server.url)
    monkeypatch.setenv("SPAPI_LWA_ENDPOINT", server.lwa_url)
    monkeypatch.setenv("SPAPI_START_DATE", START_DATE.isoformat())
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "amazon.duckdb"))
    (tmp_path / "accounts.toml").write_text(ACCOUNTS)
    monkeypatch.setenv("SPAPI_ACCOUNTS_FILE", str(tmp_path / "accounts.toml"))
    return server


def an_hour_with_unshipped_orders(config: SandboxConfig, before: datetime) -> datetime:
    """The latest whole hour before ``before`` from which the seller (``config``) has US orders still to
    ship for the next 10 minutes. Some hours have none (the unshipped-orders snapshot is then empty); and
    the product dates that request by the real clock (30 days back), so no fixed moment can be pinned."""
    seller, hour = config.new_seller(), before.replace(minute=0, second=0, microsecond=0)
    for moment in (hour - timedelta(hours=n) for n in range(48)):
        if seller.at(moment + timedelta(minutes=10)).unshipped_items(US, moment - timedelta(days=30), moment):
            return moment
    raise AssertionError(f"the seller has no unshipped orders in the 48 hours before {before}")


def test_only_the_opted_in_account_is_ever_requested(two_accounts, tmp_path):
    two_accounts.travel_to(an_hour_with_unshipped_orders(two_accounts.config, datetime.now(timezone.utc)))
    settings = Settings.from_env()
    defs = build_definitions(settings)
    with DagsterInstance.ephemeral() as instance:
        results = {name: materialize_range(defs, settings, [name], *days, instance=instance)
                   for name, days in (("raw_unshipped_orders", ()),
                                      ("raw_amazon_fulfilled_shipments_invoicing", (LAST_DAY, LAST_DAY)))}
    log = two_accounts.request_log
    creates = [r for r in log if r["operation"] == "createReport" and r["json"]["reportType"] in PII]
    # One request per PII report, for brand-a's marketplace; brand-b (DE) is never asked for.
    assert sorted((r["json"]["reportType"], tuple(r["json"]["marketplaceIds"])) for r in creates) == \
        sorted((t, (US,)) for t in PII)
    wh = Warehouse(tmp_path / "amazon.duckdb")
    for name, result in results.items():
        skipped = result.asset_materializations_for_node(name)[0].metadata["pii_skipped_accounts"].value
        assert "brand-b" in skipped and "brand-a" not in skipped
        assert wh.query(f'SELECT _account, _marketplace_id, count(*) > 0 FROM "{name}" GROUP BY ALL') == \
            [("brand-a", US, True)]
    # every document was fetched with a fresh Restricted Data Token, never with the LWA token
    fetches = [r["operation"] for r in log if r["operation"] in ("createRestrictedDataToken", "getReportDocument")]
    assert fetches == ["createRestrictedDataToken", "getReportDocument"] * len(PII)
    assert all(r["status"] == 200 for r in log if r["operation"] == "getReportDocument")
