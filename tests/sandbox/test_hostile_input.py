"""Hostile input: the sandbox answers malformed requests as Amazon's front door does (4xx in the
SP-API errors shape, OAuth errors at LWA), never 5xx, and a bad request changes nothing later
requests see. The fuzz is deterministic (a seeded generator) and bounded (a few hundred requests)."""
from __future__ import annotations

import base64
import json
import random
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from pipelines.sandbox.reports import ReportsApi, Schedule
from pipelines.sandbox.server import SandboxConfig, SandboxServer

from .conftest import DE, US, make_api, rows

REPORTS = "/reports/2021-06-30/reports"
SCHEDULES = "/reports/2021-06-30/schedules"
QUERIES = "/dataKiosk/2023-11-15/queries"
RDT = "/tokens/2021-03-01/restrictedDataToken"
LWA = "/auth/o2/token"
LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
INVENTORY = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
TIMEOUT = 1.0  # SandboxConfig.connection_timeout of these tests
SEED = 20240601

NOW = datetime.now(timezone.utc)
DAY = [(NOW - timedelta(days=d)).replace(hour=0, minute=0, second=0, microsecond=0).isoformat() for d in (9, 8)]
DK_DAY = [(NOW - timedelta(days=d)).date().isoformat() for d in (9, 8)]
BAD_DATES = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00",
             "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "0000-00-00T00:00:00Z",
             "2025-02-30T00:00:00Z", "yesterday", "", "T", "2025-01-01T25:00:00Z", "+002025-01-01T00:00:00Z"]
WRONG_TYPES = [None, True, False, 0, -1, 10**30, -(10**30), 1.5, 1e308, "", "x" * 5000, "\udcff", [], [1, [2]],
               {}, {"a": {"b": [None]}}, ["ATVPDKIKX0DER"] * 30]


def dk_query(marketplaces=(US,)) -> str:
    return (f'query {{ analytics_salesAndTraffic_2024_04_24 {{ salesAndTrafficByDate(startDate: "{DK_DAY[0]}", '
            f'endDate: "{DK_DAY[1]}", aggregateBy: DAY, marketplaceIds: {json.dumps(list(marketplaces))}) '
            f'{{ startDate marketplaceId sales {{ unitsOrdered }} }} }} }}')


VALID = {  # operation → (path, a valid body)
    "createReport": (REPORTS, lambda: {"reportType": ORDERS, "marketplaceIds": [US], "dataStartTime": DAY[0],
                                       "dataEndTime": DAY[1]}),
    "createReportSchedule": (SCHEDULES, lambda: {"reportType": INVENTORY, "marketplaceIds": [US], "period": "P1D",
                                                 "nextReportCreationTime": (NOW + timedelta(days=1)).isoformat()}),
    "createQuery": (QUERIES, lambda: {"query": dk_query()}),
    "createRestrictedDataToken": (RDT, lambda: {"restrictedResources": [
        {"method": "GET", "path": "/reports/2021-06-30/documents/{reportDocumentId}"}]}),
}
DATE_FIELDS = {"createReport": ("dataStartTime", "dataEndTime"), "createReportSchedule": ("nextReportCreationTime",)}
GET_PATHS = [REPORTS + "/{id}", SCHEDULES + "/{id}", "/reports/2021-06-30/documents/{id}", QUERIES + "/{id}",
             "/dataKiosk/2023-11-15/documents/{id}"]
ODD_IDS = ["x" * 3000, "%00", "..", "%2F%2F", "%C3%A9", "-1", "99999999999999999999999", "%FF%FE", "1e9", " ", "%20"]
ODD_PATHS = ["/", "//", "/reports", "/reports/2021-06-30/nope", REPORTS + "/1/extra", "/auth/o2", "/_sandbox/x",
             "/dataKiosk/2023-11-15/queries/1/documents", "/tokens/2021-03-01", "/%ZZ", "/" + "a/" * 500]
ODD_METHODS = ["FOO", "TRACE", "OPTIONS", "HEAD", "PROPFIND", "PATCH", "PUT", "get"]


