"""Column kinds → DuckDB types, and the SQL that converts a raw text value.

Every conversion happens inside DuckDB. ``convert_sql`` has a strict form
(used by the load: a bad value raises) and a ``strict=False`` form (TRY_ casts,
used only to find which value was bad after a load failed). Empty strings are
NULL in both.

>>> duckdb_type("decimal"), duckdb_type("duckdb:VARCHAR[]")
('DECIMAL(18,4)', 'VARCHAR[]')
>>> convert_sql('"qty"', "int")
'CAST(NULLIF("qty", \\'\\') AS BIGINT)'

Kinds for the forms Amazon's flat files write (values as DuckDB lands them):

>>> import duckdb
>>> con = duckdb.connect(); _ = con.execute("SET TimeZone = 'UTC'")
>>> land = lambda raw, kind: con.execute(f"SELECT {convert_sql('$1', kind)}", [raw]).fetchone()[0]
>>> land("15-Jun-2026", "date_d_mon_y"), land("Jul 29, 2022", "date_mon_d_y")
(datetime.date(2026, 6, 15), datetime.date(2022, 7, 29))
>>> land("10/20/23", "date_mdy_short"), land("20.10.23", "date_dmy_dot_short"), land("23/10/20", "date_ymd_short")
(datetime.date(2023, 10, 20), datetime.date(2023, 10, 20), datetime.date(2023, 10, 20))
>>> str(land("Jun 26, 2023 11:53:30 PM PDT", "timestamp_localized"))
'2023-06-27 06:53:30+00:00'
>>> [str(land(v, "timestamp_lenient")) for v in ("2023-07-18T22:54:07Z", "18-Jul-2023", "2021-08-15 20:35:17 PDT")]
['2023-07-18 22:54:07+00:00', '2023-07-18 00:00:00+00:00', '2021-08-16 03:35:17+00:00']
>>> land("--", "decimal_na"), land("10.16", "decimal_na"), land("365+", "int_capped"), land("0.000192", "measure")
(None, Decimal('10.1600'), 365, Decimal('0.00019200'))
>>> land("11/25/2026", "date_lenient"), land("none", "date_lenient")
(datetime.date(2026, 11, 25), None)
>>> import hashlib; land("buyer@example.com", "hashed") == hashlib.sha256(b"buyer@example.com").hexdigest()
True
"""
from __future__ import annotations

NATIVE_PREFIX = "duckdb:"

KIND_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamptz": "TIMESTAMPTZ",
    "timestamp_utc": "TIMESTAMPTZ",
    "timestamp_tzname": "TIMESTAMPTZ",
    "date": "DATE",
    "date_mdy": "DATE",
    "month": "DATE",
    "date_d_mon_y": "DATE",
    "date_mon_d_y": "DATE",
    "date_mdy_short": "DATE",
    "date_dmy_short": "DATE",
    "date_dmy_dot_short": "DATE",
    "date_ymd_short": "DATE",
    "date_local_short": "DATE",
    "date_lenient": "DATE",
    "timestamp_localized": "TIMESTAMPTZ",
    "timestamp_lenient": "TIMESTAMPTZ",
    "decimal_na": "DECIMAL(18,4)",
    "int_capped": "BIGINT",
    "hashed": "VARCHAR",
    "measure": "DECIMAL(18,8)",
}

# Dates written with one strptime format (or a list of them, tried in order).
_DATE_FORMATS: dict[str, str] = {
    "date_d_mon_y": "'%d-%b-%Y'",            # 15-Jun-2026 (MFN returns)
    "date_mon_d_y": "'%b %d, %Y'",           # Jul 29, 2022 (suppressed listings)
    "date_mdy_short": "'%m/%d/%y'",          # 10/20/23 (seller feedback, US)
    "date_dmy_short": "'%d/%m/%y'",          # 20/10/23 (seller feedback, UK, FR, ...)
    "date_dmy_dot_short": "'%d.%m.%y'",      # 20.10.23 (seller feedback, DE)
    "date_ymd_short": "'%y/%m/%d'",          # 23/10/20 (seller feedback, JP)
}

