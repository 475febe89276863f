"""Helpers for the warehouse tests: small report files written by the test, lineage, windows."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pipelines.warehouse import Lineage

US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
UTC = timezone.utc


def day(d: int) -> datetime:
    return datetime(2025, 1, d, tzinfo=UTC)


def write_tsv(path: Path, header: list[str], rows: list[list[str]], newline: str = "\n") -> Path:
    path.write_text(newline.join("\t".join(r) for r in [header, *rows]) + newline, encoding="utf-8")
    return path


def lineage(marketplace_id: str = US, start: int = 14, end: int = 15, report_id: str = "R1",
            account: str = "acct-1", **kw) -> Lineage:
    return Lineage(account=account, marketplace_id=marketplace_id, report_id=report_id,
                   window_start=day(start), window_end=day(end), source="sandbox", **kw)