@pytest.fixture
def hostile():
    """A private sandbox with a 1 s connection timeout and rate limits that never bind."""
    config = SandboxConfig(time_scale=1e6, processing_delay=0.05, connection_timeout=TIMEOUT)
    with SandboxServer(config) as sb:
        api = make_api(sb)
        yield api
        api.http.close()


# ---- the fuzz ----------------------------------------------------------------------------------------
def deep_json(rng: random.Random) -> bytes:
    depth = rng.choice([33, 200, 999, 1000, 5000, 50_000])
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    inner = b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"reportType": ' + inner + b', "marketplaceIds": ["ATVPDKIKX0DER"]}' if rng.random() < 0.5 else inner


def non_utf8(rng: random.Random) -> bytes:
    junk = bytes(rng.choice([0x80, 0xC0, 0xC3, 0xED, 0xF5, 0xFE, 0xFF]) for _ in range(rng.randint(1, 8)))
    return b'{"reportType": "' + junk + b'", "query": "' + junk + b'"}'


def wrong_type(rng: random.Random, body: dict) -> dict:
    """``body`` with one field, top-level or nested, replaced by a value of another type (or dropped)."""
    spots = [(body, k) for k in body]
    for value in body.values():
        if isinstance(value, list) and value:
            spots.append((value, 0))
            if isinstance(value[0], dict):
                spots += [(value[0], k) for k in value[0]]
    holder, key = rng.choice(spots)
    if isinstance(holder, dict) and rng.random() < 0.15:
        del holder[key]
    else:
        holder[key] = rng.choice(WRONG_TYPES)
    return body


def forged_tokens(rng: random.Random, real: str) -> list[str]:
    noise = base64.urlsafe_b64encode(rng.randbytes(rng.randint(0, 64))).decode()
    shaped = base64.urlsafe_b64encode(json.dumps({"f": {"types": 1}, "o": -5, "s": 0}).encode()).decode()
    flipped = real[:-1] + ("A" if real[-1] != "A" else "B")
    return [noise, shaped, shaped + ".0123456789abcdef0123456789abcdef", flipped, real + ".", real[::-1], "...",
            "é" * 10, "x" * 10_000, "%", real.split(".")[0], "null"]


def fuzz_requests(rng: random.Random, tokens: dict[str, str]) -> list[tuple[str, str, dict]]:
    """(method, path, httpx keyword arguments) for every hostile request, shuffled."""
    out: list[tuple[str, str, dict]] = []
    json_type = {"Content-Type": "application/json"}
    for op, (path, valid) in VALID.items():
        for _ in range(12):
            out.append(("POST", path, {"json": wrong_type(rng, valid())}))
        for _ in range(4):
            out.append(("POST", path, {"content": deep_json(rng), "headers": json_type}))
            out.append(("POST", path, {"content": non_utf8(rng), "headers": json_type}))
        for field in DATE_FIELDS.get(op, ()):
            for bad in BAD_DATES:
                out.append(("POST", path, {"json": {**valid(), field: bad}}))
        out.append(("POST", path, {"content": b"not json", "headers": json_type}))
        out.append(("POST", path, {"content": b'{"reportType": NaN}', "headers": json_type}))
        out.append(("POST", path, {"content": b"1" * 5000, "headers": json_type}))
        out.append(("POST", path, {"content": b"{}", "headers": {"Content-Type": "text/xml"}}))
    for query in ("{" * 4000, "query { " + "a { " * 1900 + "}" * 1901, "query", "\udcff", "mutation { x }"):
        out.append(("POST", QUERIES, {"json": {"query": query}}))
    for token in forged_tokens(rng, tokens["reports"]):
        out.append(("GET", REPORTS, {"params": {"nextToken": token}}))
    for token in forged_tokens(rng, tokens["queries"]):
        out.append(("GET", QUERIES, {"params": {"paginationToken": token}}))
        out.append(("POST", QUERIES, {"json": {"query": dk_query(), "paginationToken": token}}))
    out.append(("GET", REPORTS, {"params": {"nextToken": tokens["reports"], "reportTypes": LISTINGS}}))
    for _ in range(25):
        params = {"reportTypes": rng.choice([LISTINGS, "NOPE", ",,,", "x" * 300, ",".join([ORDERS] * 11)]),
                  rng.choice(["pageSize", "createdSince", "createdUntil", "processingStatuses", "marketplaceIds",
                              "unknownParam", "pageSize[]"]):
                      rng.choice(["-1", "0", "101", "1e3", "9" * 5000, "abc", "", *BAD_DATES, "DONE,NOPE"])}
        out.append(("GET", rng.choice([REPORTS, QUERIES, SCHEDULES]), {"params": params}))
    for template in GET_PATHS:
        for odd in rng.sample(ODD_IDS, 5):
            out.append((rng.choice(["GET", "DELETE"]), template.format(id=odd), {}))
    for path in ODD_PATHS:
        out.append((rng.choice(["GET", "POST", "DELETE"]), path, {"content": b"{}"}))
    for method in ODD_METHODS:
        for path in (REPORTS, REPORTS + "/1", QUERIES, LWA, "/nowhere", "/_sandbox/clock"):
            out.append((method, path, {}))
    lwa_bodies = [(deep_json(rng), "application/json"), (b"[1, 2]", "application/json"),
                  (b'{"grant_type": {"a": 1}}', "application/json"), (b"\xff\xfe\x00grant_type", "application/json"),
                  (b"grant_type=refresh_token&client_id=\xff\xfe", "application/x-www-form-urlencoded"),
                  (b"&&&===&", "application/x-www-form-urlencoded"), (b"", "application/json")]
    for content, ctype in lwa_bodies:
        out.append(("POST", LWA, {"content": content, "headers": {"Content-Type": ctype}}))
    for path in ("/_sandbox/faults", "/_sandbox/clock"):
        for content in (deep_json(rng), non_utf8(rng), b"[]", b'{"fault": {"a": []}}', b'{"now": 5}',
                        b'{"now": "0001-01-01T00:00:00Z"}', b'{"now": "9999-12-31T23:59:59-14:00"}'):
            out.append(("POST", path, {"content": content, "headers": json_type}))
    rng.shuffle(out)
    return out


