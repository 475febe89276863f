"""What the Dagster resource builds from the environment (no network)."""
from pipelines.config import Settings
from pipelines.resources import client_config


def test_real_credentials_share_usage_plans_across_processes_beside_the_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("SPAPI_CLIENT_ID", "amzn1.application-oa2-client.test")
    monkeypatch.setenv("SPAPI_CLIENT_SECRET", "not-a-real-secret")
    monkeypatch.setenv("SPAPI_REFRESH_TOKEN", "Atzr|not-a-real-token")
    monkeypatch.setenv("SPAPI_REGION", "eu")
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "amazon.duckdb"))
    settings = Settings.from_env()
    [account] = settings.accounts
    assert not settings.sandbox and account.marketplace_ids == ("A1PA6795UKMFR9",)
    config = client_config(settings, account)
    assert config.rate_limit_dir == tmp_path / ".spapi-rate-limits"
    assert config.api_endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert "not-a-real-secret" not in repr(config)
