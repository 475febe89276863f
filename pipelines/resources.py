"""Dagster resources: the SP-API connection(s) and the DuckDB warehouse.

With no credentials in the environment, ``SpApiResource`` starts the embedded
local sandbox (one per process, on a free loopback port) and points the client
at it; every log line and materialization then says ``source: sandbox``.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from pipelines.config import CREDENTIAL_VARS, PII_VAR, Account, Settings
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.datakiosk import DataKioskApi
from pipelines.spapi.errors import ConfigError
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.reports import ReportsApi
from pipelines.sync import SyncResult, Target
from pipelines.warehouse import Warehouse
from pipelines.workfiles import folder_for

log = logging.getLogger("pipelines.resources")

_lock = threading.Lock()
_embedded: dict[str, object] = {}
_clients: dict[tuple, SpApiClient] = {}
T = TypeVar("T")


def embedded_sandbox(settings: Settings):
    """The process's embedded sandbox server, started on first use, with one sandbox
    account (tenant) per configured account: its name, marketplaces and role."""
    from pipelines.sandbox.config import Tenant
    from pipelines.sandbox.server import SandboxConfig, SandboxServer

    with _lock:
        if "server" not in _embedded:
            cfg = SandboxConfig(
                orders_per_day=int(os.environ.get("SPAPI_SANDBOX_ORDERS_PER_DAY", "40")),
                time_scale=float(os.environ.get("SPAPI_SANDBOX_TIME_SCALE", "200")),
                processing_delay=float(os.environ.get("SPAPI_SANDBOX_PROCESSING_DELAY", "0.5")),
                dk_page_records=int(os.environ.get("SPAPI_SANDBOX_DK_PAGE_RECORDS", "1000")),
                tenants=tuple(Tenant(a.name, tuple(a.marketplace_ids), vendor=a.account_type == "vendor")
                              for a in settings.accounts),
            )
            server = SandboxServer(cfg, host="127.0.0.1", port=0)
            server.__enter__()
            _embedded["server"] = server
            log.warning("NO SP-API CREDENTIALS SET: using the embedded LOCAL SANDBOX at %s "
                        "(synthetic data, written to %s)", server.url, settings.warehouse_path)
        return _embedded["server"]


def stop_embedded_sandbox() -> None:
    """Stop the process's embedded sandbox (the next use starts a fresh one)."""
    with _lock:
        server = _embedded.pop("server", None)
    if server is not None:
        server.__exit__(None, None, None)


def client_config(settings: Settings, account: Account) -> SpApiConfig:
    """The account's credentials from the environment, or the embedded sandbox's."""
    if account.credential_vars is not None:
        # Usage plans are per account, not per process: share the buckets through
        # a folder beside the warehouse, so parallel Dagster steps spend one quota.
        config = SpApiConfig.from_env(os.environ, credential_vars=account.credential_vars, region=account.region)
        return dataclasses.replace(config, rate_limit_dir=settings.warehouse_path.parent / ".spapi-rate-limits")
    from pipelines.sandbox.credentials import tenant_credentials

    server = embedded_sandbox(settings)
    served = [t.name for t in server.config.accounts]
    if account.name not in served:
        raise ConfigError(f"account {account.name!r} is not one of the embedded sandbox's accounts {served} "
                          f"(it was started for other settings: stop_embedded_sandbox() first)")
    client_id, client_secret, refresh_token = tenant_credentials(account.name)
    return SpApiConfig(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token,
                       region=account.region, endpoint=server.url, lwa_endpoint=server.url + "/auth/o2/token",
                       poll_initial=0.1, poll_max=2.0)


def shared_client(settings: Settings, account: Account) -> SpApiClient:
    """One client per process and account, so every asset of a run shares its
    access token and rate-limit buckets."""
    config = client_config(settings, account)
    key = (config.endpoint, config.lwa_endpoint, config.client_id, config.refresh_token, config.region)
    with _lock:
        if key not in _clients:
            _clients[key] = SpApiClient(config)
        return _clients[key]


@dataclass(frozen=True)
class AccountApi:
    """One account's SP-API access and where its rows go."""

    account: Account
    client: SpApiClient
    target: Target

    def reports(self, restricted: bool = False) -> ReportsApi:
        """Reports API calls; ``restricted``: documents fetched with a Restricted Data Token (PII reports)."""
        return ReportsApi(self.client, restricted=restricted)

    def datakiosk(self) -> DataKioskApi:
        return DataKioskApi(self.client)


class AccountsFailed(RuntimeError):
    """Some accounts failed; the others' rows were landed."""


# The environment variable each SpApiResource field stands for: pipelines/config.py parses
# and validates them, whether they come from the environment or from the resource's fields.
SETTING_VARS = {
    "accounts_file": "SPAPI_ACCOUNTS_FILE",
    "region": "SPAPI_REGION",
    "marketplace_ids": "SPAPI_MARKETPLACE_IDS",
    "account_name": "SPAPI_ACCOUNT",
    "account_type": "SPAPI_ACCOUNT_TYPE",
    "pii_reports": PII_VAR,
    "start_date": "SPAPI_START_DATE",
    "client_id": CREDENTIAL_VARS[0],
    "client_secret": CREDENTIAL_VARS[1],
    "refresh_token": CREDENTIAL_VARS[2],
}