def check_shape(method: str, path: str, r: httpx.Response) -> None:
    """No 5xx; errors in the shape of the path's API; HEAD answers without a body."""
    where = f"{method} {path[:80]} -> {r.status_code} {r.content[:200]!r}"
    assert r.status_code < 500, where
    assert r.headers.get("x-amzn-RequestId"), where
    if method == "HEAD":
        assert r.content == b"", where
        return
    if r.status_code < 300 or path.startswith("/_documents/"):
        return
    body = r.json()
    if path == LWA:
        assert isinstance(body["error"], str) and isinstance(body["error_description"], str), where
        return
    assert isinstance(body["errors"], list) and body["errors"], where
    for err in body["errors"]:
        assert isinstance(err["code"], str) and isinstance(err["message"], str), where


def test_fuzz_never_answers_5xx_and_changes_nothing_later_requests_see(hostile):
    api = hostile
    created: set[str] = set()
    for _ in range(2):  # two reports and two queries, so that real pagination tokens exist
        created.add(api.create_report(ORDERS, start=DAY[0], end=DAY[1]).json()["reportId"])
        assert api.call("createQuery", "POST", QUERIES, json={"query": dk_query()}).status_code == 202
    tokens = {"reports": api.call("getReports", "GET", REPORTS, params={"reportTypes": ORDERS, "pageSize": 1})
              .json()["nextToken"],
              "queries": api.call("getQueries", "GET", QUERIES, params={"pageSize": 1})
              .json()["pagination"]["nextToken"]}

    requests = fuzz_requests(random.Random(SEED), tokens)
    assert len(requests) == 307  # bounded: the whole fuzz takes seconds
    for method, path, kwargs in requests:
        headers = {"x-amz-access-token": api.token, **kwargs.pop("headers", {})}
        if "json" in kwargs:  # encoded here: httpx refuses lone surrogates, JSON escapes them
            kwargs["content"] = json.dumps(kwargs.pop("json")).encode()
            headers["Content-Type"] = "application/json"
        r = api.http.request(method, path, headers=headers, **kwargs)
        check_shape(method, path, r)
        if method == "POST" and path == REPORTS and r.status_code == 202:
            created.add(r.json()["reportId"])  # a mutation that stayed valid (e.g. reportOptions {})

    # A normal flow still works, and the listing holds exactly the reports valid requests made:
    # no report from a refused request, none from a refused schedule (year 1 or otherwise).
    report_id = api.create_report(LISTINGS, (US, DE)).json()["reportId"]
    created.add(report_id)
    assert api.wait_report(report_id)["processingStatus"] == "DONE"
    listed = api.call("getReports", "GET", REPORTS,
                      params={"reportTypes": f"{ORDERS},{LISTINGS},{INVENTORY}", "pageSize": 100}).json()
    assert "nextToken" not in listed
    assert {r["reportId"] for r in listed["reports"]} == created
    schedules = api.call("getReportSchedules", "GET", SCHEDULES, params={"reportTypes": INVENTORY}).json()
    assert all(s["nextReportCreationTime"] > NOW.isoformat() for s in schedules["reportSchedules"])


