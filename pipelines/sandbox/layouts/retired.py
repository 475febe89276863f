"""Report types Amazon removed: known to the sandbox so that it answers them as Amazon does.

flat-file-columns-2.md §22 and §27, and the addenda (§9):

- Subscribe and Save forecast and performance: deprecated 2025-06-25, removed 2025-12-11 ("the
  emulator should refuse them (createReport error)").
- The FBA inventory reports replaced by the ledger (current, monthly, adjustments, summary,
  receipts inventory; reconciliation), removed 2023-01-31: createReport "failed with InvalidInput
  "Request for report type 2600 is not allowed at this time"" (#2996). Small and Light
  inventory (sunset 2024-03-31) and product exchange (sunset 2024-02-21) likewise.
- Settlement V1 (flat file and XML): removal date 2026-11-11, before today.
- Inventory health, aged and excess inventory: retired 2022; requests are accepted and end
  FATAL ("integrators saw FATAL for all three from about 2022-10-21", #2665 / #3079).

The numeric report-type ids Amazon quotes are known for none of these, so the message names
the type.

>>> RETIRED["GET_FBA_SNS_FORECAST_DATA"].create_refusal
'Request for report type GET_FBA_SNS_FORECAST_DATA is not allowed at this time'
>>> RETIRED["GET_EXCESS_INVENTORY_DATA"].requestable, RETIRED["GET_EXCESS_INVENTORY_DATA"].refusal(None, None, None)[:34]
(True, 'Report type GET_EXCESS_INVENTORY_D')
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Mapping, Sequence

from pipelines.sandbox.layouts.model import Layout, Rendered, RenderRequest


@dataclass(frozen=True)
class Retired(Layout):
    """A removed report type: createReport refuses it (``fatal`` False) or it ends FATAL."""

    report_type: str
    notes: str
    fatal: bool = False
    replacement: str = ""
    window_column: str | None = None
    max_window: timedelta | None = None
    snapshot: bool = True
    format: ClassVar[str] = "tsv"

    @property
    def requestable(self) -> bool:  # accepted (then FATAL), or refused by createReport
        return self.fatal

    @property
    def create_refusal(self) -> str:
        return f"Request for report type {self.report_type} is not allowed at this time"

    def refusal(self, start: datetime, end: datetime, now: datetime, options: Mapping[str, str] | None = None,
                marketplace_ids: Sequence[str] = ()) -> str | None:
        use = f"; use {self.replacement}" if self.replacement else ""
        return f"Report type {self.report_type} is no longer available{use}."

    def render(self, req: RenderRequest) -> Rendered:
        raise ValueError(f"{self.report_type} was removed by Amazon; the sandbox renders no document for it")


_REFUSED = {
    "GET_FBA_SNS_FORECAST_DATA": "flat-file-columns-2.md §22 (removed 2025-12-11)",
    "GET_FBA_SNS_PERFORMANCE_DATA": "flat-file-columns-2.md §22 (removed 2025-12-11)",
    "GET_FBA_FULFILLMENT_CURRENT_INVENTORY_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_FULFILLMENT_MONTHLY_INVENTORY_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_FULFILLMENT_INVENTORY_ADJUSTMENTS_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_FULFILLMENT_INVENTORY_SUMMARY_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_RECONCILIATION_REPORT_DATA": "flat-file-columns-2.md §27 (removed 2023-01-31)",
    "GET_FBA_UNO_INVENTORY_DATA": "flat-file-columns-2.md §27 (sunset 2024-03-31)",
    "GET_PRODUCT_EXCHANGE_DATA": "flat-file-columns-2.md §27 (sunset 2024-02-21)",
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE": "flat-file-columns-2.md, addenda: V1 removed 2026-11-11",
    "GET_V2_SETTLEMENT_REPORT_DATA_XML": "flat-file-columns-2.md, addenda: XML removed 2026-11-11",
}
_FATAL = ("GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA", "GET_EXCESS_INVENTORY_DATA", "GET_FBA_INVENTORY_AGED_DATA")

RETIRED = {t: Retired(t, notes) for t, notes in _REFUSED.items()} | {
    t: Retired(t, "flat-file-columns-2.md §27 (retired 2022, FATAL)", fatal=True,
               replacement="GET_FBA_INVENTORY_PLANNING_DATA") for t in _FATAL}
LAYOUTS = tuple(RETIRED.values())
