"""The report catalog: one declaration per Reports API report type.

Everything else (Dagster assets, schedules, raw tables) is built from these
entries. Adding a report type is adding one ``ReportEntry`` to the family
module it belongs to (``orders``, ``inventory``, ``fulfillment``, ``finance``,
``sales_and_traffic``); ``model`` says what an entry declares.

>>> entry("GET_FBA_REIMBURSEMENTS_DATA").table
'raw_fba_reimbursements'
"""
from __future__ import annotations

from pipelines.catalog import finance, fulfillment, inventory, orders, sales_and_traffic
from pipelines.catalog import feedback, fees, listings, planning, removals, restricted, returns
from pipelines.catalog import brand_analytics, performance, promotions, vendor
from pipelines.catalog.json_schema import json_entry
from pipelines.catalog.model import ChildTable, Column, ReportEntry, cols, json_report_columns, snake

__all__ = ["CATALOG", "ChildTable", "Column", "ReportEntry", "cols", "entry", "json_entry", "json_report_columns",
           "snake"]

CATALOG: tuple[ReportEntry, ...] = (
    *orders.ENTRIES,
    *inventory.ENTRIES,
    *fulfillment.ENTRIES,
    *finance.ENTRIES,
    *sales_and_traffic.ENTRIES,
    *listings.ENTRIES, *returns.ENTRIES, *fees.ENTRIES, *planning.ENTRIES, *removals.ENTRIES,
    *feedback.ENTRIES, *restricted.ENTRIES,
    *brand_analytics.ENTRIES, *vendor.ENTRIES, *promotions.ENTRIES, *performance.ENTRIES,
)

_BY_NAME = {e.name: e for e in CATALOG}
if len(_BY_NAME) != len(CATALOG):
    raise ValueError("two catalog entries share a name: " + ", ".join(
        sorted({e.name for e in CATALOG if sum(x.name == e.name for x in CATALOG) > 1})))


def entry(report_type_or_name: str) -> ReportEntry:
    """Look up an entry by report type (first match) or by name; a clear error otherwise."""
    if report_type_or_name in _BY_NAME:
        return _BY_NAME[report_type_or_name]
    for e in CATALOG:
        if e.report_type == report_type_or_name:
            return e
    known = sorted({e.report_type for e in CATALOG})
    raise KeyError(f"unknown report type or name {report_type_or_name!r}; the catalog has: {', '.join(known)}")
