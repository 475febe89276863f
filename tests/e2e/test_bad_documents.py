"""A document that is not the report asked for fails its window and never deletes
landed rows; a well-formed empty document replaces them and says how many went.

Through the embedded sandbox's document faults, over HTTP, into DuckDB: with the
sync functions directly (one marketplace, fast) and with dagster.materialize."""
from __future__ import annotations

import gzip
import json
import logging
from datetime import datetime, time, timedelta, timezone

import httpx
import pytest

from pipelines import resources
from pipelines.catalog import entry
from pipelines.datakiosk_queries import load_queries
from pipelines.sandbox.document_faults import FOREIGN_HEADER, FOREIGN_JSON, HTML_PAGE
from pipelines.spapi.datakiosk import DataKioskApi
from pipelines.spapi.reports import ReportsApi
from pipelines.listed_reports import ListingCursor, list_new_reports
from pipelines.sync import Target, sync_listed_report, sync_query_window, sync_report_window
from pipelines.warehouse import ForeignDocumentError
from tests.e2e.conftest import LAST_DAY

US = "ATVPDKIKX0DER"
ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
BY_DATE = entry("sales_and_traffic_by_date")
SETTLEMENTS = entry("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2")
DK_BY_DATE = next(q for q in load_queries() if q.name == "sales_and_traffic_by_date")
START = datetime.combine(LAST_DAY, time(0), timezone.utc)
END = START + timedelta(days=1)
TEXT_UTF8 = "text/plain; charset=UTF-8"  # the US marketplace's flat files
JSON_UTF8 = "application/json; charset=UTF-8"
NOT_A_HEADER = "its first line is not a header of this report"


@pytest.fixture
def apis(sandbox_env, sandbox, warehouse):
    """Reports and Data Kiosk clients on the embedded sandbox, and where rows go."""
    account = sandbox_env.accounts[0]
    client = resources.shared_client(sandbox_env, account)
    return ReportsApi(client), DataKioskApi(client), Target(warehouse, account.name, "sandbox")


def contents(warehouse, table) -> list[tuple]:
    """Every row, every column (load times included), sorted: equal means untouched."""
    return warehouse.query(f'SELECT * FROM "{table}" ORDER BY ALL')


def served_document(reports, report_id) -> tuple[str, bytes]:
    """A report's document id and its real body (decompressed), fetched while no fault is armed."""
    document_id = reports.get_report(report_id)["reportDocumentId"]
    doc = reports.get_report_document(document_id)
    return document_id, gzip.decompress(httpx.get(doc["url"]).content)


def expected_error(report_id, report_type, document_id, problem, content_type, head: bytes) -> str:
    return (f"report {report_id} ({report_type}): document {document_id} is not a {report_type} document: "
            f"{problem} (Content-Type {content_type!r}, first bytes {head[:100]!r}). "
            "Nothing was landed or deleted: the rows already landed are kept.")


FLAT_FILE_FAULTS = {  # fault: (problem, or its start; Content-Type; what the first bytes are)
    "empty_document": ("it is empty (0 bytes once decompressed)", TEXT_UTF8, lambda real: b""),
    "empty_gzip": ("it is empty (0 bytes once decompressed)", TEXT_UTF8, lambda real: b""),
    "headerless": (NOT_A_HEADER, TEXT_UTF8, lambda real: real.split(b"\n", 1)[1]),
    "html_document": (NOT_A_HEADER, "text/html; charset=UTF-8", lambda real: HTML_PAGE.encode()),
    "foreign_header": (NOT_A_HEADER, TEXT_UTF8, lambda real: "\t".join(FOREIGN_HEADER).encode()),
    "wrong_json": (NOT_A_HEADER, JSON_UTF8, lambda real: json.dumps(FOREIGN_JSON, indent=2).encode()),
}


