"""Every catalog entry is landable as declared, and the reference page says what the catalog holds."""
from __future__ import annotations

import pytest

from pipelines.catalog import CATALOG
from pipelines.catalog.reference import PAGE, REMOVED, main, render
from pipelines.warehouse import LINEAGE
from pipelines.warehouse.types import duckdb_type, for_marketplace

LINEAGE_NAMES = {n for n, _ in LINEAGE}
SANDBOX_MARKETPLACES = ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528")


@pytest.mark.parametrize("e", CATALOG, ids=lambda e: e.name)
def test_declared_kinds_are_valid_and_keys_and_cursor_are_columns(e):
    for c in e.columns:
        for mp in SANDBOX_MARKETPLACES:
            duckdb_type(for_marketplace(c.kind, mp))  # raises for an unknown kind
    names = {c.name for c in e.columns}
    assert set(e.key) <= names | LINEAGE_NAMES, f"key columns {set(e.key) - names - LINEAGE_NAMES} are not columns"
    if e.cursor and not e.cursor.startswith("_"):
        cursor = e.column(e.cursor)
        assert cursor is not None, f"cursor {e.cursor} is not a column"
        assert duckdb_type(for_marketplace(cursor.kind, SANDBOX_MARKETPLACES[0])) in ("DATE", "TIMESTAMPTZ")
    if e.windowed and e.requested:
        assert e.cursor, "a windowed report needs the column its window filters on"
    spellings: dict[str, str] = {}
    for c in e.columns:  # several headers may land in one column, always as one type
        assert spellings.setdefault(c.name, c.kind) == c.kind, f"{c.name} is declared with two kinds"


def test_tables_are_unique():
    tables = [t for e in CATALOG for t in e.tables]
    assert len(tables) == len(set(tables))


def test_the_restricted_reports_are_the_pii_entries_and_the_sandbox_agrees():
    from pipelines.sandbox.reports import RESTRICTED_REPORT_TYPES

    pii = {e.report_type for e in CATALOG if e.pii}
    assert pii == {"GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING", "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING"}
    assert {e.report_type for e in CATALOG} & RESTRICTED_REPORT_TYPES == pii


def test_reports_amazon_removed_are_not_in_the_catalog_and_the_page_says_so():
    types = {e.report_type for e in CATALOG}
    for removed in ("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "GET_FBA_SNS_FORECAST_DATA",
                    "GET_FBA_SNS_PERFORMANCE_DATA", "GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA",
                    "GET_FBA_INVENTORY_AGED_DATA", "GET_EXCESS_INVENTORY_DATA"):
        assert removed not in types
        assert any(removed in listed for listed, _ in REMOVED)
    assert "## Not in the catalog: removed by Amazon" in render()


def test_the_reference_page_is_generated_from_the_catalog():
    assert PAGE.read_text(encoding="utf-8") == render(), \
        "docs/reports.md is out of date: run `python -m pipelines.catalog.reference`"
    assert main(["--check"]) == 0


def test_the_page_has_one_summary_row_and_one_section_per_entry():
    page = render()
    for e in CATALOG:
        assert page.count(f"| `{e.report_type}` | `{e.table}` |") == 1
        assert page.count(f"### `{e.table}`\n") == 1
    fee = next(line for line in page.splitlines() if line.startswith("| `GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA`"))
    assert fee.endswith("| dated snapshot per run | `sku` | 0 | no | seller | "
                        "requested with dataStartTime 73 h back |")
    returns = next(line for line in page.splitlines() if line.startswith("| `GET_FLAT_FILE_RETURNS_DATA_BY"))
    assert returns.endswith("| daily, by `return_request_date` | `order_id`, `amazon_rma_id`, `merchant_sku` | "
                            "7 | no | seller | 60 days per request |")
    invoicing = next(line for line in page.splitlines() if "`raw_amazon_fulfilled_shipments_invoicing`" in line)
    assert "| **yes** (opt-in, RDT) |" in invoicing
