"""The catalog against Amazon's documents: every report type the catalog declares and the
sandbox serves is requested from the sandbox over HTTP, landed through its catalog entry
(the sync functions, the product's own path) and compared with the synthetic seller's
facts by ``tests.conformance.check_landing`` (flat files) and ``check_json_landing`` (JSON
reports with an official schema, their child tables included). The sandbox's layouts come
from the flat-file notes and the report schemas, never from the catalog, so a wrong entry
fails here.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

import pytest

from pipelines.catalog import CATALOG, Column, ReportEntry, entry, snake
from pipelines.sandbox import layouts, page_views
from pipelines.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from pipelines.sandbox.json_reports import JsonReport
from pipelines.sandbox.layouts.model import Layout
from pipelines.sandbox.seller import SyntheticSeller
from pipelines.periods import period_end, period_start
from pipelines.sandbox.server import SandboxConfig, SandboxServer
from pipelines.spapi.config import SpApiConfig
from pipelines.spapi.http import SpApiClient
from pipelines.spapi.reports import ReportsApi
from pipelines.listed_reports import ListingCursor, Seen, list_new_reports
from pipelines.sync import Target, sync_listed_report, sync_report_snapshot, sync_report_window
from pipelines.warehouse import Warehouse
from tests.conformance import (
    Disagreement,
    Landed,
    check_json_landing,
    check_landing,
    check_rules,
    json_column,
    json_tables,
)

UTC = timezone.utc
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
# A fixed, long-final window (no late updates), wide enough that every marketplace has returns and
# reimbursements: the seller is deterministic, so these windows always hold the same rows.
FIRST_DAY = datetime(2025, 3, 1, tzinfo=UTC)
WINDOW_DAYS = 14
LISTED_SINCE = timedelta(days=35)  # a few settlements (every 14 days), a monthly report

# What the checker finds wrong in today's catalog, per (entry, column): each is reported to
# the catalog's owner; a fix makes its test fail here until the line is removed.
KNOWN_FINDINGS: dict[tuple[str, str], str] = {
    ("settlements_v2", "posted-date"):
        "Amazon writes MM/DD/YY (flat-file-columns.md §9); the catalog lands it as text",
}


def _has_truth(found: Layout) -> bool:
    """Whether the layout states its document's facts (``truth``), so it can be checked."""
    return callable(getattr(found, "truth", None))


def _is_json(e: ReportEntry) -> bool:
    """Whether the sandbox serves ``e`` as a JSON report from its official schema (``JsonReport``)."""
    return isinstance(layouts.LAYOUTS.get(e.report_type), JsonReport)


CHECKED = [e for e in CATALOG if e.report_type in layouts.LAYOUTS and _has_truth(layouts.LAYOUTS[e.report_type])]
JSON_CHECKED = [e for e in CHECKED if _is_json(e)]


def _marketplaces(e: ReportEntry) -> list[str]:
    """Where ``e`` is checked: every marketplace serving it, or for a JSON report (one schema
    everywhere) one of them, each JSON entry the next, so every currency is seen."""
    served = [m for m in (US, DE, JP) if e.serves(m)]
    return [served[JSON_CHECKED.index(e) % len(served)]] if e in JSON_CHECKED else served


# What the catalog lands where the sandbox cannot serve it: nothing to compare.
UNSERVED = {("date_range_transactions", JP): "the notes give no JP header, so the sandbox generates none"}
PAIRS = [(e, m) for e in CHECKED for m in _marketplaces(e) if (e.name, m) not in UNSERVED]
# What a user sets in the run config for the options a report requires (report_options).
USER_OPTIONS = {"asin": "B007000000 B007000003",  # two of the seller's ASINs (seed 7)
                "productType": page_views.PRODUCT_TYPES[1]}
JSON_DAYS_BACK = 30  # final days, inside every JSON report's lookback
# Reports Amazon keeps for a few days only: (days back, days asked).
RECENT = {"MARKETPLACE_ASIN_PAGE_VIEW_METRICS": (7, 2),  # "data available up to the last seven days"
          "GET_VENDOR_REAL_TIME_SALES_REPORT": (5, 1), "GET_VENDOR_REAL_TIME_TRAFFIC_REPORT": (5, 1),
          "GET_VENDOR_REAL_TIME_INVENTORY_REPORT": (5, 1)}  # "up to 168 hours before the time of the request"
DEAL_DAYS = 14  # coupons start weekly, promotions every 5 days


def _server(vendor: bool):
    config = SandboxConfig(time_scale=1000.0, processing_delay=0.05, orders_per_day=30, vendor=vendor)
    return SandboxServer(config, host="127.0.0.1", port=0)


