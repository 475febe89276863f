"""The report types the sandbox serves: one layout each, one module per report family.

A layout is the sandbox's own model of Amazon's document (header, value formats,
meaning of each column, window rules), taken from the flat-file notes and the
official report schemas; nothing here comes from the product's catalog. Adding a
report type is adding a layout to a family module (or calling ``register`` from
another module, e.g. JSON reports rendered from their official schemas).

>>> layout("GET_FBA_REIMBURSEMENTS_DATA").window_column
'approval-date'
>>> "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2" in SUPPORTED, "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2" in REQUESTABLE
(True, False)
"""
from __future__ import annotations

from collections.abc import Iterator

from pipelines.sandbox.layouts import (
    feedback,
    fees,
    finance,
    fulfillment,
    inventory,
    inventory_more,
    listings,
    listings_more,
    orders,
    orders_more,
    planning,
    removals,
    restricted,
    retired,
    returns,
    sales_traffic,
    transactions,
)
from pipelines.sandbox.layouts.model import FlatLayout, JsonLayout, Layout

__all__ = ["LAYOUTS", "REQUESTABLE", "SUPPORTED", "FlatLayout", "JsonLayout", "Layout", "layout", "register"]

LAYOUTS: dict[str, Layout] = {}


def register(new: Layout) -> Layout:
    """Serve ``new.report_type`` with this layout (a report type has one layout)."""
    known = LAYOUTS.get(new.report_type)
    if known is not None and known is not new:
        raise ValueError(f"the sandbox already has a layout for {new.report_type} ({known.notes})")
    LAYOUTS[new.report_type] = new
    return new


def layout(report_type: str) -> Layout:
    try:
        return LAYOUTS[report_type]
    except KeyError:
        raise KeyError(f"the sandbox has no layout for {report_type!r}; it serves: {', '.join(LAYOUTS)}") from None


class _Requestable:
    """A live view of the report types createReport accepts (layouts registered later included)."""

    def __contains__(self, report_type: object) -> bool:
        found = LAYOUTS.get(report_type) if isinstance(report_type, str) else None
        return found is not None and found.requestable

    def __iter__(self) -> Iterator[str]:
        return (t for t, found in LAYOUTS.items() if found.requestable)


SUPPORTED = LAYOUTS.keys()  # live: every report type served (listed, requested or both)
REQUESTABLE = _Requestable()

for _family in (orders, listings, inventory, fulfillment, finance, sales_traffic):
    for _layout in _family.LAYOUTS:
        register(_layout)
for _family in (returns, fees, planning, inventory_more, removals, listings_more, orders_more, feedback, restricted,
                transactions, retired):
    for _layout in _family.LAYOUTS:
        register(_layout)
