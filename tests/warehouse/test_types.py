"""Each column kind converts its raw report form inside DuckDB."""
from datetime import date, datetime, timezone
from decimal import Decimal

import duckdb
import pytest

from pipelines.warehouse.types import convert_sql, duckdb_type

UTC = timezone.utc


def convert(raw: str, kind: str, strict: bool = True):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(f"SELECT {convert_sql('CAST($1 AS VARCHAR)', kind, strict=strict)}", [raw]).fetchone()[0]


@pytest.mark.parametrize("raw,kind,expected", [
    ("12", "int", 12),
    ("-3", "int", -3),
    ("19.99", "decimal", Decimal("19.99")),
    ("95,00", "decimal", Decimal("95.00")),
    ("-3,22", "decimal", Decimal("-3.22")),
    ("12.5", "float", 12.5),
    ("true", "bool", True), ("No", "bool", False), ("y", "bool", True),
    ("2022-07-18T18:52:47+00:00", "timestamptz", datetime(2022, 7, 18, 18, 52, 47, tzinfo=UTC)),
    ("2025-01-14 03:00:00 UTC", "timestamp_utc", datetime(2025, 1, 14, 3, tzinfo=UTC)),
    ("2021-08-15 20:35:17 PDT", "timestamp_tzname", datetime(2021, 8, 16, 3, 35, 17, tzinfo=UTC)),
    ("2021-01-15 20:35:17 PST", "timestamp_tzname", datetime(2021, 1, 16, 4, 35, 17, tzinfo=UTC)),
    ("2024-03-01 09:00:00 JST", "timestamp_tzname", datetime(2024, 3, 1, 0, 0, tzinfo=UTC)),
    ("2024-03-01 09:00:00 GMT", "timestamp_tzname", datetime(2024, 3, 1, 9, 0, tzinfo=UTC)),
    ("2024-07-01 09:00:00 CEST", "timestamp_tzname", datetime(2024, 7, 1, 7, 0, tzinfo=UTC)),
    ("2025-01-14", "date", date(2025, 1, 14)),
    ("11/21/2023", "date_mdy", date(2023, 11, 21)),
    ("11/2023", "date_mdy", date(2023, 11, 1)),
    ("2024-03", "month", date(2024, 3, 1)), ("2023-12", "month", date(2023, 12, 1)),
    ("", "int", None), ("", "text", None), ("", "timestamp_tzname", None),
])
def test_kind_converts(raw, kind, expected):
    assert convert(raw, kind) == expected


@pytest.mark.parametrize("raw,kind", [("abc", "int"), ("1.2.3", "decimal"), ("maybe", "bool"),
                                      ("2021-08-15 20:35:17 XYZ", "timestamp_tzname"),
                                      ("13/45/2023", "date_mdy"), ("yesterday", "timestamptz"),
                                      ("2024-13", "month"), ("2024-03-05", "month"), ("03/2024", "month")])
def test_bad_value_raises_strict_and_is_null_when_probing(raw, kind):
    with pytest.raises(duckdb.Error):
        convert(raw, kind)
    assert convert(raw, kind, strict=False) is None


def test_unknown_kind_names_the_allowed_ones():
    with pytest.raises(ValueError, match="allowed: text, int"):
        duckdb_type("money")
    assert duckdb_type("duckdb:STRUCT(a INT)[]") == "STRUCT(a INT)[]"