def _client(sandbox) -> SpApiClient:
    return SpApiClient(SpApiConfig(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN,
                                   endpoint=sandbox.url, lwa_endpoint=sandbox.lwa_url, poll_initial=0.02,
                                   poll_max=0.1, poll_timeout=60.0, backoff_base=0.01, backoff_max=0.1))


@pytest.fixture(scope="module")
def sandbox():
    with _server(vendor=False) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(sandbox):
    with _client(sandbox) as spapi:
        yield spapi


@pytest.fixture(scope="module")
def vendor_sandbox():
    with _server(vendor=True) as sb:
        yield sb


@pytest.fixture(scope="module")
def vendor_client(vendor_sandbox):
    with _client(vendor_sandbox) as spapi:
        yield spapi


def _account(request, e: ReportEntry):
    """The sandbox and client of the account ``e`` is landed for: a vendor's for vendor reports."""
    if e.account == "vendor":
        return request.getfixturevalue("vendor_sandbox"), request.getfixturevalue("vendor_client")
    return request.getfixturevalue("sandbox"), request.getfixturevalue("client")


def land_and_check(e: ReportEntry, sandbox, client, warehouse: Warehouse, marketplace: str) -> list[Disagreement]:
    """Land ``e``'s documents for ``marketplace`` through the sync functions, as a run would (a
    window, today's snapshot, or the reports Amazon listed lately); check each document's rows."""
    if _is_json(e):
        return land_and_check_json(e, sandbox, client, warehouse, marketplace)
    api = ReportsApi(client, restricted=e.pii)
    target = Target(warehouse, "conformance", "sandbox")
    now = sandbox.app.ctx.now()
    if e.snapshot:
        sync_report_snapshot(e, api, target, [marketplace], now.date())
    elif e.requested:
        sync_report_window(e, api, target, [marketplace], *_window(e))
    else:
        since = ListingCursor({target.account: Seen(now - LISTED_SINCE)})  # as the sensor lists them
        for report in list_new_reports(e, api, target.account, [marketplace], since, now)[0]:
            sync_listed_report(e, api, target, report["reportId"])
    with warehouse.connect() as con:
        exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                             [e.table]).fetchone()[0]
        cur = con.execute(f'SELECT * FROM "{e.table}" WHERE _marketplace_id = ?', [marketplace]) if exists else None
        names = [d[0] for d in cur.description] if cur else []
        landed = [dict(zip(names, row)) for row in cur.fetchall()] if cur else []
    assert landed, f"{e.name} landed no rows for {marketplace}: the comparison would prove nothing"
    documents: dict[str, list[dict]] = {}
    for row in landed:
        documents.setdefault(row["_report_id"], []).append(row)
    found = layouts.layout(e.report_type)
    extra = {"records": e.json_records} if e.format == "json" else {}
    out: list[Disagreement] = []
    for rows in documents.values():
        start, end = rows[0]["_window_start"], rows[0]["_window_end"]  # the window the run asked for
        if e.snapshot and e.snapshot_start and not found.snapshot:
            # a snapshot to the product (rows vanish once shipped), asked from snapshot_start back,
            # which the sandbox reads as the window Amazon filters it on (unshipped orders)
            truth = found.truth(sandbox.app.ctx.seller, marketplace, now - e.snapshot_start, now, now,
                                e.report_options, **extra)
        elif e.snapshot:
            truth = found.truth(sandbox.app.ctx.seller, marketplace, now, now, now, e.report_options, **extra)
        else:  # a listed report shows the seller's final figures of its period
            truth = found.truth(sandbox.app.ctx.seller, marketplace, start, end, now if e.requested else None,
                                e.report_options, **extra)
        out += [d for d in check_landing(e, rows, truth) if d not in out]
    return out