# ``date_local_short`` is written the marketplace's way (seller feedback): the
# landing resolves it per marketplace country with ``for_marketplace``.
LOCAL_SHORT_DATES: dict[str, str] = {"US": "date_mdy_short", "DE": "date_dmy_dot_short",
                                     "JP": "date_ymd_short", "SE": "date"}
LOCAL_SHORT_DATE_DEFAULT = "date_dmy_short"

# Abbreviations seen in report timestamps (``2021-08-15 20:35:17 PDT``). They are
# mapped to fixed offsets on purpose: ICU reads "PST" as America/Los_Angeles,
# which would turn a winter abbreviation into summer time in July. Ambiguous
# names take their Amazon-marketplace meaning: CST is US Central, IST is India.
TZ_OFFSETS: dict[str, str] = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "WET": "+00:00", "WEST": "+01:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "MEZ": "+01:00", "MESZ": "+02:00",
    "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00", "IST": "+05:30", "SGT": "+08:00",
    "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00", "AEDT": "+11:00",
    "NZST": "+12:00", "NZDT": "+13:00", "BRT": "-03:00", "AST": "-04:00", "ADT": "-03:00",
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00",
    "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00",
    "HST": "-10:00",
}

_UTC_FORMATS = "['%Y-%m-%d %H:%M:%S UTC', '%d.%m.%Y %H:%M:%S UTC', '%Y-%m-%dT%H:%M:%S UTC']"
_MDY_FORMATS = "['%m/%d/%Y', '%m/%Y']"
_MONTH_FORMAT = "'%Y-%m'"
_TZNAME_RE = r"^(.*[0-9])\s+([A-Za-z][A-Za-z_/+\-0-9]*)$"
# Seller Central's written date-times (Date Range reports), after the zone name
# became an offset: US 'Jun 26, 2023 11:53:30 PM PDT', DE '17.11.2023 10:50:20 UTC',
# UK/IT '20 Nov 2023 05:10:24 UTC'.
_LOCALIZED_FORMATS = "['%b %d, %Y %I:%M:%S %p%z', '%d.%m.%Y %H:%M:%S%z', '%d %b %Y %H:%M:%S%z']"
# Every unambiguous form Amazon's flat files use, for columns whose exact form
# the notes leave unverified: ISO 8601 (offset, Z, or none: UTC), zone names,
# dates alone, MM/DD/YYYY and DD-Mon-YYYY.
_LENIENT_FORMATS = ("['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z', "
                    "'%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%m/%d/%Y', '%d-%b-%Y', "
                    "'%b %d, %Y %I:%M:%S %p%z', '%b %d, %Y']")
_TRAILING_ZONE_RE = r"\s([A-Za-z]{1,5})$"


def is_native(kind: str) -> bool:
    return kind.startswith(NATIVE_PREFIX)


def duckdb_type(kind: str) -> str:
    """The column type a kind lands as; ValueError names the allowed kinds."""
    if is_native(kind):
        t = kind[len(NATIVE_PREFIX):].strip()
        if not t:
            raise ValueError(f"column kind {kind!r} names no DuckDB type (e.g. 'duckdb:VARCHAR[]')")
        return t
    try:
        return KIND_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown column kind {kind!r}; allowed: {', '.join(KIND_TYPES)} "
                         f"or '{NATIVE_PREFIX}<TYPE>'") from None


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _tzname_sql(v: str, cast: str) -> str:
    # '2021-08-15 20:35:17 PDT' -> '2021-08-15 20:35:17-07:00'; an unmapped name
    # (an IANA zone like 'Europe/Berlin') is left for ICU to resolve or reject.
    name = f"upper(regexp_extract({v}, {_lit(_TZNAME_RE)}, 2))"
    whens = " ".join(f"WHEN {_lit(k)} THEN {_lit(o)}" for k, o in TZ_OFFSETS.items())
    fixed = (f"regexp_extract({v}, {_lit(_TZNAME_RE)}, 1) || "
             f"CASE {name} {whens} ELSE ' ' || regexp_extract({v}, {_lit(_TZNAME_RE)}, 2) END")
    return (f"CASE WHEN regexp_matches({v}, {_lit(_TZNAME_RE)}) THEN {cast}({fixed} AS TIMESTAMPTZ) "
            f"ELSE {cast}({v} AS TIMESTAMPTZ) END")


