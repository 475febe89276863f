"""The contract validator itself must catch what the models forbid."""
from tests.contract import REPORTS_MODEL, check_request, check_response, request_problems


def test_a_valid_create_report_passes():
    op, problems = check_request("POST", "/reports/2021-06-30/reports", {},
                                 b'{"reportType": "GET_FBA_REIMBURSEMENTS_DATA", "marketplaceIds": ["ATVPDKIKX0DER"]}')
    assert op == "createReport" and problems == []


def test_what_the_reports_model_forbids_is_reported():
    assert request_problems(REPORTS_MODEL, "createReport", {}, {"marketplaceIds": []})  # no type, empty list
    _, problems = check_request("GET", "/reports/2021-06-30/reports",
                                {"nextToken": "abc", "pageSize": "10"}, None)
    assert any("only parameter" in p for p in problems)
    _, problems = check_request("GET", "/reports/2021-06-30/reports", {"pageSize": "500", "reportTypes": "X"}, None)
    assert any("pageSize" in p for p in problems)
    assert check_request("GET", "/nowhere", {}, None)[1]


def test_path_parameters_are_read_from_the_path():
    op, problems = check_request("GET", "/reports/2021-06-30/reports/12345", {}, None)
    assert op == "getReport" and problems == []


def test_a_response_off_its_schema_is_reported():
    assert check_response("getReport", 200, {"reportId": "1"})  # required fields missing
    assert check_response("getReport", 418, {})  # undocumented status
    assert check_response("createReport", 202, {"reportId": "1"}) == []