def land_and_check_json(e: ReportEntry, sandbox, client, warehouse: Warehouse,
                        marketplace: str) -> list[Disagreement]:
    """Land a small window (or today's snapshot) of ``e``'s JSON report for ``marketplace``, with
    the user's options it requires; check each document's tables against its truth."""
    api, target = ReportsApi(client), Target(warehouse, "conformance", "sandbox")
    options = {o: USER_OPTIONS[o] for o in e.required_options}
    now = sandbox.app.ctx.now()
    if e.snapshot:
        sync_report_snapshot(e, api, target, [marketplace], now.date())
    else:
        sync_report_window(e, api, target, [marketplace], *_json_window(e, now.date()), options=options)
    tables = _landed_tables(warehouse, e.table, marketplace)
    assert tables.get(e.table) and tables[e.table].rows, \
        f"{e.name} landed no rows for {marketplace}: the comparison would prove nothing"
    found = layouts.layout(e.report_type)
    out: list[Disagreement] = []
    for report_id in dict.fromkeys(r["_report_id"] for r in tables[e.table].rows):
        document = {name: Landed(t.columns, [r for r in t.rows if r["_report_id"] == report_id])
                    for name, t in tables.items()}
        first = document[e.table].rows[0]
        start, end = (now, now) if e.snapshot else (first["_window_start"], first["_window_end"])
        truth = found.truth(sandbox.app.ctx.seller, marketplace, start, end, now, {**e.report_options, **options},
                            records=e.json_records, vendor=sandbox.app.ctx.config.vendor)
        out += [d for d in check_json_landing(e, document, truth) if d not in out]
    return out


def _landed_tables(warehouse: Warehouse, table: str, marketplace: str) -> dict[str, Landed]:
    """``table`` and every child table landed beside it (``table__...``), the marketplace's rows."""
    with warehouse.connect() as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name = ? OR starts_with(table_name, ?)",
            [table, f"{table}__"]).fetchall()]
        out = {}
        for name in names:
            cur = con.execute(f'SELECT * FROM "{name}" WHERE _marketplace_id = ?', [marketplace])
            columns = tuple(d[0] for d in cur.description)
            out[name] = Landed(columns, [dict(zip(columns, row)) for row in cur.fetchall()])
    return out


def _json_window(e: ReportEntry, today) -> tuple[datetime, datetime]:
    """A small window of final days a run asks of a JSON report: the whole period holding the
    day JSON_DAYS_BACK days ago, two days from then, DEAL_DAYS of deal starts, or a report's
    RECENT days."""
    back, days = RECENT.get(e.report_type, (JSON_DAYS_BACK, DEAL_DAYS if e.window_options else 2))
    first = datetime.combine(today - timedelta(days=back), time(), UTC)
    if e.period != "DAY":
        first = datetime.combine(period_start(first.date(), e.period), time(), UTC)
        return first, datetime.combine(period_end(first.date(), e.period), time(), UTC)
    return first, first + timedelta(days=days)


def _window(e: ReportEntry) -> tuple[datetime, datetime]:
    """The window a run asks of ``e``: WINDOW_DAYS days from FIRST_DAY, or the whole period holding it."""
    if e.period == "DAY":
        return FIRST_DAY, FIRST_DAY + timedelta(days=min(WINDOW_DAYS, e.max_window_days))
    first = period_start(FIRST_DAY.date(), e.period)
    return (datetime.combine(first, time(), UTC),
            datetime.combine(period_end(first, e.period), time(), UTC))


def _unknown(e: ReportEntry, found: list[Disagreement]) -> list[str]:
    return [str(d) for d in found if (e.name, d.column) not in KNOWN_FINDINGS]


def test_every_served_report_type_is_checked():
    """Each sandbox layout with a ground truth is checked through a catalog entry (new ones included)."""
    served = {t for t, found in layouts.LAYOUTS.items() if _has_truth(found)}
    assert {e.report_type for e in CHECKED} == served
    assert len(served) >= 10


@pytest.mark.parametrize("e,marketplace", PAIRS, ids=[f"{e.name}-{m}" for e, m in PAIRS])
def test_the_catalog_lands_amazons_documents_as_the_seller_wrote_them(request, tmp_path, e, marketplace):
    found = land_and_check(e, *_account(request, e), Warehouse(tmp_path / "w.duckdb"), marketplace)
    assert _unknown(e, found) == []
    for (name, column), reason in KNOWN_FINDINGS.items():
        if name == e.name:  # still wrong: keep reporting it; fixed: drop it from KNOWN_FINDINGS
            assert any(d.column == column for d in found), f"fixed? {name} {column}: {reason}"


# ---- a wrong entry fails ----------------------------------------------------------------

BY_ORDER_DATE = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
BY_LAST_UPDATE = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL")
COUPONS, VENDOR_COUPONS = entry("coupon_performance"), entry("vendor_coupon_performance")
VENDOR_SALES, PROMOTIONS = entry("vendor_sales"), entry("promotion_performance")


def _columns(e: ReportEntry, change) -> tuple[Column, ...]:
    return tuple(change(c) for c in e.columns)


def _swap_positions(e: ReportEntry, a: str, b: str) -> tuple[Column, ...]:
    cols = list(e.columns)
    i, j = (next(n for n, c in enumerate(cols) if c.source == s) for s in (a, b))
    cols[i], cols[j] = cols[j], cols[i]
    return tuple(cols)