def _zone_as_offset_sql(v: str) -> str:
    # A trailing zone name ('... PDT') or 'Z' becomes its offset ('...-07:00'), for %z.
    base = f"regexp_replace({v}, {_lit(_TRAILING_ZONE_RE)}, '')"
    whens = " ".join(f"WHEN {_lit(k)} THEN {base} || {_lit(o)}" for k, o in TZ_OFFSETS.items())
    return (f"CASE upper(regexp_extract({v}, {_lit(_TRAILING_ZONE_RE)}, 1)) {whens} "
            f"ELSE regexp_replace({v}, '([0-9])Z$', '\\1+00:00') END")


def for_marketplace(kind: str, marketplace_id: str | None) -> str:
    """The kind a marketplace writes ``kind`` as (only ``date_local_short`` varies).

    >>> for_marketplace("date_local_short", "ATVPDKIKX0DER"), for_marketplace("date_local_short", "A1PA6795UKMFR9")
    ('date_mdy_short', 'date_dmy_dot_short')
    >>> for_marketplace("date_local_short", "A1F83G8C2ARO7P"), for_marketplace("int", "ATVPDKIKX0DER")
    ('date_dmy_short', 'int')
    """
    if kind != "date_local_short":
        return kind
    from pipelines.spapi.regions import MARKETPLACES

    market = MARKETPLACES.get(marketplace_id or "")
    return LOCAL_SHORT_DATES.get(market.country if market else "", LOCAL_SHORT_DATE_DEFAULT)


def convert_sql(expr: str, kind: str, *, strict: bool = True) -> str:
    """SQL turning the VARCHAR expression ``expr`` into the kind's DuckDB type."""
    t = duckdb_type(kind)
    v = f"NULLIF({expr}, '')"
    cast = "CAST" if strict else "TRY_CAST"
    strptime = "strptime" if strict else "try_strptime"
    if kind == "text":
        return v
    if kind == "decimal":
        # EU settlement files write '95,00'; flat files have no thousands separator.
        return f"{cast}(replace({v}, ',', '.') AS {t})"
    if kind == "timestamp_utc":
        return f"timezone('UTC', {strptime}({v}, {_UTC_FORMATS}))"
    if kind == "timestamp_tzname":
        return _tzname_sql(v, cast)
    if kind == "date_mdy":
        return f"CAST({strptime}({v}, {_MDY_FORMATS}) AS DATE)"
    if kind == "month":  # '2024-03' -> 2024-03-01
        return f"CAST({strptime}({v}, {_MONTH_FORMAT}) AS DATE)"
    if kind in _DATE_FORMATS:
        return f"CAST({strptime}({v}, {_DATE_FORMATS[kind]}) AS DATE)"
    if kind == "date_local_short":
        raise ValueError("kind 'date_local_short' depends on the marketplace: resolve it with for_marketplace()")
    if kind == "timestamp_localized":
        return f"{strptime}({_zone_as_offset_sql(v)}, {_LOCALIZED_FORMATS})"
    if kind in ("timestamp_lenient", "date_lenient"):
        v = f"CASE WHEN lower({v}) = 'none' THEN NULL ELSE {v} END"  # restock writes 'none' for no date
        ts = f"{strptime}({_zone_as_offset_sql(v)}, {_LENIENT_FORMATS})"
        return ts if kind == "timestamp_lenient" else f"CAST({ts} AS DATE)"
    if kind == "measure":  # volumes and ratios: '0.000192' (cubic feet) needs more than 4 places
        return f"{cast}(replace({v}, ',', '.') AS {t})"
    if kind == "decimal_na":  # the NA fee preview writes '--' where a fee does not apply
        return f"{cast}(replace(NULLIF({v}, '--'), ',', '.') AS {t})"
    if kind == "int_capped":  # restock days of supply: '365+' is the cap, landed as 365
        return f"{cast}(regexp_replace({v}, '[+]$', '') AS {t})"
    if kind == "hashed":  # personal data (a rater's email): joinable, not readable
        return f"sha256({v})"
    return f"{cast}({v} AS {t})"