@pytest.mark.parametrize("fault", FLAT_FILE_FAULTS)
def test_a_bad_flat_file_fails_its_window_and_leaves_the_rows_untouched(apis, sandbox, warehouse, fault):
    reports, _, target = apis
    first = sync_report_window(ORDERS, reports, target, [US], START, END)
    assert first.rows > 0 and len(first.requests) == 1
    before = contents(warehouse, ORDERS.table)
    report_id = first.requests[0]
    document_id, real = served_document(reports, report_id)

    sandbox.inject(fault)
    with pytest.raises(ForeignDocumentError) as caught:  # the re-run reuses the DONE report, downloads again
        sync_report_window(ORDERS, reports, target, [US], START, END)

    problem, content_type, head = FLAT_FILE_FAULTS[fault]
    error = caught.value
    assert (error.request, error.document_id, error.content_type, error.head) == (
        f"report {report_id} ({ORDERS.report_type})", document_id, content_type, head(real)[:100])
    message = str(error)
    if problem == NOT_A_HEADER:  # the counts after it follow the catalog's columns (pinned in the unit tests)
        assert message.startswith(expected_error(report_id, ORDERS.report_type, document_id, problem, "", b"")
                                  .split(" (Content-Type")[0])
        assert message.endswith(f" (Content-Type {content_type!r}, first bytes {head(real)[:100]!r}). Nothing was "
                                "landed or deleted: the rows already landed are kept.")
    else:
        assert message == expected_error(report_id, ORDERS.report_type, document_id, problem, content_type, b"")
    assert contents(warehouse, ORDERS.table) == before


@pytest.mark.parametrize("fault,problem", [
    ("wrong_json", "it has no 'salesAndTrafficByDate' array at its top level"),
    ("empty_gzip", "it is empty (0 bytes once decompressed)"),
])
def test_json_of_the_wrong_shape_fails_and_leaves_the_rows_untouched(apis, sandbox, warehouse, fault, problem):
    reports, _, target = apis
    first = sync_report_window(BY_DATE, reports, target, [US], START, END)
    assert first.rows == 1
    before = contents(warehouse, BY_DATE.table)

    sandbox.inject(fault)
    with pytest.raises(ForeignDocumentError) as caught:  # a report with options is requested anew, not reused
        sync_report_window(BY_DATE, reports, target, [US], START, END)
    report_id = caught.value.request.split()[1]
    assert report_id not in first.requests
    document_id = reports.get_report(report_id)["reportDocumentId"]
    head = json.dumps(FOREIGN_JSON, indent=2).encode() if fault == "wrong_json" else b""
    assert str(caught.value) == expected_error(report_id, BY_DATE.report_type, document_id, problem, JSON_UTF8, head)
    assert contents(warehouse, BY_DATE.table) == before


@pytest.mark.parametrize("fault,problem", [
    ("empty_gzip", "it is empty (0 bytes once decompressed)"),
    ("wrong_json", "its first line is not JSON"),
])
def test_a_bad_data_kiosk_page_fails_and_leaves_the_rows_untouched(apis, sandbox, warehouse, fault, problem):
    _, datakiosk, target = apis
    first = sync_query_window(DK_BY_DATE, datakiosk, target, [US], START, END)
    assert first.rows == 1 and first.pages == 1
    before = contents(warehouse, DK_BY_DATE.table)

    sandbox.inject(fault, operation="getDocument")
    with pytest.raises(ForeignDocumentError) as caught:
        sync_query_window(DK_BY_DATE, datakiosk, target, [US], START, END)
    error = caught.value
    query_id = error.request.split()[3]
    assert error.request == f"Data Kiosk query {query_id} ({DK_BY_DATE.name})"
    assert error.document_id == f"amzn1.tortuga.4.na.{query_id}.data"  # the sandbox's dataDocumentId
    content_type = "application/x-ndjson; charset=UTF-8" if fault == "empty_gzip" else JSON_UTF8
    head = b"" if fault == "empty_gzip" else json.dumps(FOREIGN_JSON, indent=2).encode()[:100]
    assert str(error) == (
        f"Data Kiosk query {query_id} ({DK_BY_DATE.name}): document {error.document_id} is not a Data Kiosk "
        f"{DK_BY_DATE.dataset} document: {problem} (Content-Type {content_type!r}, first bytes {head!r}). "
        "Nothing was landed or deleted: the rows already landed are kept.")
    assert contents(warehouse, DK_BY_DATE.table) == before


