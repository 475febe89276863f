"""Pure parts: window packing, lookback ranges, model dependency discovery."""
from datetime import date, datetime, timezone

import pytest

from pipelines.models import Model, ModelError, load_models
from pipelines.windows import lookback_range, pack

UTC = timezone.utc


def test_pack_covers_range_without_gaps_or_overlap():
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 3, tzinfo=UTC)
    windows = list(pack(start, end, 30))
    assert windows[0][0] == start and windows[-1][1] == end
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:]))
    assert all((we - ws).days <= 30 for ws, we in windows)
    assert len(windows) == 3  # 61 days in windows of 30


def test_pack_rejects_zero_width():
    with pytest.raises(ValueError, match="max_days"):
        list(pack(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC), 0))


def test_lookback_range_ends_yesterday():
    assert lookback_range(date(2025, 3, 1), 7) == (date(2025, 2, 21), date(2025, 2, 28))


def test_model_deps_ignore_ctes_and_find_joins():
    m = Model.from_sql("m", "WITH a AS (SELECT * FROM raw_x) SELECT * FROM a JOIN raw_y USING (k)")
    assert m.deps == {"raw_x", "raw_y"}


def test_model_file_errors_name_the_file():
    with pytest.raises(ModelError, match="bad.sql: not valid DuckDB SQL"):
        Model.from_sql("bad", "SELECT FROM WHERE (", path="bad.sql")
    with pytest.raises(ModelError, match="exactly one SELECT"):
        Model.from_sql("two", "SELECT 1; SELECT 2")


def test_shipped_models_load_and_read_known_tables():
    models = {m.name: m for m in load_models()}
    assert models["daily_sales"].deps == {"orders"}
    assert {"raw_all_orders_by_order_date", "raw_all_orders_by_last_update"} <= models["orders"].deps


def test_an_unknown_report_type_names_the_known_ones():
    from pipelines.catalog import entry

    with pytest.raises(KeyError, match="GET_NOT_A_REPORT.*GET_FBA_REIMBURSEMENTS_DATA"):
        entry("GET_NOT_A_REPORT")
