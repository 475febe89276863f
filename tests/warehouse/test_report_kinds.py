"""The column kinds added for the flat-file reports' value forms."""
import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal

import duckdb
import pytest

from pipelines.warehouse.types import convert_sql, for_marketplace

UTC = timezone.utc
US, DE, JP, UK = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528", "A1F83G8C2ARO7P"


def convert(raw: str, kind: str, strict: bool = True):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(f"SELECT {convert_sql('CAST($1 AS VARCHAR)', kind, strict=strict)}", [raw]).fetchone()[0]


@pytest.mark.parametrize("raw,kind,expected", [
    ("15-Jun-2026", "date_d_mon_y", date(2026, 6, 15)), ("5-jan-2026", "date_d_mon_y", date(2026, 1, 5)),
    ("Jul 29, 2022", "date_mon_d_y", date(2022, 7, 29)), ("Jul 9, 2022", "date_mon_d_y", date(2022, 7, 9)),
    ("1/13/17", "date_mdy_short", date(2017, 1, 13)), ("13/1/17", "date_dmy_short", date(2017, 1, 13)),
    ("13.01.17", "date_dmy_dot_short", date(2017, 1, 13)), ("17/01/13", "date_ymd_short", date(2017, 1, 13)),
    ("Jun 26, 2023 11:53:30 PM PDT", "timestamp_localized", datetime(2023, 6, 27, 6, 53, 30, tzinfo=UTC)),
    ("Jan 5, 2024 9:05:00 AM PST", "timestamp_localized", datetime(2024, 1, 5, 17, 5, tzinfo=UTC)),
    ("17.11.2023 10:50:20 UTC", "timestamp_localized", datetime(2023, 11, 17, 10, 50, 20, tzinfo=UTC)),
    ("20 Nov 2023 05:10:24 UTC", "timestamp_localized", datetime(2023, 11, 20, 5, 10, 24, tzinfo=UTC)),
    ("2023-07-18T22:54:07+00:00", "timestamp_lenient", datetime(2023, 7, 18, 22, 54, 7, tzinfo=UTC)),
    ("2023-07-18T22:54:07Z", "timestamp_lenient", datetime(2023, 7, 18, 22, 54, 7, tzinfo=UTC)),
    ("2026-05-13T00:00:00-0700", "timestamp_lenient", datetime(2026, 5, 13, 7, tzinfo=UTC)),
    ("2021-08-15 20:35:17 PDT", "timestamp_lenient", datetime(2021, 8, 16, 3, 35, 17, tzinfo=UTC)),
    ("2025-01-14 03:00:00 UTC", "timestamp_lenient", datetime(2025, 1, 14, 3, tzinfo=UTC)),
    ("2023-07-18", "timestamp_lenient", datetime(2023, 7, 18, tzinfo=UTC)),
    ("07/18/2023", "timestamp_lenient", datetime(2023, 7, 18, tzinfo=UTC)),
    ("18-Jul-2023", "timestamp_lenient", datetime(2023, 7, 18, tzinfo=UTC)),
    ("2026-10-31", "date_lenient", date(2026, 10, 31)), ("31-Oct-2026", "date_lenient", date(2026, 10, 31)),
    ("--", "decimal_na", None), ("10.16", "decimal_na", Decimal("10.16")), ("-3,22", "decimal_na", Decimal("-3.22")),
    ("365+", "int_capped", 365), ("12", "int_capped", 12),
    ("0.000192", "measure", Decimal("0.000192")), ("0,5", "measure", Decimal("0.5")),
    ("none", "date_lenient", None), ("None", "timestamp_lenient", None),
    ("a@b.example", "hashed", hashlib.sha256(b"a@b.example").hexdigest()),
    ("", "hashed", None), ("", "date_d_mon_y", None), ("", "timestamp_lenient", None), ("", "decimal_na", None),
])
def test_kind_converts(raw, kind, expected):
    assert convert(raw, kind) == expected


@pytest.mark.parametrize("raw,kind", [
    ("2026-06-15", "date_d_mon_y"), ("15-Foo-2026", "date_d_mon_y"), ("29 Jul 2022", "date_mon_d_y"),
    ("13/13/17", "date_mdy_short"), ("Jun 26, 2023 11:53:30 PM XYZ", "timestamp_localized"),
    ("next week", "timestamp_lenient"), ("31/10/2026", "date_lenient"), ("n/a", "decimal_na"),
    ("365++", "int_capped"), ("about 3", "int_capped"),
])
def test_bad_value_raises_strict_and_is_null_when_probing(raw, kind):
    with pytest.raises(duckdb.Error):
        convert(raw, kind)
    assert convert(raw, kind, strict=False) is None


def test_local_short_dates_resolve_per_marketplace():
    assert [for_marketplace("date_local_short", m) for m in (US, DE, JP, UK)] == \
        ["date_mdy_short", "date_dmy_dot_short", "date_ymd_short", "date_dmy_short"]
    assert convert("03/04/25", for_marketplace("date_local_short", US)) == date(2025, 3, 4)
    assert convert("03/04/25", for_marketplace("date_local_short", UK)) == date(2025, 4, 3)
    with pytest.raises(ValueError, match="for_marketplace"):
        convert_sql("x", "date_local_short")
