"""Configuration, regions and usage plans."""
from __future__ import annotations

import pytest

from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.errors import ConfigError
from pipelines.spapi.regions import LWA_ENDPOINT, MARKETPLACES, REGIONS, USAGE_PLANS, load_model, parse_usage_plans

ENV = {"SPAPI_CLIENT_ID": "app-id", "SPAPI_CLIENT_SECRET": "s3cret", "SPAPI_REFRESH_TOKEN": "Atzr|r"}


def test_from_env_defaults_to_na_production_hosts():
    cfg = SpApiConfig.from_env(ENV)
    assert cfg.region == "na"
    assert cfg.api_endpoint == "https://sellingpartnerapi-na.amazon.com"
    assert cfg.token_endpoint == LWA_ENDPOINT == "https://api.amazon.com/auth/o2/token"
    assert cfg.user_agent.startswith("spapi-duckdb/0.1 (Language=Python/3.")


def test_from_env_region_and_overrides():
    cfg = SpApiConfig.from_env({**ENV, "SPAPI_REGION": "FE", "SPAPI_ENDPOINT": "http://127.0.0.1:9/",
                                "SPAPI_LWA_ENDPOINT": "http://127.0.0.1:9/auth/o2/token"})
    assert cfg.region == "fe"
    assert cfg.api_endpoint == "http://127.0.0.1:9"
    assert cfg.token_endpoint == "http://127.0.0.1:9/auth/o2/token"


@pytest.mark.parametrize("missing", sorted(ENV))
def test_from_env_names_the_missing_variable(missing):
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        SpApiConfig.from_env(env)


def test_invalid_region_names_variable_and_allowed_values():
    with pytest.raises(ConfigError) as info:
        SpApiConfig.from_env({**ENV, "SPAPI_REGION": "us"})
    assert "SPAPI_REGION" in str(info.value) and "na, eu, fe" in str(info.value)


def test_invalid_endpoint_is_rejected():
    with pytest.raises(ConfigError, match="SPAPI_ENDPOINT"):
        SpApiConfig.from_env({**ENV, "SPAPI_ENDPOINT": "sellingpartnerapi-na.amazon.com"})


def test_repr_hides_secrets():
    text = repr(SpApiConfig.from_env(ENV))
    assert "s3cret" not in text and "Atzr|r" not in text


def test_regions_have_production_and_sandbox_hosts():
    for name, region in REGIONS.items():
        assert region.endpoint == f"https://sellingpartnerapi-{name}.amazon.com"
        assert region.sandbox_endpoint == f"https://sandbox.sellingpartnerapi-{name}.amazon.com"


def test_marketplace_table_covers_common_marketplaces():
    by_country = {m.country: m for m in MARKETPLACES.values()}
    assert set(by_country) >= {"US", "CA", "MX", "BR", "UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "BE",
                               "TR", "IN", "AE", "SA", "EG", "JP", "AU", "SG"}
    assert by_country["US"].id == "ATVPDKIKX0DER" and by_country["US"].region == "na"
    assert by_country["DE"].id == "A1PA6795UKMFR9" and by_country["DE"].region == "eu"
    assert by_country["JP"].id == "A1VC38T7YXB528" and by_country["JP"].region == "fe"


def test_usage_plans_come_from_the_models():
    assert USAGE_PLANS["createReport"] == (0.0167, 15)
    assert USAGE_PLANS["getReport"] == (2.0, 15)
    assert USAGE_PLANS["getReports"] == (0.0222, 10)
    assert USAGE_PLANS["getReportDocument"] == (0.0167, 15)
    assert USAGE_PLANS["createQuery"] == (0.0167, 15)
    assert USAGE_PLANS["getQuery"] == (2.0, 15)
    assert USAGE_PLANS["getDocument"] == (0.0167, 15)
    assert USAGE_PLANS["createRestrictedDataToken"] == (1.0, 10)
    reports = load_model("reports_2021-06-30.json")
    operations = {op["operationId"] for item in reports["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op}
    assert operations <= set(USAGE_PLANS)


def test_missing_usage_plan_is_an_error():
    model = {"paths": {"/x": {"get": {"operationId": "getX", "description": "no plan here"}}}}
    with pytest.raises(ValueError, match="getX"):
        parse_usage_plans(model)