def test_year_one_schedule_is_refused_and_reports_still_list(hostile):
    api = hostile
    body = {"reportType": LISTINGS, "marketplaceIds": [US], "period": "PT5M",
            "nextReportCreationTime": "0001-01-01T00:00:00Z"}
    r = api.call("createReportSchedule", "POST", SCHEDULES, json=body)
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "Invalid nextReportCreationTime: 0001-01-01T00:00:00Z is out of range"
    old = (datetime.now(timezone.utc) - timedelta(days=91)).isoformat()
    r = api.call("createReportSchedule", "POST", SCHEDULES, json={**body, "nextReportCreationTime": old})
    assert r.status_code == 400 and "more than 90 days ago" in r.json()["errors"][0]["message"]
    far = api.call("createReportSchedule", "POST", SCHEDULES,
                   json={**body, "period": "P1M", "nextReportCreationTime": "9998-12-31T23:59:59Z"})
    assert far.status_code == 201
    for _ in range(2):
        listed = api.call("getReports", "GET", REPORTS, params={"reportTypes": LISTINGS})
        assert listed.status_code == 200 and listed.json()["reports"] == []
        assert api.call("getReport", "GET", f"{REPORTS}/1").status_code == 404


def test_a_schedule_stepping_past_the_calendar_stops_instead_of_failing(hostile):
    """Belt and braces behind validation: a period that overflows ends that schedule only."""
    reports: ReportsApi = hostile.sb.app.reports
    edge = datetime.min.replace(tzinfo=timezone.utc) + timedelta(minutes=1)
    reports._schedules["1"] = Schedule("1", LISTINGS, [US], {}, "PT5M", edge)
    listed = hostile.call("getReports", "GET", REPORTS, params={"reportTypes": LISTINGS})
    assert listed.status_code == 200 and listed.json()["reports"] == []
    assert "1" not in reports._schedules


def test_forged_tokens_name_the_parameter(hostile):
    api = hostile
    for _ in range(2):
        api.create_report(LISTINGS)
    token = api.call("getReports", "GET", REPORTS, params={"reportTypes": LISTINGS, "pageSize": 1}).json()["nextToken"]
    assert api.call("getReports", "GET", REPORTS, params={"nextToken": token}).status_code == 200
    payload, mac = token.split(".")
    state = json.loads(base64.urlsafe_b64decode(payload))
    state["o"] = -5  # an edited offset keeps the old signature
    edited = base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode() + "." + mac
    r = api.call("getReports", "GET", REPORTS, params={"nextToken": edited})
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "Invalid nextToken: it was not issued by this server"
    r = api.call("getQueries", "GET", QUERIES, params={"paginationToken": token})  # another operation's token
    assert r.status_code == 400 and "paginationToken" in r.json()["errors"][0]["message"]


@pytest.mark.parametrize("body,message", [
    ({"reportType": ORDERS, "marketplaceIds": [US, 7]}, "Invalid request body: marketplaceIds[1] must be a string"),
    ({"reportType": ORDERS, "marketplaceIds": [US], "dataStartTime": 5},
     "Invalid request body: dataStartTime must be a string"),
    ({"reportType": ORDERS, "marketplaceIds": [US], "reportOptions": {"a": 1}},
     "Invalid request body: reportOptions.a must be a string"),
    ({"reportType": ["x"], "marketplaceIds": [US]}, "Invalid request body: reportType must be a string"),
    ({"marketplaceIds": [US]}, "Invalid request body: reportType is required"),
])
def test_wrong_types_are_named(hostile, body, message):
    r = hostile.call("createReport", "POST", REPORTS, json=body)
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == message


