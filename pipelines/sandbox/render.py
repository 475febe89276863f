"""Render a report document to a gzip file: flat files (TSV), settlements, Sales and Traffic (JSON).

Rendering streams rows straight into the gzip file, so memory stays flat
whatever the report size (beyond the seller's own per-day lists).
"""
from __future__ import annotations

import gzip
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.catalog import entry
from pipelines.sandbox import flatfiles, sales_traffic, settlements
from pipelines.sandbox.formats import GZIP_LEVEL, write_tsv_gz
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller

NEW_COLUMN = "new-amazon-column"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
SUPPORTED = tuple(dict.fromkeys([*flatfiles.WINDOWED, *flatfiles.SNAPSHOT, sales_traffic.REPORT_TYPE,
                                 settlements.REPORT_TYPE]))
REQUESTABLE = tuple(t for t in SUPPORTED if t != settlements.REPORT_TYPE)


def text_content_type(marketplace_id: str) -> str:
    return f"text/plain; charset={MARKETPLACES[marketplace_id].charset}"


@dataclass(frozen=True)
class Rendered:
    rows: int  # 0 = no data (the report ends CANCELLED)
    content_type: str


def render_report(seller: SyntheticSeller, report_type: str, marketplace_ids: list[str], start: datetime,
                  end: datetime, options: dict[str, str], path: Path, *, now: datetime,
                  new_column: bool = False, malformed: bool = False) -> Rendered:
    """Write the report's document to ``path`` (gzip); the row count and its Content-Type.

    Amazon reads ``dataEndTime`` as inclusive (to the second): a request ending
    at 23:59:59 covers that whole day. The renderers take half-open windows, so
    the end moves one second later.
    """
    end = end + timedelta(seconds=1)
    seller = seller.at(now)  # the report shows the seller as it is when the report is made
    if report_type == sales_traffic.REPORT_TYPE:
        doc = sales_traffic.sales_and_traffic(seller, marketplace_ids[0], start, end, options)
        if doc is None:
            return Rendered(0, JSON_CONTENT_TYPE)
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL) as f:
            json.dump(doc, f)
        return Rendered(len(doc["salesAndTrafficByDate"]), JSON_CONTENT_TYPE)
    header = [c.source for c in entry(report_type).columns]
    if report_type in flatfiles.SNAPSHOT:
        fn = flatfiles.SNAPSHOT[report_type]
        rows = itertools.chain.from_iterable(fn(seller, m, now) for m in marketplace_ids)
    else:
        fn = flatfiles.WINDOWED[report_type]
        rows = itertools.chain.from_iterable(fn(seller, m, start, end) for m in marketplace_ids)
    if new_column:
        header = header + [NEW_COLUMN]
        rows = (row + ["sandbox"] for row in rows)
    if malformed:
        rows = _malformed(report_type, rows)
    charset = MARKETPLACES[marketplace_ids[0]].charset
    count = write_tsv_gz(path, header, rows, charset)
    return Rendered(count, text_content_type(marketplace_ids[0]))


MALFORMED_VALUE = "n/a"


def _malformed(report_type: str, rows):
    """The report's rows with one unparsable value in the first integer column of
    its second row (fault ``malformed_row``)."""
    column = next(i for i, c in enumerate(entry(report_type).columns) if c.kind == "int")
    for n, row in enumerate(rows):
        if n == 1:
            row = row[:column] + [MALFORMED_VALUE] + row[column + 1:]
        yield row


def render_for_config(config, report_type: str, marketplace_ids: list[str], start: datetime, end: datetime,
                      options: dict[str, str], path: Path, now: datetime, new_column: bool,
                      malformed: bool = False) -> Rendered:
    """``render_report`` with a fresh seller built from a SandboxConfig (picklable: runs in a worker process).

    A fresh seller per render also frees its per-day caches when the document is written.
    """
    return render_report(config.new_seller(), report_type, marketplace_ids, start, end, options, path,
                         now=now, new_column=new_column, malformed=malformed)


def expected_rows(config, report_type: str, marketplace_ids: list[str], start: datetime, end: datetime) -> float:
    """A rough row estimate (orders per day × days × marketplace share) to pick where to render."""
    if report_type in flatfiles.SNAPSHOT or report_type == sales_traffic.REPORT_TYPE:
        return 0.0
    days = max(0.0, (end - start).total_seconds() / 86400)
    return config.orders_per_day * 1.3 * days * sum(MARKETPLACES[m].volume for m in marketplace_ids)


def render_settlement(seller: SyntheticSeller, s: settlements.Settlement, path: Path,
                      new_column: bool = False) -> Rendered:
    header = [c.source for c in entry(settlements.REPORT_TYPE).columns]
    rows = settlements.settlement_rows(seller, s)
    if new_column:
        header = header + [NEW_COLUMN]
        rows = (row + ["sandbox"] for row in rows)
    count = write_tsv_gz(path, header, rows, MARKETPLACES[s.marketplace_id].charset)
    return Rendered(count, text_content_type(s.marketplace_id))
