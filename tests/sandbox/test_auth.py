"""LWA token exchange, access-token checks and restricted data tokens."""
from __future__ import annotations

import time

from tests.contract import TOKENS_MODEL, validate_response

from .conftest import lwa

REPORT = "/reports/2021-06-30/reports/50000000001"


def test_lwa_issues_bearer_tokens(sandbox):
    body = lwa(sandbox.url).json()
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["refresh_token"]


def test_lwa_rejects_wrong_client_and_wrong_refresh_token(sandbox):
    r = lwa(sandbox.url, client_secret="wrong")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client" and r.json()["error_description"]
    r = lwa(sandbox.url, client_id="amzn1.application-oa2-client.other")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = lwa(sandbox.url, refresh_token="Atzr|not-this-one")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = lwa(sandbox.url, grant_type="password")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


def test_spapi_calls_need_a_valid_token(api):
    for token, detail in ((None, "missing"), ("Atza|forged", "is invalid")):
        headers = {"x-amz-access-token": token} if token else {}
        r = api.http.get(REPORT, headers=headers)
        assert r.status_code == 403
        assert r.headers["x-amzn-RequestId"]
        err = r.json()["errors"][0]
        assert err["code"] == "Unauthorized" and err["message"] == "Access to requested resource is denied."
        assert detail in err["details"]


def test_expired_token_is_refused(fresh):
    api = fresh(token_ttl=0.3)
    assert api.http.get(REPORT, headers={"x-amz-access-token": api.token}).status_code == 404
    time.sleep(0.35)
    r = api.http.get(REPORT, headers={"x-amz-access-token": api.token})
    assert r.status_code == 403
    assert r.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_restricted_data_token_opens_only_its_resources(api):
    r = api.call("createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken",
                 json={"restrictedResources": [{"method": "GET",
                                                "path": "/reports/2021-06-30/documents/{reportDocumentId}"}]})
    assert r.status_code == 200
    rdt = r.json()["restrictedDataToken"]
    assert rdt.startswith("Atz.sprdt|") and r.json()["expiresIn"] == 3600
    # usable as x-amz-access-token on the resource it names (404: no such document, but authorized)
    r = api.call("getReportDocument", "GET", "/reports/2021-06-30/documents/nope", token=rdt)
    assert r.status_code == 404
    r = api.call("getReports", "GET", "/reports/2021-06-30/reports",
                 params={"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"}, token=rdt)
    assert r.status_code == 403


def test_restricted_data_token_request_validation(api):
    for body in ({}, {"restrictedResources": []}, {"restrictedResources": [{"method": "", "path": "/x"}]}):
        r = api.call("createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken", json=body)
        assert r.status_code == 400
        validate_response(TOKENS_MODEL, "createRestrictedDataToken", 400, r.json())
