"""Value formats of Amazon's flat-file reports, and the gzip TSV writer.

Every writer takes the typed fact (``None`` for "no value") and returns the text
Amazon writes; a ``Format`` names one such form for the report layouts.

>>> from datetime import datetime, timezone
>>> t = datetime(2025, 7, 4, 18, 52, 47, tzinfo=timezone.utc)
>>> iso(t), utc_text(t), pacific_text(t), mdy(t.date()), mdy_short(t)
('2025-07-04T18:52:47+00:00', '2025-07-04 18:52:47 UTC', '2025-07-04 11:52:47 PDT', '07/04/2025', '07/04/25')
>>> pacific_text(datetime(2025, 1, 14, 3, 0, tzinfo=timezone.utc)), compact_offset(t.astimezone(pacific_zone(t)))
('2025-01-13 19:00:00 PST', '2025-07-04T11:52:47-0700')
>>> money(Decimal("95.00"), comma=True), money(None), flag(True), yes_no(False), integer(None), integer(3)
('95,00', '', 'true', 'No', '', '3')
>>> LOCALE_DECIMAL.writer("eu")(Decimal("-3.22")), LOCALE_DECIMAL.writer("na")(Decimal("-3.22"))
('-3,22', '-3.22')
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

UTC = timezone.utc

# Charset Amazon names in the Content-Type → the Python codec that writes it.
CODECS = {"UTF-8": "utf-8", "Cp1252": "cp1252", "Shift_JIS": "cp932"}

GZIP_LEVEL = 3  # good speed/size balance for million-row documents


def iso(t: datetime | None) -> str:
    """ISO 8601 with an explicit ``+00:00`` offset (orders, shipments, returns, ...)."""
    return "" if t is None else t.astimezone(UTC).isoformat()


def utc_text(t: datetime | None) -> str:
    """Settlement date form: ``YYYY-MM-DD HH:MM:SS UTC``."""
    return "" if t is None else t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


PDT = timezone(timedelta(hours=-7), "PDT")
PST = timezone(timedelta(hours=-8), "PST")


def pacific_zone(t: datetime) -> timezone:
    """US Pacific time in force at ``t``: daylight (PDT) from the second Sunday of March,
    02:00 PST (10:00 UTC), to the first Sunday of November, 02:00 PDT (09:00 UTC)."""
    t = t.astimezone(UTC)
    dst_start = datetime.combine(_nth_sunday(t.year, 3, 2), datetime.min.time(), UTC) + timedelta(hours=10)
    dst_end = datetime.combine(_nth_sunday(t.year, 11, 1), datetime.min.time(), UTC) + timedelta(hours=9)
    return PDT if dst_start <= t < dst_end else PST


def pacific_text(t: datetime | None) -> str:
    """Listing open-date form in US Pacific time with its abbreviation (PST/PDT)."""
    if t is None:
        return ""
    zone = pacific_zone(t)
    return t.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S ") + zone.tzname(None)


def compact_offset(t: datetime | None) -> str:
    """Ledger ``Date and Time`` form: local time and its offset without a colon."""
    return "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%S%z")


def mdy(d: date | None) -> str:
    """Ledger ``Date`` form: ``MM/DD/YYYY``."""
    return "" if d is None else d.strftime("%m/%d/%Y")


def mdy_short(d: date | None) -> str:
    """Settlement ``posted-date`` form: ``MM/DD/YY``."""
    return "" if d is None else d.strftime("%m/%d/%y")


def money(value: Decimal | None, comma: bool = False) -> str:
    """Plain decimal text; empty for None; ``,`` decimal mark when ``comma`` (EU settlements)."""
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if comma else text


def comma_money(value: Decimal | None) -> str:
    return money(value, comma=True)


def integer(value: int | None) -> str:
    return "" if value is None else str(value)


def flag(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


def yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"


def _last_value_memo(write: Callable[[Any], str]) -> Callable[[Any], str]:
    """``write`` that reuses its last text while it is given the same object again
    (the lines of one order share their timestamps)."""
    last_in: object = object()
    last_out = ""

    def memo(value):
        nonlocal last_in, last_out
        if value is not last_in:
            last_in, last_out = value, write(value)
        return last_out
    return memo


@dataclass(frozen=True)
class Format:
    """One text form of a typed value, as Amazon writes it (``example`` shows it)."""

    example: str
    write: Callable[[Any], str]
    eu_write: Callable[[Any], str] | None = None  # the EU marketplaces' form, where it differs
    repeats: bool = False  # consecutive rows often repeat the same value object

    def writer(self, region: str) -> Callable[[Any], str]:
        """The writer for a marketplace of ``region`` (na | eu | fe)."""
        write = self.eu_write if self.eu_write is not None and region == "eu" else self.write
        return _last_value_memo(write) if self.repeats else write


ISO_OFFSET = Format("2022-07-18T18:52:47+00:00", iso, repeats=True)
UTC_TEXT = Format("2025-01-14 03:00:00 UTC", utc_text)
PACIFIC_TEXT = Format("2021-08-15 20:35:17 PDT", pacific_text)
COMPACT_OFFSET = Format("2026-05-13T00:00:00-0700", compact_offset)
MDY = Format("11/21/2023", mdy)
MDY_SHORT = Format("01/14/25", mdy_short)
DECIMAL = Format("19.99", money)
LOCALE_DECIMAL = Format("19.99 (95,00 in EU marketplaces)", money, eu_write=comma_money)
INTEGER = Format("12", integer)
TRUE_FALSE = Format("true", flag)
YES_NO = Format("Yes", yes_no)


def _quoted_join(fields: Sequence[str]) -> str:
    return "\t".join('"' + f.replace('"', '""') + '"' for f in fields)


def write_tsv_gz(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], charset: str,
                 batch: int = 4096, quoted: bool = False) -> int:
    """Stream ``rows`` as a tab-separated, gzip-compressed file in ``charset``; return the row count.

    Characters the charset cannot encode become ``?`` (as Amazon's own files do).
    Rows are joined and encoded in batches so memory stays flat whatever the size.
    ``quoted`` encloses every field in double quotes (the ledger reports).
    """
    codec = CODECS[charset]
    count = 0
    join = _quoted_join if quoted else "\t".join
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

