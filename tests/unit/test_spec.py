"""The neutral spec readers return exactly what the official files say."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipelines.spec.datakiosk import dataset_schemas, minify, retention, two_years_before
from pipelines.spec.models import MAX_QUERY_CHARS, USAGE_PLANS, load_model, parse_usage_plans, query_size_limit

# Every operation's "Usage Plan" table, as written in the three model files.
LITERAL_PLANS = {
    "getReports": (0.0222, 10), "createReport": (0.0167, 15), "cancelReport": (0.0222, 10),
    "getReport": (2.0, 15), "getReportSchedules": (0.0222, 10), "createReportSchedule": (0.0222, 10),
    "cancelReportSchedule": (0.0222, 10), "getReportSchedule": (0.0222, 10), "getReportDocument": (0.0167, 15),
    "getQueries": (0.0222, 10), "createQuery": (0.0167, 15), "cancelQuery": (0.0222, 10), "getQuery": (2.0, 15),
    "getDocument": (0.0167, 15), "createRestrictedDataToken": (1.0, 10),
}


def test_usage_plans_are_the_models_tables():
    assert {op: tuple(plan) for op, plan in USAGE_PLANS.items()} == LITERAL_PLANS


def test_the_client_and_the_sandbox_read_the_same_plans():
    from pipelines.sandbox.operations import load_operations
    from pipelines.spapi.regions import USAGE_PLANS as client_plans

    assert client_plans is USAGE_PLANS
    assert {op.id: (op.rate, op.burst) for op in load_operations().values()} == LITERAL_PLANS


def test_query_size_limit_is_the_models_sentence():
    assert MAX_QUERY_CHARS == 8000
    model = load_model("dataKiosk_2023-11-15.json")
    model["definitions"]["CreateQuerySpecification"]["properties"]["query"]["description"] = (
        "The GraphQL query to submit. A query must be at most 1234 characters after unnecessary whitespace "
        "is removed.")
    assert query_size_limit(model) == 1234
    model["definitions"]["CreateQuerySpecification"]["properties"]["query"]["description"] = "The query."
    with pytest.raises(ValueError, match="states no size limit"):
        query_size_limit(model)


def test_an_operation_without_a_plan_is_an_error():
    with pytest.raises(ValueError, match="getX"):
        parse_usage_plans({"paths": {"/x": {"get": {"operationId": "getX", "description": "no plan"}}}})


def test_dataset_schemas_are_keyed_by_their_root_field():
    assert sorted(dataset_schemas()) == ["analytics_economics_2024_03_15", "analytics_salesAndTraffic_2024_04_24",
                                         "analytics_vendorAnalytics_2024_09_30"]


def test_retention_is_the_shortest_directive_of_the_selected_fields():
    economics = ('{analytics_economics_2024_03_15{economics(startDate:"2025-01-01" endDate:"2025-01-01" '
                 'marketplaceIds:["ATVPDKIKX0DER"]){msku fees{feeTypeName}}}}')
    assert retention(economics) == timedelta(days=30)
    assert retention("{unknownDataset{a}}") is None


def test_minify_and_the_two_year_rule():
    assert minify("query {\n  a(x: 1, y: [2, 3]) # c\n  { b }\n}") == "query{a(x:1 y:[2 3]){b}}"
    assert two_years_before(date(2026, 3, 1)) == date(2024, 3, 1)
    assert two_years_before(date(2028, 2, 29)) == date(2026, 2, 28)
