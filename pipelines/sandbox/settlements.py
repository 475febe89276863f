"""Settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2): which ones exist.

Amazon generates one per marketplace per closed settlement period; they cannot
be requested, only listed with getReports. The sandbox lists one per
marketplace per closed 14-day ``seller.settlement_periods()`` period, created
the day after the period closes, kept 90 days (Amazon's retention). What a
settlement holds is the seller's ``settlement_lines``; its document layout is
``layouts.finance``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipelines.sandbox.seller import SyntheticSeller

REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
RETENTION = timedelta(days=90)
CREATED_AFTER_CLOSE = timedelta(days=1, hours=2)


@dataclass(frozen=True)
class Settlement:
    report_id: str
    settlement_id: str
    marketplace_id: str
    start: datetime
    end: datetime

    @property
    def created(self) -> datetime:
        return self.end + CREATED_AFTER_CLOSE

    @property
    def document_id(self) -> str:
        return f"amzn1.spdoc.1.4.na.settlement.{self.report_id}"


def settlements(seller: SyntheticSeller, marketplace_ids: tuple[str, ...], now: datetime) -> list[Settlement]:
    """Settlement reports visible at ``now`` (created, and still retained)."""
    out = []
    for _, start, end in seller.settlement_periods(now - CREATED_AFTER_CLOSE):
        for mp in marketplace_ids:
            sid = seller.settlement_id(mp, start)
            s = Settlement(report_id=f"5{sid}", settlement_id=sid, marketplace_id=mp, start=start, end=end)
            if now - RETENTION <= s.created <= now:
                out.append(s)
    return out