MUTATIONS = {
    "renamed column": (replace(BY_ORDER_DATE, columns=_columns(
        BY_ORDER_DATE, lambda c: Column("item-prices", c.kind) if c.source == "item-price" else c)),
        # Amazon's item-price lands undeclared, as text; the declared item-prices never comes
        {("unexpected", "item-price"), ("missing", "item-prices"), ("type", "item-price")}),
    "item-price and item-tax swapped in the list": (
        replace(BY_ORDER_DATE, columns=_swap_positions(BY_ORDER_DATE, "item-price", "item-tax")),
        {("order", "item-price")}),
    "item-price and item-tax swapped in meaning": (replace(BY_ORDER_DATE, columns=_columns(
        BY_ORDER_DATE, lambda c: Column("item-tax", c.kind, alias="item_price") if c.source == "item-price"
        else Column("item-price", c.kind, alias="item_tax") if c.source == "item-tax" else c)),
        # item_price holds Amazon's item-tax and item_tax its item-price
        {("renamed", "item-price"), ("renamed", "item-tax"), ("order", "item-price")}),
    "BY_LAST_UPDATE windowed on purchase-date": (  # declared wrong, and rows fall outside the window
        replace(BY_LAST_UPDATE, cursor="purchase_date"), {("cursor", "purchase_date"), ("outside", "purchase_date")}),
    "a money column typed as text": (replace(BY_ORDER_DATE, columns=_columns(
        BY_ORDER_DATE, lambda c: Column(c.source) if c.source == "item-tax" else c)), {("type", "item-tax")}),
    # JSON reports
    "coupon ASINs child table dropped": (replace(COUPONS, children=()), {("table", "asins[]")}),
    "vendor campaigns' coupon ASINs dropped": (replace(VENDOR_COUPONS, children=(
        replace(VENDOR_COUPONS.children[0], children=()),)), {("table", "coupons[].asins[]")}),
    "vendor sales aggregate beside dropped": (replace(VENDOR_SALES, children=()), {("table", "salesAggregate[]")}),
    "shipped revenue and COGS swapped": (replace(VENDOR_SALES, columns=_columns(
        VENDOR_SALES, lambda c: Column(c.source, c.kind, alias="shipped_cogs_amount")
        if c.source == "shippedRevenue.amount" else Column(c.source, c.kind, alias="shipped_revenue_amount")
        if c.source == "shippedCogs.amount" else c)),
        {("value", "shippedRevenue.amount"), ("value", "shippedCogs.amount")}),
    "promotion revenue typed as float": (replace(PROMOTIONS, columns=_columns(
        PROMOTIONS, lambda c: Column(c.source, "float") if c.source == "revenue" else c)), {("type", "revenue")}),
    # a coupon runs 14 days: every one that started in the window ends after it
    "coupons windowed on their end": (replace(COUPONS, cursor="end_date_time"),
                                      {("cursor", "end_date_time"), ("outside", "end_date_time")}),
    "a product's glance views read from its units sold": (replace(PROMOTIONS, children=(replace(
        PROMOTIONS.children[0], columns=tuple(
            Column("productUnitsSold", c.kind, alias="product_glance_views") if c.source == "productGlanceViews"
            else c for c in PROMOTIONS.children[0].columns if c.source != "productUnitsSold")),)),
        # product_glance_views holds the units sold, and the units sold land nowhere else
        {("value", "includedProducts[].productGlanceViews"), ("unexpected", "includedProducts[].productUnitsSold")}),
}


def test_window_rules_and_rows_are_checked_without_landing():
    """The checker's other findings, on a hand-made landing (no sandbox needed)."""
    start = FIRST_DAY
    truth = layouts.layout(BY_ORDER_DATE.report_type).truth(SyntheticSeller(orders_per_day=5), US, start,
                                                            start + timedelta(days=1), start + timedelta(days=9))
    landed = [{snake(h): v for h, v in row.items()} for row in truth.rows]  # landed exactly right
    assert check_landing(BY_ORDER_DATE, landed, truth) == []
    wide = replace(BY_ORDER_DATE, max_window_days=45)
    assert [str(d) for d in check_landing(wide, landed, truth)] == [
        "window -: all_orders_by_order_date packs 45 days per request; Amazon allows 30"]
    as_snapshot = replace(BY_ORDER_DATE, snapshot=True, windowed=False, cursor=None)
    assert {(d.kind, d.column) for d in check_landing(as_snapshot, landed, truth)} == {
        ("window", "-"), ("cursor", "None")}
    lost, doubled = landed[1:], landed + landed[:1]
    assert [d.kind for d in check_landing(BY_ORDER_DATE, lost, truth)] == ["rows"]
    assert [d.kind for d in check_landing(BY_ORDER_DATE, doubled, truth)] == ["rows"]
    shifted = [{**r, "quantity": r["quantity"] + 1} for r in landed]
    assert [(d.kind, d.column) for d in check_landing(BY_ORDER_DATE, shifted, truth)] == [("value", "quantity")]


