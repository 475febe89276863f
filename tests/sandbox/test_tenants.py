"""Several selling-partner accounts (tenants) in one sandbox: each has its own
refresh token, usage-plan buckets, reports and queries, role and marketplaces."""
from __future__ import annotations

import gzip
import json
from datetime import date

import httpx
import pytest

from pipelines.sandbox.config import Tenant
from pipelines.sandbox.credentials import DEFAULT_TENANT, tenant_credentials
from pipelines.sandbox.server import SandboxConfig, SandboxServer

from .conftest import DE, FAST, JP, US, Api, lwa, rows

REPORTS = "/reports/2021-06-30/reports"
QUERIES = "/dataKiosk/2023-11-15/queries"
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
DAY = date(2025, 3, 4)
WINDOW = dict(start=f"{DAY}T00:00:00Z", end=f"{DAY}T23:59:59Z")
VENDOR_QUERY = ('query { analytics_vendorAnalytics_2024_09_30 { manufacturingView(startDate: "2025-03-02", '
                'endDate: "2025-03-08", aggregateBy: WEEK, currencyCode: "USD") { startDate } } }')
TENANTS = (Tenant("brand-na", (US,)), Tenant("brand-eu", (DE, JP)), Tenant("brand-vendor", (US,), vendor=True))


def login(sb: SandboxServer, name: str) -> Api:
    """An API caller acting for account ``name`` (its refresh token exchanged with LWA)."""
    r = lwa(sb.url, refresh_token=tenant_credentials(name)[2])
    assert r.status_code == 200, r.text
    return Api(sb, httpx.Client(base_url=sb.url, timeout=30), r.json()["access_token"])


@pytest.fixture(scope="module")
def accounts():
    """A sandbox of three accounts, with rates as Amazon's (no refill within a test)."""
    with SandboxServer(SandboxConfig(**{**FAST, "time_scale": 1.0}, orders_per_day=5, tenants=TENANTS)) as sb:
        apis = {t.name: login(sb, t.name) for t in TENANTS}
        yield sb, apis
        for a in apis.values():
            a.http.close()


def test_each_account_has_its_own_refresh_token_and_the_default_keeps_the_constants():
    assert len({tenant_credentials(t.name) for t in TENANTS}) == 3
    assert {tenant_credentials(t.name)[:2] for t in TENANTS} == {tenant_credentials(DEFAULT_TENANT)[:2]}
    with SandboxServer(SandboxConfig(**FAST, tenants=TENANTS[:1])) as sb:
        assert lwa(sb.url).json()["error"] == "invalid_grant"  # the default account is not served here
        assert lwa(sb.url, refresh_token=tenant_credentials("brand-eu")[2]).json()["error"] == "invalid_grant"
        assert login(sb, "brand-na").token.startswith("Atza|")


def test_usage_plan_buckets_are_per_account():
    with SandboxServer(SandboxConfig(**{**FAST, "time_scale": 1.0}, orders_per_day=1, tenants=TENANTS[:2])) as sb:
        na, eu = login(sb, "brand-na"), login(sb, "brand-eu")
        first = [na.create_report(ORDERS, (US,), **WINDOW).status_code for _ in range(17)]
        second = [eu.create_report(ORDERS, (DE,), **WINDOW).status_code for _ in range(16)]
        # createReport: burst 15 per account at 0.0167/s; a few seconds refill no token
        assert (first.count(202), first.count(429)) == (15, 2)
        assert (second.count(202), second.count(429)) == (15, 1)
        logged = [(e["tenant"], e["status"]) for e in sb.request_log]
        assert (logged.count(("brand-na", 429)), logged.count(("brand-eu", 429))) == (2, 1)
        na.http.close()
        eu.http.close()


def test_an_account_sees_only_its_own_reports_queries_and_documents(accounts):
    sb, apis = accounts
    na, eu = apis["brand-na"], apis["brand-eu"]
    report_id = na.create_report(ORDERS, (US,), **WINDOW).json()["reportId"]
    report = na.wait_report(report_id)
    assert report["processingStatus"] == "DONE"
    listed = {r["reportId"] for r in na.call("getReports", "GET", REPORTS, params={"reportTypes": ORDERS})
              .json()["reports"]}
    assert report_id in listed
    assert eu.call("getReports", "GET", REPORTS, params={"reportTypes": ORDERS}).json()["reports"] == []
    assert eu.call("getReport", "GET", f"{REPORTS}/{report_id}").status_code == 404
    assert eu.call("getReportDocument", "GET",
                   f"/reports/2021-06-30/documents/{report['reportDocumentId']}").status_code == 404
    assert eu.call("cancelReport", "DELETE", f"{REPORTS}/{report_id}").status_code == 404
    assert na.document(report["reportDocumentId"])["reportDocumentId"] == report["reportDocumentId"]

    vendor = apis["brand-vendor"]
    query_id = vendor.call("createQuery", "POST", QUERIES, json={"query": VENDOR_QUERY}).json()["queryId"]
    assert query_id in [q["queryId"] for q in vendor.call("getQueries", "GET", QUERIES).json()["queries"]]
    assert na.call("getQueries", "GET", QUERIES).json()["queries"] == []
    assert na.call("getQuery", "GET", f"{QUERIES}/{query_id}").status_code == 404
    # an account may ask only for its own marketplaces
    r = eu.create_report(ORDERS, (US,), **WINDOW)
    assert r.status_code == 400 and r.json()["errors"][0]["details"] == f"This seller sells in: {DE}, {JP}"


