"""The listing cursor of reports Amazon generates (settlements), without Dagster: every report is
new exactly once, whatever second it was created in, and none is passed over while still pending."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipelines.catalog import entry
from pipelines.listed_reports import RETENTION, ListingCursor, Seen, list_new_reports, partition_key, report_partition
from pipelines.sync import Target, sync_listed_report

SETTLEMENTS = entry("settlements_v2")
T = datetime(2026, 3, 4, 2, 0, 0, tzinfo=timezone.utc)


def report(report_id: str, created: datetime, status: str = "DONE", mp: str = "ATVPDKIKX0DER") -> dict:
    return {"reportId": report_id, "reportType": SETTLEMENTS.report_type, "processingStatus": status,
            "createdTime": created.isoformat(), "marketplaceIds": [mp],
            **({"reportDocumentId": f"doc-{report_id}"} if status == "DONE" else {})}


class FakeReports:
    """getReports as Amazon answers it: reports created since ``createdSince`` (inclusive), of the
    statuses and marketplaces asked for, newest first; each call recorded."""

    def __init__(self, reports: list[dict]):
        self.reports = reports
        self.calls: list[dict] = []

    def list_reports(self, report_types, *, marketplace_ids=None, processing_statuses=None, created_since=None):
        self.calls.append({"types": list(report_types), "marketplaces": list(marketplace_ids or ()),
                           "statuses": list(processing_statuses or ()), "since": created_since})
        found = [r for r in self.reports if r["reportType"] in report_types
                 and (created_since is None or datetime.fromisoformat(r["createdTime"]) >= created_since)
                 and (not processing_statuses or r["processingStatus"] in processing_statuses)
                 and (not marketplace_ids or set(r["marketplaceIds"]) & set(marketplace_ids))]
        return iter(sorted(found, key=lambda r: r["createdTime"], reverse=True))


def tick(api: FakeReports, cursor: ListingCursor, account: str = "a", mps=("ATVPDKIKX0DER", "A1PA6795UKMFR9"),
         now=T):
    new, cursor = list_new_reports(SETTLEMENTS, api, account, list(mps), cursor, now)
    return [r["reportId"] for r in new], cursor


def test_reports_created_in_the_cursors_second_are_neither_missed_nor_repeated():
    api = FakeReports([report("1", T - timedelta(days=14)), report("2", T), report("3", T)])
    found, cursor = tick(api, ListingCursor())
    assert found == ["1", "2", "3"]
    assert cursor.seen == {"a": Seen(T, frozenset({"2", "3"}))}
    assert api.calls[0]["since"] is None  # first listing: all Amazon keeps (its default, 90 days)

    api.reports.append(report("4", T, mp="A1PA6795UKMFR9"))  # another marketplace's, the same second
    found, cursor = tick(api, cursor)
    assert found == ["4"]
    assert api.calls[1]["since"] == T  # from the cursor, inclusive: 2, 3 and 4 are listed again
    assert cursor.seen == {"a": Seen(T, frozenset({"2", "3", "4"}))}

    found, same = tick(api, cursor)
    assert (found, same) == ([], cursor)

    api.reports.append(report("5", T + timedelta(seconds=1)))
    found, cursor = tick(api, cursor)
    assert found == ["5"]
    assert cursor.seen == {"a": Seen(T + timedelta(seconds=1), frozenset({"5"}))}


def test_the_cursor_never_passes_a_report_still_pending():
    api = FakeReports([report("1", T), report("2", T + timedelta(minutes=1), "IN_PROGRESS"),
                       report("3", T + timedelta(minutes=2))])
    found, cursor = tick(api, ListingCursor())
    assert found == ["1", "3"]
    assert cursor.seen["a"] == Seen(T, frozenset({"1"}))  # stops before 2
    assert api.calls[0]["statuses"] == ["DONE", "IN_QUEUE", "IN_PROGRESS"]

    api.reports[1] = report("2", T + timedelta(minutes=1))  # DONE now
    found, cursor = tick(api, cursor)
    assert found == ["2", "3"]  # 3 again: the sensor skips reports that are partitions already
    assert cursor.seen["a"] == Seen(T + timedelta(minutes=2), frozenset({"3"}))
    assert tick(api, cursor)[0] == []


def test_cancelled_and_fatal_reports_are_passed_and_never_landed():
    api = FakeReports([report("1", T, "CANCELLED"), report("2", T + timedelta(hours=1), "FATAL")])
    found, cursor = tick(api, ListingCursor())
    assert found == []
    assert api.calls[0]["statuses"] == ["DONE", "IN_QUEUE", "IN_PROGRESS"]  # Amazon does not list them here
    assert cursor == ListingCursor()


def test_accounts_keep_their_own_position():
    api = FakeReports([report("1", T)])
    _, cursor = tick(api, ListingCursor(), account="a")
    found, cursor = tick(api, cursor, account="b")
    assert found == ["1"]  # another account's listing (at Amazon, its own reports)
    assert set(cursor.seen) == {"a", "b"}
    assert cursor.taking("a", ListingCursor()) == cursor  # an account's failed listing changes nothing


def test_created_since_stays_within_amazons_retention():
    cursor = ListingCursor({"a": Seen(T, frozenset({"1"}))})
    assert cursor.created_since("a", T + RETENTION) == T
    assert cursor.created_since("a", T + RETENTION + timedelta(seconds=1)) is None  # Amazon's default: its 90 days
    assert cursor.created_since("b", T) is None
    assert RETENTION == timedelta(days=89)


def test_more_than_ten_marketplaces_are_listed_ten_at_a_time():
    mps = [f"MP{i:02d}" for i in range(12)]
    api = FakeReports([report("1", T, mp="MP00"), report("2", T, mp="MP11")])
    found, _ = tick(api, ListingCursor(), mps=mps)
    assert found == ["1", "2"]
    assert [c["marketplaces"] for c in api.calls] == [mps[:10], mps[10:]]


def test_the_cursor_survives_a_round_trip_through_json():
    cursor = ListingCursor({"a": Seen(T, frozenset({"2", "1"})), "b:eu": Seen(T - timedelta(days=1))})
    text = cursor.to_json()
    assert text == ('{"a": {"ids": ["1", "2"], "newest": "2026-03-04T02:00:00Z"}, '
                    '"b:eu": {"ids": [], "newest": "2026-03-03T02:00:00Z"}}')
    assert ListingCursor.from_json(text) == cursor
    assert ListingCursor.from_json(None) == ListingCursor.from_json("") == ListingCursor()


@pytest.mark.parametrize("text", ["not json", '{"a": {"ids": []}}', '{"a": {"newest": "yesterday", "ids": []}}',
                                  '["a"]'])
def test_a_bad_cursor_is_named(text):
    with pytest.raises(ValueError, match="listing cursor .* is not"):
        ListingCursor.from_json(text)


def test_partition_keys_name_the_account_and_the_report():
    assert partition_key("brand:eu", "5001") == "brand:eu:5001"
    assert report_partition("brand:eu:5001") == ("brand:eu", "5001")
    for bad in ("5001", ":5001", "brand:"):
        with pytest.raises(ValueError, match="is not <account>:<reportId>"):
            report_partition(bad)


class OneReport:
    """getReport answering one report; downloads recorded (there must be none)."""

    def __init__(self, body: dict):
        self.body, self.downloads = body, []

    def get_report(self, report_id):
        return self.body

    def fetch_document(self, *args, **kwargs):
        self.downloads.append(args)


@pytest.mark.parametrize("body, message", [
    ({"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "processingStatus": "DONE", "reportDocumentId": "d"},
     "report 9 of account a is a GET_MERCHANT_LISTINGS_ALL_DATA report, not GET_V2_SETTLEMENT_REPORT_DATA_"),
    ({"reportType": SETTLEMENTS.report_type, "processingStatus": "FATAL"},
     "report 9 of account a has no document to land \\(status FATAL\\); nothing landed"),
])
def test_one_report_of_another_type_or_without_a_document_is_refused_naming_it(body, message):
    api = OneReport(body)
    with pytest.raises(ValueError, match=message):
        sync_listed_report(SETTLEMENTS, api, Target(warehouse=None, account="a", source="sandbox"), "9")
    assert api.downloads == []
