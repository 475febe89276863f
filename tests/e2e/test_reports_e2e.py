"""The whole Reports path: Dagster asset → client → sandbox over HTTP → DuckDB."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipelines.catalog import CATALOG, entry
from pipelines.sandbox.render import SUPPORTED as SANDBOX_SERVES
from pipelines.sandbox.seller import SyntheticSeller
from pipelines.spapi.errors import ReportFatalError
from tests.e2e.conftest import LAST_DAY, PINNED_LAST_DAY, PINNED_NOW, served_rows

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
# The seller's daily and unpartitioned reports, run together here; weekly ones, vendor ones and those
# that take their window or the user's choices as report options: tests/e2e/test_json_reports_e2e.py.
# PII reports need an opt-in (tests/e2e/test_pii_reports.py); a report type the sandbox does not
# serve yet has its documents landed in tests/warehouse/test_flat_file_reports.py. Reports Amazon generates
# (settlements), a partition each: tests/e2e/test_settlement_sensor.py.
RUN_HERE = [e for e in CATALOG if "seller" in e.account_types and e.period == "DAY" and not e.required_options
            and not e.window_options and not e.pii and e.requested and e.report_type in SANDBOX_SERVES]
WINDOWED = [e for e in RUN_HERE if e.windowed and e.requested]
# The product dates these requests by the real clock (the fee preview starts 72 hours back), which a
# sandbox pinned in the past refuses: they run on the real time.
REAL_CLOCK = [e for e in RUN_HERE if e.snapshot_start]
SNAPSHOTS = [e for e in RUN_HERE if e not in WINDOWED and e not in REAL_CLOCK]
ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")


def content_fingerprint(warehouse, table, where="true", params=None):
    """Count and an order-independent hash of every column but load-time lineage."""
    return warehouse.query(
        f'SELECT count(*), sum(hash(r)::HUGEINT) FROM (SELECT * EXCLUDE (_loaded_at, _report_id) FROM "{table}" '
        f"WHERE {where}) r", params)[0]


def create_report_calls(sandbox, report_type):
    return [r for r in sandbox.request_log
            if r["operation"] == "createReport" and (r.get("json") or {}).get("reportType") == report_type]


def names(entries) -> list[str]:
    return [e.asset_name for e in entries]


def test_every_report_lands_and_a_rerun_leaves_identical_rows(run, warehouse, pinned, tmp_path):
    first = PINNED_LAST_DAY - timedelta(days=2)
    truth = {e.table: sum(served_rows(pinned.config, e, mp, PINNED_NOW, tmp_path, *(
        (first, PINNED_LAST_DAY) if e in WINDOWED else ())) for mp in (US, DE, JP) if e.serves(mp))
        for e in WINDOWED + SNAPSHOTS}
    assert all(truth.values()), truth  # the pinned days hold rows of every report (else pick others)

    def sync() -> tuple[datetime, datetime]:
        """Land every report (the days and snapshots on the pinned clock, REAL_CLOCK on the real one);
        the real time before and after the latter ran."""
        pinned.travel_to(PINNED_NOW)
        run(names(WINDOWED), first, PINNED_LAST_DAY)
        run(names(SNAPSHOTS))
        pinned.travel_to(None)
        before = datetime.now(timezone.utc)
        run(names(REAL_CLOCK))
        return before, datetime.now(timezone.utc)

    ran = sync()
    landed = {e.table: content_fingerprint(warehouse, e.table) for e in RUN_HERE}
    assert {table: landed[table][0] for table in truth} == truth
    for e in REAL_CLOCK:  # exact whatever the day: the seller's rows when the run asked (its start or end)
        rows = landed_rows(warehouse, e)
        assert any(rows == real_clock_rows(pinned.config, e, moment, tmp_path) for moment in ran), (e.table, rows)

    sync()
    after = {e.table: content_fingerprint(warehouse, e.table) for e in RUN_HERE
             if not e.snapshot}
    assert after == {t: v for t, v in landed.items() if t in after}


def landed_rows(warehouse, e) -> dict[str, int]:
    """Rows by marketplace."""
    return dict(warehouse.query(f'SELECT _marketplace_id, count(*) FROM "{e.table}" GROUP BY ALL'))


def real_clock_rows(config, e, now, workdir) -> dict[str, int]:
    """``landed_rows`` as the seller has them for a run at ``now`` (an empty document lands nothing)."""
    rows = {mp: served_rows(config, e, mp, now, workdir) for mp in config.marketplace_ids if e.serves(mp)}
    return {key: n for key, n in rows.items() if n}


def test_backfill_packs_days_into_one_request_per_marketplace(run, sandbox, warehouse):
    first = LAST_DAY - timedelta(days=9)
    run([ORDERS.asset_name], first, LAST_DAY)
    calls = create_report_calls(sandbox, ORDERS.report_type)
    assert len(calls) == 3  # 10 days fit one 30-day window; one per marketplace
    seller = SyntheticSeller(orders_per_day=20)
    expected = sum(i.quantity for mp in (US, DE, JP) for d in range(10)
                   for i in seller.order_items(mp, first + timedelta(days=d)))
    assert warehouse.query(f"SELECT sum(quantity) FROM {ORDERS.table}")[0][0] == expected


def test_de_and_jp_text_lands_intact(run, warehouse):
    run([ORDERS.asset_name], LAST_DAY)
    seller = SyntheticSeller(orders_per_day=20)
    for mp in (DE, JP):
        landed = {r[0] for r in warehouse.query(
            f"SELECT DISTINCT product_name FROM {ORDERS.table} WHERE _marketplace_id = ?", [mp])}
        assert landed == {i.product_name for i in seller.order_items(mp, LAST_DAY)}
    names = " ".join(r[0] for r in warehouse.query(f"SELECT product_name FROM {ORDERS.table}"))
    assert "Größe" in names or "ö" in names
    assert any("\u3040" <= ch <= "\u9fff" for ch in names)


def test_cancelled_report_lands_zero_rows_and_succeeds(run, sandbox, warehouse):
    sandbox.inject("cancelled", count=3)
    result = run([ORDERS.asset_name], LAST_DAY)
    assert result.success
    assert warehouse.query(f"SELECT count(*) FROM {ORDERS.table}")[0][0] == 0
    meta = result.asset_materializations_for_node(ORDERS.asset_name)[0].metadata
    assert meta["cancelled_no_data"].value == 3


def test_a_cancelled_report_never_deletes_rows_already_landed(run, sandbox, warehouse):
    """Amazon also cancels reports requested too often: that must not empty a window."""
    run([ORDERS.asset_name], LAST_DAY)
    landed = content_fingerprint(warehouse, ORDERS.table)
    sandbox.inject("cancelled", count=3)
    assert run([ORDERS.asset_name], LAST_DAY - timedelta(days=1), LAST_DAY).success  # a new, wider request
    assert content_fingerprint(warehouse, ORDERS.table) == landed


def test_fatal_report_fails_with_its_error_document_and_keeps_landed_rows(run, sandbox, warehouse):
    run([ORDERS.asset_name], LAST_DAY - timedelta(days=1))
    landed = content_fingerprint(warehouse, ORDERS.table)
    sandbox.inject("fatal", count=1)
    with pytest.raises(ReportFatalError, match="FATAL.*error document says.*injected fault"):
        run([ORDERS.asset_name], LAST_DAY)
    # each window is its own transaction: the earlier day is untouched
    assert content_fingerprint(warehouse, ORDERS.table, "_window_start < ?", [str(LAST_DAY)]) == landed


@pytest.mark.parametrize("fault,kwargs", [
    ("throttle", {"operation": "createReport", "count": 3}),
    ("server_error", {"operation": "getReport", "count": 2}),
    ("drop_connection", {"count": 1}),
    ("expire_url", {"count": 1}),
    ("truncated_gzip", {"count": 1}),
])
def test_transient_faults_are_survived_without_losing_or_duplicating_rows(run, sandbox, warehouse, fault, kwargs):
    sandbox.inject(fault, **kwargs)
    assert run([ORDERS.asset_name], LAST_DAY).success
    seller = SyntheticSeller(orders_per_day=20)
    expected = sum(len(seller.order_items(mp, LAST_DAY)) for mp in (US, DE, JP))
    assert warehouse.query(f"SELECT count(*) FROM {ORDERS.table}")[0][0] == expected


def test_a_column_amazon_adds_is_added_and_nothing_is_lost(run, sandbox, warehouse):
    run([ORDERS.asset_name], LAST_DAY - timedelta(days=1))
    before = warehouse.query(f"SELECT count(*) FROM {ORDERS.table}")[0][0]
    sandbox.inject("new_column", count=3)
    result = run([ORDERS.asset_name], LAST_DAY)
    cols = {r[0] for r in warehouse.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [ORDERS.table])}
    assert "new_amazon_column" in cols
    assert warehouse.query(
        f"SELECT count(*) FROM {ORDERS.table} WHERE _window_start < ?",
        [str(LAST_DAY)])[0][0] == before
    meta = result.asset_materializations_for_node(ORDERS.asset_name)[0].metadata
    assert "new_amazon_column" in meta["new_columns"].value


def test_models_build_on_landed_reports(run, warehouse):
    run(["raw_all_orders_by_order_date", "raw_all_orders_by_last_update"], LAST_DAY - timedelta(days=1), LAST_DAY)
    run(["orders", "daily_sales"])
    distinct_items = warehouse.query(
        "SELECT count(*) FROM (SELECT DISTINCT _marketplace_id, amazon_order_id, sku, asin FROM "
        "(SELECT * FROM raw_all_orders_by_order_date UNION ALL BY NAME SELECT * FROM raw_all_orders_by_last_update))")
    assert warehouse.query("SELECT count(*) FROM orders") == distinct_items  # one row per item, none lost
    assert warehouse.query("SELECT sum(units) FROM daily_sales") == warehouse.query("SELECT sum(quantity) FROM orders")
    seller = SyntheticSeller(orders_per_day=20)
    final = {(i.amazon_order_id, i.sku): (i.order_status, i.quantity) for i in seller.order_items(US, LAST_DAY)}
    modeled = {(o, s): (st, q) for o, s, st, q in warehouse.query(
        "SELECT amazon_order_id, sku, order_status, quantity FROM orders WHERE _marketplace_id = ? "
        "AND CAST(timezone('UTC', purchase_date) AS DATE) = ?", [US, LAST_DAY])}
    assert modeled == final

def test_the_unique_key_check_passes_and_catches_a_repeated_key(run, warehouse):
    result = run([ORDERS.asset_name], LAST_DAY - timedelta(days=1))
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.metadata["duplicate_keys"].value == 0
    warehouse.query(f"INSERT INTO {ORDERS.table} SELECT * FROM {ORDERS.table} LIMIT 1")
    [check] = run([ORDERS.asset_name], LAST_DAY).get_asset_check_evaluations()
    assert not check.passed and check.metadata["duplicate_keys"].value == 1


def test_a_malformed_row_fails_naming_it_and_loses_nothing_landed(run, sandbox, warehouse):
    from pipelines.warehouse import MalformedReportError

    run([ORDERS.asset_name], LAST_DAY)
    landed = content_fingerprint(warehouse, ORDERS.table)
    sandbox.inject("malformed_row", count=3)
    # a wider window (a new report) whose replace would cover the landed day
    with pytest.raises(MalformedReportError, match="raw_all_orders_by_order_date.*column quantity.*line 3.*'n/a'"):
        run([ORDERS.asset_name], LAST_DAY - timedelta(days=1), LAST_DAY)
    assert content_fingerprint(warehouse, ORDERS.table) == landed  # untouched


def test_one_failing_marketplace_does_not_stop_the_others_from_landing(run, sandbox, warehouse):
    sandbox.inject("fatal", count=1)  # the first of the three reports
    with pytest.raises(ReportFatalError):
        run([ORDERS.asset_name], LAST_DAY)
    landed = dict(warehouse.query(f"SELECT _marketplace_id, count(*) FROM {ORDERS.table} GROUP BY ALL"))
    assert len(landed) == 2 and all(n > 0 for n in landed.values())