def test_deep_json_and_non_utf8_are_400(hostile):
    headers = {"x-amz-access-token": hostile.token, "Content-Type": "application/json"}
    r = hostile.http.post(REPORTS, content=b"[" * 50_000, headers=headers)
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == ("The request body is not valid JSON: "
                                                "the JSON is nested more than 32 levels deep")
    r = hostile.http.post(REPORTS, content=b'{"reportType": "\xff"}', headers=headers)
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == ("The request body is not valid JSON: "
                                                "the body is not UTF-8 (invalid byte at offset 16)")
    r = hostile.http.post(LWA, content=b"[" * 50_000, headers=headers)
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": "Malformed JSON body: the JSON is nested more than 32 levels deep"}


# ---- the transport ---------------------------------------------------------------------------------------
def exchange(sb: SandboxServer, data: bytes) -> bytes:
    """Send ``data`` on a new connection; everything the server answers until it closes."""
    with socket.create_connection((sb.host, sb.port), timeout=TIMEOUT + 5) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def stall(sb: SandboxServer, answers: list) -> None:
    """Declare a 1000-byte body, send 10 bytes, and record (answer, seconds until the server closed)."""
    with socket.create_connection((sb.host, sb.port), timeout=TIMEOUT + 5) as s:
        s.sendall(f"POST {REPORTS} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n"
                  f"Content-Length: 1000\r\n\r\n0123456789".encode())
        started, chunks = time.monotonic(), []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        answers.append((b"".join(chunks), time.monotonic() - started))


def test_stalled_bodies_are_cut_off_and_other_connections_are_served(hostile):
    answers: list[tuple[bytes, float]] = []
    stalled = [threading.Thread(target=stall, args=(hostile.sb, answers)) for _ in range(3)]
    for t in stalled:
        t.start()
    report_id = hostile.create_report(LISTINGS).json()["reportId"]  # served while three connections hang
    assert hostile.wait_report(report_id)["processingStatus"] == "DONE"
    for t in stalled:
        t.join()
    assert len(answers) == 3
    for raw, took in answers:
        status, headers, body = parse(raw)
        assert status == 408 and headers["connection"] == "close"
        assert json.loads(body)["errors"][0]["code"] == "RequestTimeout"
        assert TIMEOUT * 0.9 <= took < TIMEOUT + 2.0


def test_oversized_body_is_refused_before_it_is_read(hostile):
    sb = hostile.sb
    raw = exchange(sb, f"POST {REPORTS} HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 10000000000\r\n\r\n{{"
                   .encode())
    status, headers, body = parse(raw)
    assert status == 413  # not 408: the server did not wait for the body it announced
    assert json.loads(body)["errors"][0] == {
        "code": "RequestEntityTooLarge", "message": "The request size exceeded the maximum accepted size.",
        "details": "A request body may have at most 1048576 bytes; this one declares 10000000000."}
    r = httpx.post(sb.url + QUERIES, content=b" " * 1_500_000, headers={"x-amz-access-token": hostile.token})
    assert r.status_code == 413 and r.json()["errors"][0]["code"] == "RequestEntityTooLarge"


