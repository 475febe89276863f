"""Amazon Selling Partner API client: LWA auth, usage-plan rate limits, retries,
Reports API and Data Kiosk flows with streamed, UTF-8 re-encoded documents.

    from pipelines.spapi import SpApiConfig, SpApiClient, ReportsApi, DataKioskApi
    with SpApiClient(SpApiConfig.from_env(os.environ)) as client:
        report = ReportsApi(client).fetch("GET_MERCHANT_LISTINGS_ALL_DATA", ["ATVPDKIKX0DER"], dest_dir=Path("data"))
"""
from .config import SpApiConfig
from .datakiosk import DataKioskApi, QueryRun
from .http import SpApiClient
from .reports import FetchedReport, ReportsApi

__all__ = ["DataKioskApi", "FetchedReport", "QueryRun", "ReportsApi", "SpApiClient", "SpApiConfig"]
