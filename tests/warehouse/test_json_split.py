"""JSON report documents are streamed into JSON lines, so DuckDB never holds a whole document."""
import json
import re

import pytest

from pipelines.catalog import cols
from pipelines.warehouse import MalformedReportError, Replace, json_split
from pipelines.warehouse.json_split import JsonDocumentError, json_lines
from tests.warehouse.warehouse_fixtures import lineage


def lines_of(tmp_path, text: str, arrays=("rows",)):
    doc = tmp_path / "doc.json"
    doc.write_text(text, encoding="utf-8")
    with json_lines(doc, list(arrays)) as lines:
        return {a: (lines[a].path.read_text(encoding="utf-8").splitlines(), lines[a].records) for a in arrays}


def test_values_cut_by_the_read_buffer_are_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(json_split, "READ_CHUNK", 5)  # every number, string and record crosses a chunk
    doc = {"reportSpecification": {"reportType": "X", "marketplaceIds": ["ATVPDKIKX0DER"]},
           "skipped": [{"big": list(range(50))}] * 3,
           "rows": [{"n": 1234567890123, "s": "caf\u00e9 \\\"quoted\\\"", "x": [1.25, None, True]}, {"n": -7}],
           "tail": 12345678}
    got = lines_of(tmp_path, json.dumps(doc, indent=2), ["rows"])
    assert got["rows"][1] == 2
    assert [json.loads(line) for line in got["rows"][0]] == doc["rows"]


def test_missing_or_null_arrays_give_no_lines(tmp_path):
    got = lines_of(tmp_path, '{"rows": null}', ["rows", "absent"])
    assert got == {"rows": ([], 0), "absent": ([], 0)}


@pytest.mark.parametrize("text,message", [
    ('[{"a": 1}]', "at character 0: expected '{', found '['"),
    ('{"rows": [{"a": 1}, {"a": 2', "at character 27: Expecting ',' delimiter"),
    ('{"rows": {"a": 1}}', "at character 9: 'rows' is not an array of records"),
    ('{"rows": [{"a": 1}} ', "at character 18: expected ',' or ']', found '}'"),
])
def test_a_document_that_is_not_a_records_object_is_named(tmp_path, text, message):
    with pytest.raises(JsonDocumentError, match="not a JSON object of records arrays " + re.escape(message)):
        lines_of(tmp_path, text)


def test_a_broken_document_fails_its_land_naming_it_and_leaves_nothing_behind(wh, tmp_path):
    doc = tmp_path / "r.json"
    doc.write_text('{"rows": [{"n": "1"}, {"n": ', encoding="utf-8")
    with pytest.raises(MalformedReportError) as info:
        wh.land("raw_j", doc, cols("n:int"), fmt="json", json_records="rows", lineage=lineage(),
                replace=Replace.report("R1"))
    assert str(info.value) == ("malformed report (table raw_j, document r.json): not a JSON object of records "
                               "arrays at character 28: Expecting value")
    assert not wh.exists("raw_j")
    assert not list(tmp_path.glob(".r.json*"))  # no lines folder left
