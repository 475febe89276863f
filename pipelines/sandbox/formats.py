"""Value formats of Amazon's flat-file reports, and the gzip TSV writer.

>>> from datetime import datetime, timezone
>>> t = datetime(2025, 7, 4, 18, 52, 47, tzinfo=timezone.utc)
>>> iso(t), utc_text(t), pacific_text(t), mdy(t.date())
('2025-07-04T18:52:47+00:00', '2025-07-04 18:52:47 UTC', '2025-07-04 11:52:47 PDT', '07/04/2025')
>>> pacific_text(datetime(2025, 1, 14, 3, 0, tzinfo=timezone.utc))
'2025-01-13 19:00:00 PST'
>>> money(Decimal("95.00"), comma=True), money(None), flag(True)
('95,00', '', 'true')
"""
from __future__ import annotations

import gzip
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

UTC = timezone.utc

# Charset Amazon names in the Content-Type → the Python codec that writes it.
CODECS = {"UTF-8": "utf-8", "Cp1252": "cp1252", "Shift_JIS": "cp932"}

GZIP_LEVEL = 3  # good speed/size balance for million-row documents


def iso(t: datetime) -> str:
    """ISO 8601 with an explicit ``+00:00`` offset (orders, shipments, returns, ...)."""
    return t.astimezone(UTC).isoformat()


def utc_text(t: datetime) -> str:
    """Settlement date form: ``YYYY-MM-DD HH:MM:SS UTC``."""
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def pacific_text(t: datetime) -> str:
    """Listing open-date form in US Pacific time with its abbreviation (PST/PDT).

    US daylight time runs from the second Sunday of March, 02:00 PST (10:00 UTC),
    to the first Sunday of November, 02:00 PDT (09:00 UTC).
    """
    t = t.astimezone(UTC)
    dst_start = datetime.combine(_nth_sunday(t.year, 3, 2), datetime.min.time(), UTC) + timedelta(hours=10)
    dst_end = datetime.combine(_nth_sunday(t.year, 11, 1), datetime.min.time(), UTC) + timedelta(hours=9)
    daylight = dst_start <= t < dst_end
    local = t - timedelta(hours=7 if daylight else 8)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + ("PDT" if daylight else "PST")


def mdy(d: date) -> str:
    """Ledger ``Date`` form: ``MM/DD/YYYY``."""
    return d.strftime("%m/%d/%Y")


def money(value: Decimal | None, comma: bool = False) -> str:
    """Plain decimal text; empty for None; ``,`` decimal mark when ``comma`` (EU settlements)."""
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if comma else text


def flag(value: bool) -> str:
    return "true" if value else "false"


def write_tsv_gz(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], charset: str,
                 batch: int = 4096) -> int:
    """Stream ``rows`` as a tab-separated, gzip-compressed file in ``charset``; return the row count.

    Characters the charset cannot encode become ``?`` (as Amazon's own files do).
    Rows are joined and encoded in batches so memory stays flat whatever the size.
    """
    codec = CODECS[charset]
    count = 0
    join = "\t".join
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=GZIP_LEVEL, mtime=0) as gz:
        gz.write((join(header) + "\n").encode(codec, "replace"))
        lines: list[str] = []
        for row in rows:
            lines.append(join(row))
            if len(lines) >= batch:
                gz.write(("\n".join(lines) + "\n").encode(codec, "replace"))
                count += len(lines)
                lines.clear()
        if lines:
            gz.write(("\n".join(lines) + "\n").encode(codec, "replace"))
            count += len(lines)
    return count
