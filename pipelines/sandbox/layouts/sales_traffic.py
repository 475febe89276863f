"""GET_SALES_AND_TRAFFIC_REPORT: a JSON document, not a flat file.

Its shape is the official report schema (``pipelines/spec/sellerSalesAndTrafficReport.json``,
flat-file-columns.md "GET_SALES_AND_TRAFFIC_REPORT"); the numbers come from
``pipelines.sandbox.sales_traffic``. The window filters on the day (``date``,
``YYYY-MM-DD``); no maximum window is documented in the notes.
"""
from __future__ import annotations

from pipelines.sandbox import sales_traffic
from pipelines.sandbox.layouts.model import JsonLayout, RowRequest


def document(req: RowRequest) -> dict | None:
    return sales_traffic.sales_and_traffic(req.seller, req.marketplace_id, req.start, req.end, req.options)


LAYOUTS = (
    JsonLayout(sales_traffic.REPORT_TYPE, "flat-file-columns.md, GET_SALES_AND_TRAFFIC_REPORT", document,
               keys={"salesAndTrafficByDate": ("date",),
                     "salesAndTrafficByAsin": ("parentAsin", "childAsin", "sku")},
               window_column="date"),
)