def _landed_exactly(truth, table: str) -> dict[str, Landed]:
    """Tables holding each array's elements as a right entry lands them: its leaves, and a child's
    parent key and positions."""
    out = {}
    for name, t in json_tables(table, truth).items():
        paths = list(dict.fromkeys((*t.key, *t.leaves)))
        out[name] = Landed(tuple(json_column(p) for p in paths),
                           [{json_column(p): r[p] for p in paths} for r in t.rows])
    return out


def test_json_findings_on_a_hand_made_landing():
    """The JSON checker's findings on tables built by hand from the truth (no sandbox needed)."""
    today = datetime.now(UTC).date()
    start = datetime.combine(today - timedelta(days=JSON_DAYS_BACK), time(), UTC)
    vendor_coupons = layouts.layout(VENDOR_COUPONS.report_type).truth(
        SyntheticSeller(orders_per_day=5), US, start, start + timedelta(days=DEAL_DAYS), datetime.now(UTC),
        records="campaigns", vendor=True)
    tables = _landed_exactly(vendor_coupons, VENDOR_COUPONS.table)
    grandchild = "raw_vendor_coupon_performance__coupons__asins"
    assert sorted(tables) == ["raw_vendor_coupon_performance", "raw_vendor_coupon_performance__coupons", grandchild]
    assert all(t.rows for t in tables.values())
    assert check_json_landing(VENDOR_COUPONS, tables, vendor_coupons) == []

    def findings(**changed: Landed) -> list[tuple[str, str]]:
        return [(d.kind, d.column) for d in check_json_landing(VENDOR_COUPONS, {**tables, **changed}, vendor_coupons)]

    asins = tables[grandchild]
    assert findings(**{grandchild: Landed(asins.columns, asins.rows[1:])}) == [
        ("rows", "coupons[].asins[].campaignId,coupons.position,asins.position")]
    unkeyed = tuple(c for c in asins.columns if c != "coupons_position")
    assert findings(**{grandchild: Landed(unkeyed, [{c: r[c] for c in unkeyed} for r in asins.rows])}) == [
        ("rows", "coupons[].asins[].campaignId,coupons.position,asins.position")]
    assert findings(**{f"{grandchild}__tags": Landed((), [])}) == [("table", f"{grandchild}__tags")]
    extra = Landed((*asins.columns, "discount_percent"), [{**r, "discount_percent": 5} for r in asins.rows])
    assert findings(**{grandchild: extra}) == [("missing", "coupons[].asins[].discount_percent")]
    shifted = Landed(asins.columns, [{**r, "discount_amount": r["discount_amount"] + 1} for r in asins.rows])
    assert findings(**{grandchild: shifted}) == [("value", "coupons[].asins[].discountAmount")]


def test_a_json_report_of_one_period_per_request_is_asked_one_period():
    terms = entry("brand_analytics_search_terms")
    week = datetime.combine(period_start(datetime.now(UTC).date() - timedelta(days=JSON_DAYS_BACK), "WEEK"), time(),
                            UTC)
    truth = layouts.layout(terms.report_type).truth(SyntheticSeller(orders_per_day=5), US, week,
                                                    week + timedelta(days=7), datetime.now(UTC), terms.report_options,
                                                    records=terms.json_records)
    assert check_rules(terms, truth) == []
    assert [str(d) for d in check_rules(replace(terms, periods_per_request=2), truth)] == [
        "window -: brand_analytics_search_terms asks 2 WEEK period(s) per request; Amazon allows 1"]


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_wrong_entry_is_caught(request, tmp_path, mutation):
    mutated, expected = MUTATIONS[mutation]
    account = _account(request, mutated)
    right = land_and_check(replace(mutated, **{f: getattr(entry(mutated.name), f)
                                               for f in ("columns", "cursor", "children")}),
                           *account, Warehouse(tmp_path / "right.duckdb"), US)
    assert right == []  # the catalog's own entry agrees
    found = land_and_check(mutated, *account, Warehouse(tmp_path / "wrong.duckdb"), US)
    assert {(d.kind, d.column) for d in found} == expected, [str(d) for d in found]
