"""Finding the reports Amazon generates on its own (settlements), each exactly once.

Settlement reports cannot be requested: Amazon creates one per settlement and
getReports lists them. A listing cursor remembers, per account, the newest
``createdTime`` seen and the report ids seen at exactly that time, so the next
listing asks only for reports created since then (``createdSince`` is
inclusive) and a report created in the same second as the cursor is neither
missed nor listed twice. The cursor never moves past a report that is still
being generated, so one that turns DONE later is still found.

Each report found becomes one partition, keyed ``<account>:<reportId>``.

No Dagster here: the sensor in ``assets/listed_reports.py`` stores the cursor.

>>> key = partition_key("brand-a-eu", "50012345678")
>>> key, report_partition(key)
('brand-a-eu:50012345678', ('brand-a-eu', '50012345678'))
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipelines.catalog import ReportEntry
from pipelines.spapi.polling import PENDING
from pipelines.spapi.reports import ReportsApi, iso_utc, parse_time

# Amazon keeps reports 90 days, and getReports defaults createdSince to 90 days ago. A cursor older than
# this (with a day's margin for clocks) is not sent: the listing then covers all Amazon still keeps.
RETENTION = timedelta(days=89)
MAX_MARKETPLACES = 10  # getReports takes at most 10 marketplaceIds (reports model, maxItems)


def partition_key(account: str, report_id: str) -> str:
    """The partition of one listed report: its account and Amazon's report id."""
    return f"{account}:{report_id}"


def report_partition(key: str) -> tuple[str, str]:
    """``(account, report id)`` of a partition key; ValueError naming the key if it is not one."""
    account, _, report_id = key.rpartition(":")  # account names may hold ':', report ids do not
    if not account or not report_id:
        raise ValueError(f"partition key {key!r} is not <account>:<reportId>")
    return account, report_id


@dataclass(frozen=True)
class Seen:
    """An account's position: the newest createdTime listed and the report ids created at exactly it."""

    newest: datetime
    ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ListingCursor:
    """Per account, the reports already listed. Stored as JSON (``to_json``, ``from_json``)."""

    seen: dict[str, Seen] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str | None) -> "ListingCursor":
        """The cursor stored by ``to_json`` (None or empty: nothing listed yet)."""
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            seen = {str(account): Seen(_created(pos["newest"]), frozenset(str(i) for i in pos["ids"]))
                    for account, pos in raw.items()}
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"listing cursor {text[:200]!r} is not "
                             f'{{"<account>": {{"newest": "<ISO time>", "ids": [...]}}}}: {exc}') from None
        return cls(seen)

    def to_json(self) -> str:
        return json.dumps({account: {"newest": iso_utc(pos.newest), "ids": sorted(pos.ids)}
                           for account, pos in sorted(self.seen.items())}, sort_keys=True)

    def taking(self, account: str, other: "ListingCursor") -> "ListingCursor":
        """This cursor with ``account``'s position taken from ``other``."""
        if account not in other.seen:
            return self
        return ListingCursor({**self.seen, account: other.seen[account]})

    def created_since(self, account: str, now: datetime) -> datetime | None:
        """What to send as createdSince: the account's newest createdTime, unless Amazon no longer keeps
        reports that old (then None: Amazon's default, all it keeps)."""
        pos = self.seen.get(account)
        return pos.newest if pos is not None and pos.newest >= now - RETENTION else None

    def is_new(self, account: str, report: dict) -> bool:
        """Whether ``report`` (a getReports entry) was not listed before."""
        pos = self.seen.get(account)
        if pos is None:
            return True
        created = _created(report["createdTime"])
        return created > pos.newest or (created == pos.newest and report["reportId"] not in pos.ids)

    def advance(self, account: str, listed: Sequence[dict]) -> "ListingCursor":
        """The cursor after ``listed`` (every report of a listing, any status): up to the newest report
        created before the oldest one still pending, which a later listing must see again."""
        pending = [_created(r["createdTime"]) for r in listed if r["processingStatus"] in PENDING]
        done = [r for r in listed if r["processingStatus"] not in PENDING
                and (not pending or _created(r["createdTime"]) < min(pending))]
        if not done:
            return self
        newest = max(_created(r["createdTime"]) for r in done)
        ids = {r["reportId"] for r in done if _created(r["createdTime"]) == newest}
        pos = self.seen.get(account)
        if pos is not None and pos.newest > newest:
            return self
        if pos is not None and pos.newest == newest:
            ids |= pos.ids
        return ListingCursor({**self.seen, account: Seen(newest, frozenset(ids))})


def _created(text: str) -> datetime:
    value = parse_time(text)
    if value is None:
        raise ValueError(f"no createdTime in {text!r}")
    return value


def list_new_reports(entry: ReportEntry, api: ReportsApi, account: str, marketplace_ids: Sequence[str],
                     cursor: ListingCursor, now: datetime) -> tuple[list[dict], ListingCursor]:
    """The account's DONE reports of ``entry`` that ``cursor`` has not seen (oldest first), and the
    cursor past them. One getReports listing (every page) per 10 marketplaces."""
    since = cursor.created_since(account, now)
    listed: dict[str, dict] = {}
    for chunk in _chunks(marketplace_ids, MAX_MARKETPLACES):
        for report in api.list_reports([entry.report_type], marketplace_ids=chunk,
                                       processing_statuses=("DONE", *PENDING), created_since=since):
            if report.get("reportType", entry.report_type) == entry.report_type:
                listed[report["reportId"]] = report
    reports = sorted(listed.values(), key=lambda r: (_created(r["createdTime"]), r["reportId"]))
    new = [r for r in reports if r["processingStatus"] == "DONE" and r.get("reportDocumentId")
           and cursor.is_new(account, r)]
    return new, cursor.advance(account, reports)


def _chunks(values: Iterable[str], size: int) -> list[list[str]]:
    values = list(values)
    return [values[i:i + size] for i in range(0, len(values), size)]