class SpApiResource(ConfigurableResource):
    """Selling Partner API access (Reports and Data Kiosk) for every configured account.

    Its fields are what a user sets (shown in the UI); credentials are ``EnvVar``s,
    so Dagster config, logs and metadata hold only the variables' names. Without
    credentials the embedded local sandbox is used."""

    accounts_file: str | None = Field(
        default=None, description="TOML file of [[account]] entries (SPAPI_ACCOUNTS_FILE); when set, the "
                                  "single-account fields below are not used")
    region: str = Field(default="na", description="Region of the single account: na, eu or fe (SPAPI_REGION)")
    marketplace_ids: list[str] = Field(
        default_factory=list, description="Marketplace ids of the single account (SPAPI_MARKETPLACE_IDS); "
                                          "empty: the region's main marketplace")
    account_name: str | None = Field(
        default=None, description="The single account's name in every row's _account (SPAPI_ACCOUNT)")
    account_type: str = Field(default="seller", description="seller or vendor (SPAPI_ACCOUNT_TYPE)")
    pii_reports: bool = Field(
        default=False, description="Opt in to reports with buyer names and addresses (SPAPI_PII_REPORTS)")
    start_date: str | None = Field(
        default=None, description="First day of the partitions, YYYY-MM-DD (SPAPI_START_DATE)")
    client_id: str | None = Field(default=None, description="LWA client id: EnvVar SPAPI_CLIENT_ID")
    client_secret: str | None = Field(default=None, description="LWA client secret: EnvVar SPAPI_CLIENT_SECRET")
    refresh_token: str | None = Field(default=None, description="LWA refresh token: EnvVar SPAPI_REFRESH_TOKEN")

    @classmethod
    def holding(cls, settings: Settings, env: Mapping[str, str] | None = None) -> "SpApiResource":
        """The resource whose fields hold ``settings`` (its start date too, so runs see
        the partitions' first day), the accounts file ``env`` names, and the credentials
        ``env`` sets as ``EnvVar`` (none set: the embedded sandbox)."""
        env = os.environ if env is None else env
        fields: dict = {"start_date": settings.start_date.isoformat()}
        if env.get(SETTING_VARS["accounts_file"]):
            fields["accounts_file"] = env[SETTING_VARS["accounts_file"]]
        else:
            [account] = settings.accounts
            fields.update(region=account.region, marketplace_ids=list(account.marketplace_ids),
                          account_name=account.name, account_type=account.account_type,
                          pii_reports=account.pii_reports)
        for name in ("client_id", "client_secret", "refresh_token"):
            if env.get(SETTING_VARS[name]):
                fields[name] = EnvVar(SETTING_VARS[name])
        return cls(**fields)

    def settings_env(self) -> dict[str, str]:
        """What Settings parses: the process's environment (WAREHOUSE_PATH, the credential
        variables an accounts file names) with each field in place of its variable."""
        env = {k: v for k, v in os.environ.items() if k not in SETTING_VARS.values()}
        for name, var in SETTING_VARS.items():
            value = getattr(self, name)
            if isinstance(value, EnvVar):  # not resolved yet (when definitions load)
                value = value.get_value()
            if value is None or value == []:
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            env[var] = ",".join(value) if isinstance(value, list) else str(value)
        return env

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.settings_env())

    @property
    def source(self) -> str:
        return "sandbox" if self.settings.sandbox else "amazon"

    def for_each_account(self, account_type: str, warehouse: "WarehouseResource",
                         sync: Callable[[AccountApi], SyncResult], names: Collection[str] | None = None) -> SyncResult:
        """Run ``sync`` for every account of ``account_type`` (only those in ``names``,
        the run's account partitions, if given) at once (waits overlap); merge what
        landed. One account's failure does not stop the others: their rows land,
        then AccountsFailed names every account that failed and why."""
        settings = self.settings
        wh = warehouse.warehouse()
        apis = [AccountApi(a, shared_client(settings, a), Target(wh, a.name, self.source, folder_for(wh.path)))
                for a in settings.accounts_of(account_type) if names is None or a.name in names]
        results, failures = [], []
        with ThreadPoolExecutor(max_workers=max(1, len(apis))) as pool:
            futures = [(api, pool.submit(sync, api)) for api in apis]
            for api, fut in futures:
                try:
                    results.append(fut.result())
                except Exception as exc:
                    if len(apis) == 1:
                        raise
                    log.error("account %s failed: %s", api.account.name, exc)
                    failures.append((api.account.name, exc))
        if failures:
            raise AccountsFailed("; ".join(f"account {name}: {type(e).__name__}: {e}" for name, e in failures)
                                 + f" ({len(results)} other account(s) landed)")
        return SyncResult.merge(results)


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file (WAREHOUSE_PATH, or data/sandbox.duckdb / data/amazon.duckdb), or the
    DuckLake that WAREHOUSE_URL names, which many processes and hosts write at once (work files then
    still go beside WAREHOUSE_PATH)."""

    path: str = Field(default="", description="The DuckDB file (WAREHOUSE_PATH); empty: data/sandbox.duckdb "
                                              "without credentials, data/amazon.duckdb with them")
    url: str = Field(default="", description="A DuckLake, as ducklake:postgres:<libpq connection string> "
                                             "(WAREHOUSE_URL); empty: the DuckDB file")
    data_path: str = Field(default="", description="Where a new DuckLake's Parquet files go (WAREHOUSE_DATA_PATH)")

    def warehouse(self) -> Warehouse:
        path = Path(self.path) if self.path else Settings.from_env().warehouse_path
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **({"WAREHOUSE_URL": self.url} if self.url else {}),
               **({"WAREHOUSE_DATA_PATH": self.data_path} if self.data_path else {})}
        return Warehouse.configured(path, env)
