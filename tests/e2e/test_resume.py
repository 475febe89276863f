"""A run that fails halfway is resumed without requesting again what already landed.

Through the embedded sandbox, over HTTP, into DuckDB: a fault fails the third of
four windows, the run fails with three landed, and the re-run with the same
resume key (Dagster's root run id) asks Amazon for the failed window only; the
table then holds exactly the seller's rows. With the sync functions directly,
and once through dagster.materialize and a re-execution's root run id tag.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from dagster import AssetSelection, DagsterInstance

from assets.common import ROOT_RUN_TAG
from pipelines import resources
from pipelines.catalog import entry
from pipelines.datakiosk_queries import load_queries, render
from pipelines.sandbox.datakiosk_engine import DataKioskEngine
from pipelines.spapi.datakiosk import DataKioskApi
from pipelines.spapi.errors import QueryFatalError, ReportFatalError
from pipelines.spapi.reports import ReportsApi
from pipelines.sync import Target, sync_query_window, sync_report_window
from pipelines.warehouse.landing import LEDGER
from tests.e2e.conftest import LAST_DAY, day_window, materialize_range, served_rows

US = "ATVPDKIKX0DER"
BY_ASIN = entry("sales_and_traffic_by_asin")  # one day per request: four days, four windows
BY_SKU = next(q for q in load_queries() if q.name == "sales_and_traffic_by_sku")  # one day per query
FIRST, LAST = LAST_DAY - timedelta(days=3), LAST_DAY
DAYS = [FIRST + timedelta(days=n) for n in range(4)]


@pytest.fixture
def apis(sandbox_env, sandbox, warehouse):
    account = sandbox_env.accounts[0]
    client = resources.shared_client(sandbox_env, account)
    return ReportsApi(client), DataKioskApi(client), Target(warehouse, account.name, "sandbox")


def calls_from(sandbox, operation: str):
    """``calls()``: the ``operation`` requests the sandbox served since this was made."""
    first = len(sandbox.request_log)
    return lambda: [e for e in sandbox.request_log[first:] if e["operation"] == operation]


def ledger_days(warehouse, table: str, resume_key: str) -> list[str]:
    return [str(r[0]) for r in warehouse.query(
        f"SELECT CAST(window_start AS DATE) FROM {LEDGER} WHERE table_name = ? AND resume_key = ? ORDER BY 1",
        [table, resume_key])]


def rows_by_day(warehouse, table: str) -> dict[str, int]:
    return {str(day): n for day, n in warehouse.query(
        f'SELECT CAST(_window_start AS DATE), count(*) FROM "{table}" GROUP BY 1 ORDER BY 1')}


def duplicates(warehouse, table: str, key) -> int:
    cols = ", ".join(f'"{c}"' for c in ("_marketplace_id", *key))
    return warehouse.query(f'SELECT count(*) - count(DISTINCT ({cols})) FROM "{table}"')[0][0]


def test_a_resumed_report_run_requests_only_the_window_that_failed(apis, sandbox, warehouse, tmp_path):
    reports, _, target = apis
    start, end = day_window(FIRST, LAST)
    sandbox.inject("fatal", operation="createReport", count=1, after=2)  # the third report created fails
    creates = calls_from(sandbox, "createReport")
    with pytest.raises(ReportFatalError) as info:
        sync_report_window(BY_ASIN, reports, target, [US], start, end, resume_key="run-1")
    assert len(creates()) == 4
    failed = reports.get_report(info.value.report_id)
    failed_day = failed["dataStartTime"][:10]
    assert ledger_days(warehouse, BY_ASIN.table, "run-1") == [str(d) for d in DAYS if str(d) != failed_day]

    creates = calls_from(sandbox, "createReport")
    result = sync_report_window(BY_ASIN, reports, target, [US], start, end, resume_key="run-1")
    assert [c["json"]["dataStartTime"][:10] for c in creates()] == [failed_day]
    assert (result.resumed, len(result.windows)) == (3, 1)
    assert ledger_days(warehouse, BY_ASIN.table, "run-1") == [str(d) for d in DAYS]

    now = sandbox.app.ctx.now()
    truth = {str(d): served_rows(sandbox.config, BY_ASIN, US, now, tmp_path, d, d) for d in DAYS}
    assert rows_by_day(warehouse, BY_ASIN.table) == truth and all(truth.values())
    assert duplicates(warehouse, BY_ASIN.table, BY_ASIN.key) == 0


def test_without_a_resume_key_every_window_is_requested_again(apis, sandbox, warehouse):
    """A new run (the daily lookback) re-requests days Amazon may have restated, landed or not."""
    reports, _, target = apis
    start, end = day_window(FIRST, FIRST + timedelta(days=1))
    sync_report_window(BY_ASIN, reports, target, [US], start, end, resume_key="run-1")
    creates = calls_from(sandbox, "createReport")
    again = sync_report_window(BY_ASIN, reports, target, [US], start, end)
    other = sync_report_window(BY_ASIN, reports, target, [US], start, end, resume_key="run-2")
    assert len(creates()) == 4 and (again.resumed, other.resumed) == (0, 0)
    assert len(again.windows) == len(other.windows) == 2


def test_a_resumed_query_run_requests_only_the_window_that_failed(apis, sandbox, warehouse):
    _, datakiosk, target = apis
    start, end = day_window(FIRST, LAST)
    sandbox.inject("fatal", operation="createQuery", count=1, after=2)  # the third query (or page) created fails
    with pytest.raises(QueryFatalError) as info:
        sync_query_window(BY_SKU, datakiosk, target, [US], start, end, resume_key="run-1")
    failed_text = datakiosk.get_query(info.value.query_id)["query"]
    failed_day = next(str(d) for d in DAYS if f'startDate:"{d}"' in failed_text)
    assert ledger_days(warehouse, BY_SKU.table, "run-1") == [str(d) for d in DAYS if str(d) != failed_day]

    creates = calls_from(sandbox, "createQuery")
    result = sync_query_window(BY_SKU, datakiosk, target, [US], start, end, resume_key="run-1")
    asked = {str(d) for c in creates() for d in DAYS if f'startDate:"{d}"' in c["json"]["query"]}
    first_pages = [c for c in creates() if "paginationToken" not in c["json"]]
    assert asked == {failed_day} and len(first_pages) == 1 and result.pages == len(creates())
    assert (result.resumed, len(result.windows)) == (3, 1)

    engine = DataKioskEngine(sandbox.config.new_seller())
    truth = {str(d): len(engine.execute(render(BY_SKU, d, d, [US])).records) for d in DAYS}
    assert rows_by_day(warehouse, BY_SKU.table) == truth and all(truth.values())
    assert duplicates(warehouse, BY_SKU.table, BY_SKU.key) == 0


def test_a_window_is_noted_in_the_ledger_if_and_only_if_it_landed(tmp_path):
    """The ledger row is written in the landing's transaction: a process killed (SIGKILL)
    just before COMMIT leaves neither rows nor a note; a land that commits leaves both."""
    from pipelines.catalog import cols
    from pipelines.warehouse import Lineage, Replace, Warehouse

    document = tmp_path / "w.tsv"
    document.write_text("id\tamount\n1\t2.50\n2\t3.00\n", encoding="utf-8")
    path = tmp_path / "wh.duckdb"
    land = (f"Warehouse({str(path)!r}).land('raw_t', {str(document)!r}, cols('id:int amount:decimal'), "
            "lineage=Lineage('acct-1', 'ATVPDKIKX0DER', 'R1', ws, we, 'sandbox', resume_key='run-1'), "
            "replace=Replace.window('_window_start', ws, we, 'ATVPDKIKX0DER'))")
    killed = subprocess.run([sys.executable, "-c", "\n".join([
        "import os, signal",
        "from datetime import datetime, timezone",
        "from pipelines.catalog import cols",
        "from pipelines.warehouse import Warehouse, Lineage, Replace, landing",
        "ws, we = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2025, 1, 2, tzinfo=timezone.utc)",
        "landing._commit = lambda con: os.kill(os.getpid(), signal.SIGKILL)",
        land])], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    wh = Warehouse(path)
    assert not wh.exists("raw_t") and not wh.exists(LEDGER)

    ws, we = day_window(FIRST, FIRST)
    lineage = Lineage("acct-1", US, "R2", ws, we, "sandbox", resume_key="run-1")
    wh.land("raw_t", document, cols("id:int amount:decimal"), lineage=lineage,
            replace=Replace.window("_window_start", ws, we, US))
    assert wh.query(f"SELECT table_name, account, marketplace_id, window_start, window_end, resume_key, request_id, "
                    f"row_count FROM {LEDGER}") == [("raw_t", "acct-1", US, ws, we, "run-1", "R2", 2)]
    assert wh.row_count("raw_t") == 2


def test_a_re_execution_through_dagster_requests_only_the_window_that_failed(sandbox_env, sandbox, defs, warehouse,
                                                                             tmp_path):
    """``dagster.materialize`` fails on the third of the windows; a second materialize
    tagged with the first run as its root (what "re-execute from failure" sets) requests
    only the failed window and completes the table."""
    selection = AssetSelection.assets(BY_ASIN.asset_name)
    instance = DagsterInstance.ephemeral()
    marketplaces = sandbox_env.accounts[0].marketplace_ids
    sandbox.inject("fatal", operation="createReport", count=1, after=2)
    creates = calls_from(sandbox, "createReport")
    first = materialize_range(defs, sandbox_env, selection, FIRST, LAST, instance=instance, raise_on_error=False)
    assert not first.success and len(creates()) == 4 * len(marketplaces)
    failed = next(c for c in creates() if c["status"] == 202 and reports_of_status(sandbox, c, "FATAL"))

    creates = calls_from(sandbox, "createReport")
    second = materialize_range(defs, sandbox_env, selection, FIRST, LAST, instance=instance,
                               tags={ROOT_RUN_TAG: first.run_id})
    assert second.success
    assert [c["json"] for c in creates()] == [failed["json"]]
    now = sandbox.app.ctx.now()
    for mp in marketplaces:
        landed = {str(day): n for day, n in warehouse.query(
            f'SELECT CAST(_window_start AS DATE), count(*) FROM "{BY_ASIN.table}" WHERE _marketplace_id = ? '
            "GROUP BY 1 ORDER BY 1", [mp])}
        assert landed == {str(d): served_rows(sandbox.config, BY_ASIN, mp, now, tmp_path, d, d) for d in DAYS}
    assert duplicates(warehouse, BY_ASIN.table, BY_ASIN.key) == 0
    instance.dispose()


def reports_of_status(sandbox, create: dict, status: str) -> bool:
    """Whether the report the sandbox made for this createReport call ended ``status``."""
    body = create["json"]
    with sandbox.app.reports._lock:
        made = [r.body() for r in sandbox.app.reports._reports.values()]
    return any(r["processingStatus"] == status and r["marketplaceIds"] == body["marketplaceIds"]
               and r["dataStartTime"][:10] == body["dataStartTime"][:10] for r in made)