def test_each_account_reports_its_own_seller(accounts):
    sb, apis = accounts
    text, _ = apis["brand-na"].report_text(ORDERS, (US,), **WINDOW)
    got = sorted({r["amazon-order-id"] for r in rows(text)})
    for name in ("brand-na", "brand-vendor"):
        seller = sb.config.new_seller(name)
        assert seller is not sb.app.ctx.sellers[name] and seller.seed == sb.app.ctx.sellers[name].seed
    want = {name: sorted({i.amazon_order_id for i in sb.config.new_seller(name).order_items(US, DAY)})
            for name in ("brand-na", "brand-vendor")}
    assert got == want["brand-na"] and got
    assert not set(want["brand-na"]) & set(want["brand-vendor"])  # two accounts, two sets of orders


def test_a_vendor_and_a_seller_in_one_server_each_get_their_roles_answers(accounts):
    sb, apis = accounts
    seller, vendor = apis["brand-na"], apis["brand-vendor"]
    options = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
    refused = seller.create_report("GET_VENDOR_SALES_REPORT", (US,), options=options, **WINDOW)
    assert refused.status_code == 403 and "this account is a seller" in refused.json()["errors"][0]["details"]
    report = vendor.wait_report(vendor.create_report("GET_VENDOR_SALES_REPORT", (US,), options=options,
                                                     **WINDOW).json()["reportId"])
    assert report["processingStatus"] == "DONE"
    doc = httpx.get(vendor.document(report["reportDocumentId"])["url"])
    sales = json.loads(gzip.decompress(doc.content))["salesByAsin"]
    shipped = sum(i.quantity for i in sb.config.new_seller("brand-vendor").order_items(US, DAY) if i.shipped)
    assert sum(s["shippedUnits"] for s in sales) == shipped

    r = seller.call("createQuery", "POST", QUERIES, json={"query": VENDOR_QUERY})
    assert r.status_code == 403 and r.json()["errors"][0]["details"] == \
        "Vendor datasets are available to vendor accounts only."
    assert vendor.call("createQuery", "POST", QUERIES, json={"query": VENDOR_QUERY}).status_code == 202


def test_a_grantless_token_opens_no_account():
    with SandboxServer(SandboxConfig(**FAST)) as sb:
        client_id, secret, _ = tenant_credentials(DEFAULT_TENANT)
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                "scope": "sellingpartnerapi::notifications"}
        token = httpx.post(sb.url + "/auth/o2/token", data=form).json()["access_token"]
        r = httpx.get(sb.url + REPORTS, params={"reportTypes": ORDERS}, headers={"x-amz-access-token": token})
        assert r.status_code == 403 and "grantless" in r.json()["errors"][0]["details"]


def test_tenants_are_checked():
    with pytest.raises(ValueError, match="distinct"):
        SandboxConfig(tenants=(Tenant("a"), Tenant("a")))
    with pytest.raises(ValueError, match="account 'b' has marketplace ids"):
        SandboxConfig(tenants=(Tenant("b", ("A1F83G8C2ARO7P",)),))
    with pytest.raises(ValueError, match="per tenant"):
        SandboxConfig(vendor=True, tenants=(Tenant("a"),))
    with pytest.raises(KeyError, match="no account 'c'"):
        SandboxConfig(tenants=(Tenant("a"),)).new_seller("c")
    default = SandboxConfig(marketplace_ids=(US,), vendor=True)
    assert default.accounts == (Tenant(DEFAULT_TENANT, (US,), vendor=True),)
    assert default.new_seller().seed == 7 and default.new_seller().seller_id == "A2SANDBOXSELLER"


def test_the_embedded_sandbox_serves_every_configured_account_with_its_own_credentials(tmp_path, monkeypatch):
    from pipelines import resources
    from pipelines.config import Account, Settings
    from pipelines.spapi.errors import ConfigError
    from pipelines.spapi.http import SpApiClient

    monkeypatch.setenv("SPAPI_SANDBOX_TIME_SCALE", "1")
    accounts = (Account("brand-us", "na", (US,)), Account("brand-vendor", "na", (US,), account_type="vendor"))
    settings = Settings(sandbox=True, accounts=accounts, start_date=DAY, warehouse_path=tmp_path / "w.duckdb")
    resources.stop_embedded_sandbox()
    try:
        server = resources.embedded_sandbox(settings)
        assert server.config.accounts == (Tenant("brand-us", (US,)), Tenant("brand-vendor", (US,), vendor=True))
        configs = {a.name: resources.client_config(settings, a) for a in accounts}
        assert {n: c.refresh_token for n, c in configs.items()} == {n: tenant_credentials(n)[2] for n in configs}
        for name, config in configs.items():
            with SpApiClient(config) as client:
                client.request("getReports", "GET", REPORTS, params={"reportTypes": ORDERS})
        assert [e["tenant"] for e in server.request_log] == ["brand-us", "brand-vendor"]
        with pytest.raises(ConfigError, match="'other' is not one of the embedded sandbox's accounts"):
            resources.client_config(settings, Account("other", "na", (US,)))
    finally:
        resources.stop_embedded_sandbox()
