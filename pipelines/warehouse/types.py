"""Column kinds → DuckDB types, and the SQL that converts a raw text value.

Every conversion happens inside DuckDB. ``convert_sql`` has a strict form
(used by the load: a bad value raises) and a ``strict=False`` form (TRY_ casts,
used only to find which value was bad after a load failed). Empty strings are
NULL in both.

>>> duckdb_type("decimal"), duckdb_type("duckdb:VARCHAR[]")
('DECIMAL(18,4)', 'VARCHAR[]')
>>> convert_sql('"qty"', "int")
'CAST(NULLIF("qty", \\'\\') AS BIGINT)'
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
}

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
    return f"{cast}({v} AS {t})"
