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
    join = _quoted_join if quoted else "\t".join
    return _write_gz(path, [join(header)], map(join, rows), charset, batch)


def _write_gz(path: Path, head: Sequence[str], lines: Iterable[str], charset: str, batch: int) -> int:
    """Write ``head`` then ``lines`` (one per row), gzip-compressed in ``charset``, encoding
    ``batch`` lines at a time; return how many ``lines`` there were."""
    codec = CODECS[charset]
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=GZIP_LEVEL, mtime=0) as gz:
        gz.write("".join(h + "\n" for h in head).encode(codec, "replace"))
        pending: list[str] = []
        for text in lines:
            pending.append(text)
            if len(pending) >= batch:
                gz.write(("\n".join(pending) + "\n").encode(codec, "replace"))
                count += len(pending)
                pending.clear()
        if pending:
            gz.write(("\n".join(pending) + "\n").encode(codec, "replace"))
            count += len(pending)
    return count


# ---- forms of the further seller flat files (flat-file-columns-2.md) -------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Month(date):
    """A calendar month as a value: its first day (ledger summary ``MM/YYYY`` rows).

    >>> Month(2026, 5, 1) == date(2026, 5, 1), ledger_period(Month(2026, 5, 1)), ledger_period(date(2026, 5, 3))
    (True, '05/2026', '05/03/2026')
    """


def dd_mon_yyyy(d: date | datetime | None) -> str:
    """MFN returns form, English month names whatever the locale: ``15-Jun-2026``.

    >>> dd_mon_yyyy(date(2026, 6, 5)), dd_mon_yyyy(None)
    ('05-Jun-2026', '')
    """
    return "" if d is None else f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year}"


def mon_d_yyyy(d: date | None) -> str:
    """Suppressed listings' Status Change Date: ``Jul 29, 2022`` (day not padded).

    >>> mon_d_yyyy(date(2022, 7, 9))
    'Jul 9, 2022'
    """
    return "" if d is None else f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def year_month(d: date | None) -> str:
    """Storage fee ``month_of_charge``: ``YYYY-MM``."""
    return "" if d is None else f"{d.year:04d}-{d.month:02d}"


def ledger_period(d: date | None) -> str:
    """Ledger summary ``Date``: ``MM/YYYY`` for a ``Month``, else ``MM/DD/YYYY`` (daily and weekly rows)."""
    if d is None:
        return ""
    return f"{d.month:02d}/{d.year:04d}" if isinstance(d, Month) else mdy(d)


def iso_date(d: date | None) -> str:
    """``YYYY-MM-DD``."""
    return "" if d is None else d.isoformat()


def iso_z(t: datetime | None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (stranded inventory dates)."""
    return "" if t is None else t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pacific_12h(t: datetime | None) -> str:
    """Date Range report ``date/time`` in the US: ``Jun 26, 2023 11:53:30 PM PDT``.

    >>> pacific_12h(datetime(2023, 6, 27, 6, 53, 30, tzinfo=UTC)), pacific_12h(datetime(2025, 1, 2, 8, 5, tzinfo=UTC))
    ('Jun 26, 2023 11:53:30 PM PDT', 'Jan 2, 2025 12:05:00 AM PST')
    """
    if t is None:
        return ""
    zone = pacific_zone(t)
    local = t.astimezone(zone)
    hour = local.hour % 12 or 12
    return (f"{_MONTHS[local.month - 1]} {local.day}, {local.year} {hour}:{local:%M:%S} "
            f"{'PM' if local.hour >= 12 else 'AM'} {zone.tzname(None)}")


def dotted_utc(t: datetime | None) -> str:
    """Date Range report ``Datum/Uhrzeit`` in Germany: ``17.11.2023 10:50:20 UTC``."""
    return "" if t is None else t.astimezone(UTC).strftime("%d.%m.%Y %H:%M:%S UTC")


def dmy_dotted_short(d: date | None) -> str:
    """Seller feedback date in DE: ``%d.%m.%y``."""
    return "" if d is None else d.strftime("%d.%m.%y")


def ymd_short(d: date | None) -> str:
    """Seller feedback date in JP: ``%y/%m/%d``."""
    return "" if d is None else d.strftime("%y/%m/%d")


def days_capped(n: int | None) -> str:
    """Restock days of supply: empty without sales, ``365+`` from a year up (the fact is then 365).

    >>> days_capped(None), days_capped(12), days_capped(365)
    ('', '12', '365+')
    """
    return "" if n is None else "365+" if n >= 365 else str(n)


def y_n(value: bool | None) -> str:
    """MFN returns flags: ``Y`` / ``N``."""
    return "" if value is None else "Y" if value else "N"


def mdy_or_none(d: date | None) -> str:
    """Restock ``Recommended ship date``: ``none`` when no shipment is recommended."""
    return "none" if d is None else mdy(d)


@dataclass(frozen=True)
class RegionalFormat(Format):
    """A form that differs in each region: ``write`` (NA), ``eu_write``, ``fe_write``."""

    fe_write: Callable[[Any], str] | None = None

    def writer(self, region: str) -> Callable[[Any], str]:
        if region == "fe" and self.fe_write is not None:
            return self.fe_write
        return super().writer(region)


DD_MON_YYYY = Format("15-Jun-2026", dd_mon_yyyy)
MON_D_YYYY = Format("Jul 29, 2022", mon_d_yyyy)
YEAR_MONTH = Format("2026-06", year_month)
LEDGER_PERIOD = Format("11/21/2023 (daily, weekly) or 11/2023 (monthly)", ledger_period)
ISO_DATE = Format("2019-08-15", iso_date)
ISO_Z = Format("2023-07-18T22:54:07Z", iso_z)
DATE_RANGE_TIME = Format("Jun 26, 2023 11:53:30 PM PDT (17.11.2023 10:50:20 UTC in DE)", pacific_12h,
                         eu_write=dotted_utc)
FEEDBACK_DATE = RegionalFormat("10/20/23 (DE 20.10.23, JP 23/10/20)", mdy_short, eu_write=dmy_dotted_short,
                               fe_write=ymd_short)
Y_N = Format("Y", y_n)
DAYS_OF_SUPPLY = Format("365+", days_capped)
SHIP_DATE_OR_NONE = Format("none", mdy_or_none)


def write_csv_gz(path: Path, preamble: Sequence[str], header: Sequence[str], rows: Iterable[Sequence[str]],
                 charset: str, batch: int = 4096) -> int:
    """Stream a comma-separated file with every field in double quotes (``"`` doubled inside) after
    ``preamble`` lines (each one quoted field), gzip-compressed in ``charset``; return the row count.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "t.csv.gz"
    >>> write_csv_gz(p, ["All amounts in USD"], ["a", "b"], [["1", '6" ruler']], "UTF-8")
    1
    >>> print(gzip.decompress(p.read_bytes()).decode(), end="")
    "All amounts in USD"
    "a","b"
    "1","6"" ruler"
    """
    def line(fields: Sequence[str]) -> str:
        return ",".join('"' + f.replace('"', '""') + '"' for f in fields)

    return _write_gz(path, [*(line([note]) for note in preamble), line(header)], map(line, rows), charset, batch)