@pytest.mark.parametrize("framing,status,code", [
    ("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411, "LengthRequired"),
    ("\r\n", 411, "LengthRequired"),
    ("Content-Length: -5\r\n\r\n", 400, "InvalidInput"),
    ("Content-Length: abc\r\n\r\n", 400, "InvalidInput"),
    ("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "InvalidInput"),
])
def test_unusable_body_framing(hostile, framing, status, code):
    raw = exchange(hostile.sb, f"POST {REPORTS} HTTP/1.1\r\nHost: sandbox\r\n{framing}".encode())
    got, headers, body = parse(raw)
    assert (got, json.loads(body)["errors"][0]["code"]) == (status, code)
    assert headers["connection"] == "close"


@pytest.mark.parametrize("method,path,status,allow", [
    ("FOO", REPORTS, 405, "GET, POST"),
    ("TRACE", f"{REPORTS}/1", 405, "DELETE, GET"),
    ("OPTIONS", QUERIES, 405, "GET, POST"),
    ("FOO", "/nowhere", 404, None),
])
def test_unknown_methods_answer_in_the_errors_shape(hostile, method, path, status, allow):
    r = hostile.http.request(method, path, headers={"x-amz-access-token": hostile.token})
    assert r.status_code == status and r.headers.get("allow") == allow
    assert r.headers["content-type"] == "application/json" and r.json()["errors"][0]["code"]


def test_head_answers_without_a_body_and_keeps_the_connection(hostile):
    raw = exchange(hostile.sb, f"HEAD {REPORTS}/1 HTTP/1.1\r\nHost: sandbox\r\n\r\n"
                               f"GET /nowhere HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n".encode())
    first, _, rest = raw.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 405 ") and b"Allow: DELETE, GET" in first
    assert rest.startswith(b"HTTP/1.1 404 ")  # the HEAD answer had no body: the next answer follows at once


def test_lwa_and_documents_keep_their_own_shapes(hostile):
    r = httpx.get(hostile.sb.url + LWA)
    assert r.status_code == 405 and r.json()["error"] == "invalid_request"
    r = httpx.post(hostile.sb.url + LWA, json={"grant_type": "refresh_token", "client_id": 5})
    assert r.status_code == 400 and r.json() == {"error": "invalid_request",
                                                 "error_description": "Malformed JSON body: parameter client_id "
                                                                      "must be a string"}
    r = httpx.post(hostile.sb.url + "/_documents/anything", content=b"")
    assert r.status_code == 405 and b"<Code>MethodNotAllowed</Code>" in r.content


@pytest.mark.parametrize("line,status,code", [
    (b"garbage\r\n\r\n", 400, "InvalidInput"),
    (b"GET / HTTP/2.0\r\n\r\n", 400, "InvalidInput"),  # the stdlib's 505: the client's error, not a 5xx
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "RequestURITooLong"),
    (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431, "RequestHeaderFieldsTooLarge"),
])
def test_garbled_requests_get_a_status_line_and_an_errors_body(hostile, line, status, code):
    got, headers, body = parse(exchange(hostile.sb, line))
    assert (got, json.loads(body)["errors"][0]["code"]) == (status, code) and headers["x-amzn-requestid"]


# ---- duplicates ---------------------------------------------------------------------------------------
def test_a_repeated_marketplace_counts_once(hostile):
    once, _ = hostile.report_text(ORDERS, (US, DE), start=DAY[0], end=DAY[1])
    twice, _ = hostile.report_text(ORDERS, (US, DE, US, DE), start=DAY[0], end=DAY[1])
    assert rows(twice) == rows(once) and len(rows(once)) > 0
    report_id = hostile.create_report(LISTINGS, (US, US)).json()["reportId"]
    assert hostile.get_report(report_id)["marketplaceIds"] == [US]


def test_a_repeated_marketplace_in_a_query_counts_once(hostile):
    def records(query: str) -> list[dict]:
        query_id = hostile.call("createQuery", "POST", QUERIES, json={"query": query}).json()["queryId"]
        deadline = time.monotonic() + 20
        while (q := hostile.call("getQuery", "GET", f"{QUERIES}/{query_id}").json())["processingStatus"] not in (
                "DONE", "FATAL", "CANCELLED"):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert q["processingStatus"] == "DONE", q
        doc = hostile.call("getDocument", "GET", f"/dataKiosk/2023-11-15/documents/{q['dataDocumentId']}").json()
        text = httpx.get(doc["documentUrl"]).text
        return [json.loads(line) for line in text.splitlines()]

    once = records(dk_query((US, DE)))
    assert records(dk_query((US, US, DE, US))) == once and len(once) == 4


def test_config_refuses_unusable_limits():
    with pytest.raises(ValueError, match="connection_timeout must be > 0"):
        SandboxConfig(connection_timeout=0)
    with pytest.raises(ValueError, match="max_body_bytes must be > 0"):
        SandboxConfig(max_body_bytes=-1)
