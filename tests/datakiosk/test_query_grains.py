"""One query file serving several date grains: ``# periods``, the PERIOD placeholder, per-grain settings."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pipelines.datakiosk_queries import QueryFileError, load_queries, load_query, load_query_file, render

TODAY = date(2025, 6, 1)
MP = ["ATVPDKIKX0DER"]
AT = r"^\S*/"  # errors start with the file's path
ECONOMICS_BODY = """query Economics($startDate: Date!, $endDate: Date!, $marketplaceIds: [String!]!) {
  analytics_economics_2024_03_15 {
    economics(startDate: $startDate, endDate: $endDate, marketplaceIds: $marketplaceIds,
              aggregateBy: { date: PERIOD, productId: MSKU }) {
      startDate endDate marketplaceId msku sales { unitsOrdered }
    }
  }
}
"""
THREE_GRAINS = """# description: Units per MSKU and {period}.
# periods: DAY, WEEK, MONTH
# max_window_days: DAY 14
# max_periods: WEEK 4, MONTH 3
# lookback_days: 7, DAY 3
# key: marketplace_id, start_date, msku
"""


def write(folder: Path, text: str, name: str = "probe.graphql") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_three_grain_file_gives_one_query_per_grain(tmp_path):
    specs = load_query_file(write(tmp_path, THREE_GRAINS + ECONOMICS_BODY), today=TODAY)
    assert [(s.name, s.table, s.period, s.max_periods, s.max_window_days, s.lookback_days) for s in specs] == [
        ("probe_day", "raw_dk_probe_day", "DAY", 1, 14, 3),
        ("probe_week", "raw_dk_probe_week", "WEEK", 4, 30, 7),
        ("probe_month", "raw_dk_probe_month", "MONTH", 3, 30, 7)]
    assert [s.description for s in specs] == ["Units per MSKU and day.",
                                              "Units per MSKU and week (Sunday to Saturday).",
                                              "Units per MSKU and calendar month."]
    assert {s.key for s in specs} == {("marketplace_id", "start_date", "msku")}
    assert [s.partitions_per_request for s in specs] == [14, 4, 3]
    rendered = [render(s, date(2025, 5, 4), date(2025, 5, 10), MP) for s in specs]
    assert [re.findall(r"aggregateBy:\{[^}]*\}", t) for t in rendered] == [
        ["aggregateBy:{date:DAY productId:MSKU}"], ["aggregateBy:{date:WEEK productId:MSKU}"],
        ["aggregateBy:{date:MONTH productId:MSKU}"]]
    assert [t.count("PERIOD") for t in rendered] == [0, 0, 0]


def test_load_queries_lists_every_grain_under_its_name(tmp_path):
    write(tmp_path, THREE_GRAINS.replace("# periods: DAY, WEEK, MONTH\n",
                                         "# periods: DAY, WEEK, MONTH\n# name: DAY units_by_msku\n") + ECONOMICS_BODY)
    write(tmp_path, "# max_window_days: 1\n" + ECONOMICS_BODY.replace("PERIOD", "DAY"), "daily.graphql")
    assert [(s.name, s.period, s.path.name) for s in load_queries(tmp_path, today=TODAY)] == [
        ("daily", "DAY", "daily.graphql"), ("probe_month", "MONTH", "probe.graphql"),
        ("probe_week", "WEEK", "probe.graphql"), ("units_by_msku", "DAY", "probe.graphql")]
    write(tmp_path, "# periods: WEEK\n# name: probe_week\n" + ECONOMICS_BODY, "zz.graphql")
    with pytest.raises(QueryFileError, match=AT + r"zz.graphql: query name 'probe_week' is also given by "
                                             r"\S*probe.graphql$"):
        load_queries(tmp_path, today=TODAY)


def test_an_unknown_grain_is_named_with_its_file(tmp_path):
    path = write(tmp_path, THREE_GRAINS.replace("DAY, WEEK, MONTH", "DAY, QUARTER") + ECONOMICS_BODY)
    with pytest.raises(QueryFileError, match=AT + r"probe.graphql:2:1: periods must list grains among DAY, WEEK, "
                                             r"MONTH, got 'DAY, QUARTER'$"):
        load_query_file(path, today=TODAY)
    path = write(tmp_path, "# periods: WEEK, WEEK\n" + ECONOMICS_BODY)
    with pytest.raises(QueryFileError, match=AT + r"probe.graphql:1:1: periods lists a grain twice: 'WEEK, WEEK'$"):
        load_query_file(path, today=TODAY)


def test_a_grain_the_schema_rejects_is_named_with_its_file_and_position(tmp_path):
    by_asin = """# periods: WEEK, MONTH
