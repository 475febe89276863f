"""Render a report document to a gzip file through its report type's layout (``layouts``).

Rendering streams rows straight into the gzip file, so memory stays flat
whatever the report size (beyond the seller's own per-day lists).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipelines.sandbox import json_reports, layouts, settlements  # noqa: F401 - json_reports registers its layouts
from pipelines.sandbox.layouts.model import (  # noqa: F401 - re-exported for the API modules and tests
    END_INCLUSIVE,
    JSON_CONTENT_TYPE,
    MALFORMED_VALUE,
    NEW_COLUMN,
    Rendered,
    RenderRequest,
    text_content_type,
)
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller

SUPPORTED = layouts.SUPPORTED  # live views of the layout registry
REQUESTABLE = layouts.REQUESTABLE


def render_report(seller: SyntheticSeller, report_type: str, marketplace_ids: list[str], start: datetime,
                  end: datetime, options: dict[str, str], path: Path, *, now: datetime,
                  new_column: bool = False, malformed: bool = False, vendor: bool = False) -> Rendered:
    """Write the report's document to ``path`` (gzip); the row count and its Content-Type.

    ``start``/``end`` are the request's ``dataStartTime``/``dataEndTime``: Amazon reads
    the end as inclusive (to the second), so a request ending at 23:59:59 covers that
    whole day. The report shows the seller as it is at ``now``, when the report is made.
    """
    return layouts.layout(report_type).render(RenderRequest(
        seller.at(now), marketplace_ids, start, end, options, path, now, new_column, malformed, vendor))


def check_options(report_type: str, options: dict[str, str], marketplace_ids: list[str], *, vendor: bool,
                  now: datetime) -> dict[str, str]:
    """The reportOptions the report reads (defaults added), or the ApiError createReport answers."""
    return layouts.layout(report_type).check_options(options, marketplace_ids, vendor=vendor, now=now)


def refusal(report_type: str, start: datetime, end: datetime, now: datetime, options: dict[str, str] | None = None,
            marketplace_ids: list[str] = ()) -> str | None:
    """Why Amazon would end this request FATAL (a window wider than the report allows, ...), or None."""
    return layouts.layout(report_type).refusal(start, end, now, options, marketplace_ids)


def render_for_config(config, report_type: str, marketplace_ids: list[str], start: datetime, end: datetime,
                      options: dict[str, str], path: Path, now: datetime, new_column: bool,
                      malformed: bool = False, tenant=None) -> Rendered:
    """``render_report`` with a fresh seller of the account ``tenant`` (None: the first) built from a
    SandboxConfig (picklable: runs in a worker process).

    A fresh seller per render also frees its per-day caches when the document is written.
    """
    tenant = tenant or config.tenant()
    return render_report(config.new_seller(tenant), report_type, marketplace_ids, start, end, options, path,
                         now=now, new_column=new_column, malformed=malformed, vendor=tenant.vendor)


def expected_rows(config, report_type: str, marketplace_ids: list[str], start: datetime, end: datetime) -> float:
    """A rough row estimate (orders per day × days × marketplace share) to pick where to render."""
    found = layouts.layout(report_type)
    if found.snapshot or found.format != "tsv":
        return 0.0
    days = max(0.0, (end - start).total_seconds() / 86400)
    return config.orders_per_day * 1.3 * days * sum(MARKETPLACES[m].volume for m in marketplace_ids)


def render_settlement(seller: SyntheticSeller, s: settlements.Settlement, path: Path,
                      new_column: bool = False) -> Rendered:
    """A settlement report's document: the settlement of its period (final figures)."""
    return layouts.layout(settlements.REPORT_TYPE).render(RenderRequest(
        seller, [s.marketplace_id], s.start, s.end - END_INCLUSIVE, {}, path, s.created, new_column))