def test_a_bad_settlement_document_fails_alone_and_lands_on_the_next_run(apis, sandbox, warehouse):
    reports, _, target = apis
    listed, _ = list_new_reports(SETTLEMENTS, reports, target.account, [US], ListingCursor(), sandbox.app.ctx.now())
    assert len(listed) >= 2
    sandbox.inject("headerless")  # the first settlement downloaded
    bad, *good = [r["reportId"] for r in listed]
    with pytest.raises(ForeignDocumentError, match=f"^report {bad} \\({SETTLEMENTS.report_type}\\): document "
                                                   f"\\S+ is not a {SETTLEMENTS.report_type} document: "
                                                   f"{NOT_A_HEADER}"):
        sync_listed_report(SETTLEMENTS, reports, target, bad)
    for report_id in good:  # each settlement is a partition (a run) of its own
        sync_listed_report(SETTLEMENTS, reports, target, report_id)
    landed = {r[0] for r in warehouse.query(f'SELECT DISTINCT _report_id FROM "{SETTLEMENTS.table}"')}
    assert landed == set(good)  # the others landed
    again = sync_listed_report(SETTLEMENTS, reports, target, bad)  # the failed partition, re-run
    assert again.requests == [bad] and again.windows[0].deleted == 0


def test_through_dagster_a_bad_document_fails_the_run_and_keeps_every_row(run, sandbox, warehouse):
    assert run([ORDERS.asset_name], LAST_DAY).success
    before = contents(warehouse, ORDERS.table)
    assert before
    sandbox.inject("html_document", count=3)  # every marketplace's document
    with pytest.raises(ForeignDocumentError, match=f"is not a {ORDERS.report_type} document: {NOT_A_HEADER}.*"
                                                   "Content-Type 'text/html; charset=UTF-8', "
                                                   "first bytes b'<!DOCTYPE html>"):
        run([ORDERS.asset_name], LAST_DAY)
    assert contents(warehouse, ORDERS.table) == before


def test_a_header_only_document_empties_the_window_and_says_how_many_rows_went(run, sandbox, warehouse, caplog):
    """A well-formed document with zero records is Amazon's "no data": it does replace the window."""
    assert run([ORDERS.asset_name], LAST_DAY).success
    had = dict(warehouse.query(f'SELECT _marketplace_id, count(*) FROM "{ORDERS.table}" GROUP BY ALL'))
    assert len(had) == 3 and all(n > 0 for n in had.values())

    sandbox.inject("header_only", count=3)
    with caplog.at_level(logging.WARNING, logger="pipelines.sync"):
        result = run([ORDERS.asset_name], LAST_DAY)
    assert result.success
    assert warehouse.query(f'SELECT count(*) FROM "{ORDERS.table}"') == [(0,)]

    meta = result.asset_materializations_for_node(ORDERS.asset_name)[0].metadata
    windows = {w["marketplace_id"]: (w["rows"], w["deleted"]) for w in meta["windows"].value}
    assert windows == {mp: (0, n) for mp, n in had.items()}
    assert meta["rows_deleted"].value == meta["rows_lost"].value == sum(had.values())
    warnings = sorted(r.getMessage() for r in caplog.records if r.name == "pipelines.sync"
                      and r.levelno == logging.WARNING)
    assert warnings == sorted(f"{ORDERS.table} {mp} {START.isoformat()}..{END.isoformat()}: replaced {n} rows with 0"
                              for mp, n in had.items())