query ($startDate: Date!, $endDate: Date!, $marketplaceIds: [String!]!) {
  analytics_salesAndTraffic_2024_04_24 {
    salesAndTrafficByAsin(startDate: $startDate, endDate: $endDate, aggregateBy: PERIOD,
                          marketplaceIds: $marketplaceIds) {
      startDate childAsin
    }
  }
}
"""
    with pytest.raises(QueryFileError, match=AT + r"probe.graphql:4:82: period WEEK: Value 'WEEK' does not exist in "
                                             r"'AsinGranularity' enum"):
        load_query_file(write(tmp_path, by_asin), today=TODAY)


def test_a_grain_contradicting_a_hard_coded_aggregation_is_named(tmp_path):
    path = write(tmp_path, "# periods: DAY, MONTH\n" + ECONOMICS_BODY.replace("PERIOD", "DAY"))
    with pytest.raises(QueryFileError, match=AT + r"probe.graphql:1:1: period MONTH: the query aggregates by DAY "
                                             r"\(line 5\) but its period is MONTH$"):
        load_query_file(path, today=TODAY)


def test_front_matter_mistakes_of_multi_grain_files(tmp_path):
    cases = {
        ECONOMICS_BODY: r"probe.graphql:4:36: PERIOD stands for a date grain; declare the grains with "
                        r"'# periods: DAY, WEEK, MONTH'",
        "# period: WEEK\n# periods: WEEK\n" + ECONOMICS_BODY:
            r"probe.graphql:1:1: declare either period \(one grain\) or periods \(several\), not both",
        "# periods: DAY, WEEK\n# max_periods: MONTH 3\n" + ECONOMICS_BODY:
            r"probe.graphql:2:1: max_periods gives a value for MONTH, which periods does not list",
        "# periods: DAY, WEEK\n# lookback_days: 7, 3\n" + ECONOMICS_BODY:
            r"probe.graphql:2:1: lookback_days must give one value per grain \(e.g. '7, DAY 3'\), got '7, 3'",
        "# periods: DAY, WEEK\n# max_periods: WEEK four\n" + ECONOMICS_BODY:
            r"probe.graphql:2:1: period WEEK: max_periods must be a whole number",
        "# periods: DAY, WEEK\n# name: DAY Units\n" + ECONOMICS_BODY:
            r"probe.graphql:2:1: period DAY: name must be lower_snake_case",
    }
    for text, message in cases.items():
        with pytest.raises(QueryFileError, match=AT + message):
            load_query_file(write(tmp_path, text), today=TODAY)


def test_load_query_takes_single_grain_files_only(tmp_path):
    path = write(tmp_path, THREE_GRAINS + ECONOMICS_BODY)
    with pytest.raises(QueryFileError, match=AT + r"probe.graphql: the file serves 3 periods \(DAY, WEEK, MONTH\); "
                                             r"load it with load_query_file$"):
        load_query(path, today=TODAY)
    assert load_query(write(tmp_path, "# periods: WEEK\n" + ECONOMICS_BODY), today=TODAY).name == "probe_week"


def test_the_shipped_child_asin_file_keeps_its_per_grain_settings():
    specs = {s.name: s for s in load_queries(today=TODAY) if s.path.name == "sales_and_traffic_by_child_asin.graphql"}
    assert {n: (s.period, s.max_window_days, s.max_periods, s.lookback_days) for n, s in specs.items()} == {
        "sales_and_traffic_by_child_asin": ("DAY", 1, 1, 3),
        "sales_and_traffic_by_child_asin_week": ("WEEK", 30, 1, 7),
        "sales_and_traffic_by_child_asin_month": ("MONTH", 30, 1, 7)}
