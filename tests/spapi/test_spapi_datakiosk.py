"""DataKioskApi: pagination through every page, no data, FATAL, CANCELLED, query limits."""
from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from pipelines.spapi import datakiosk
from pipelines.spapi.auth import TokenCache
from pipelines.spapi.datakiosk import DataKioskApi, compact_query, error_messages
from pipelines.spapi.errors import QueryCancelledError, QueryFatalError, QueryInvalidError
from pipelines.spapi.http import SpApiClient
from tests.spapi.spapi_fakes import FakeAmazon, config, json_of, ok

QUERY = """
query salesByDate {
  analytics_salesAndTraffic_2024_04_24 {
    salesAndTrafficByDate(startDate: "2024-03-01", endDate: "2024-03-31", aggregateBy: DAY,
                          marketplaceIds: ["A1PA6795UKMFR9"]) {
      startDate
      sales { orderedProductSales { amount currencyCode } }
    }
  }
}
"""
COMPACT = compact_query(QUERY)


def query(query_id, status, *, data=None, error=None, next_token=None, text=COMPACT):
    body = {"queryId": query_id, "query": text, "createdTime": "2024-04-01T00:00:00Z", "processingStatus": status}
    if data:
        body["dataDocumentId"] = data
    if error:
        body["errorDocumentId"] = error
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return ok(body)


def serve(fake, document_id, text, *, encoding="gzip"):
    url = fake.document(document_id, text.encode(), gzip_it=False, content_type="application/x-ndjson",
                        content_encoding=encoding)
    return ok({"documentId": document_id, "documentUrl": url})


def rows(page):
    return "".join(json.dumps({"startDate": f"2024-03-{page * 10 + i + 1:02d}", "name": "Küche まな板"},
                              ensure_ascii=False) + "\n" for i in range(3))


def test_run_follows_pagination_across_three_pages(fake, client, tmp_path):
    fake.on("createQuery", *[ok({"queryId": f"Q{i}"}, 202) for i in (1, 2, 3)])
    fake.on("getQuery", query("Q1", "IN_QUEUE"), query("Q1", "DONE", data="D1", next_token="page2"),
            query("Q2", "IN_PROGRESS"), query("Q2", "DONE", data="D2", next_token="page3"),
            query("Q3", "DONE", data="D3"))
    fake.on("getDocument", serve(fake, "D1", rows(0)), serve(fake, "D2", rows(1)), serve(fake, "D3", rows(2)))
    run = DataKioskApi(client).run(QUERY, tmp_path)
    assert run.query_ids == ["Q1", "Q2", "Q3"] and run.pages == 3
    assert [p.name for p in run.documents] == ["Q1.jsonl", "Q2.jsonl", "Q3.jsonl"]
    assert [p.read_text("utf-8") for p in run.documents] == [rows(0), rows(1), rows(2)]
    bodies = [json_of(r) for op, r in fake.calls if op == "createQuery"]
    assert bodies == [{"query": COMPACT}, {"query": COMPACT, "paginationToken": "page2"},
                      {"query": COMPACT, "paginationToken": "page3"}]


def test_done_without_document_is_no_data(fake, client, tmp_path):
    fake.on("createQuery", ok({"queryId": "Q1"}, 202))
    fake.on("getQuery", query("Q1", "DONE"))
    run = DataKioskApi(client).run(QUERY, tmp_path)
    assert (run.documents, run.pages, run.query_ids) == ([], 1, ["Q1"])
    assert "getDocument" not in fake.ops()


def test_fatal_raises_with_the_error_document_messages(fake, client, tmp_path):
    fake.on("createQuery", ok({"queryId": "Q1"}, 202))
    fake.on("getQuery", query("Q1", "IN_PROGRESS"), query("Q1", "FATAL", error="E1"))
    fake.on("getDocument", serve(fake, "E1", json.dumps({"errorMessage": "endDate must not be in the future"}),
                                 encoding=None))
    with pytest.raises(QueryFatalError, match="endDate must not be in the future") as info:
        DataKioskApi(client).run(QUERY, tmp_path)
    assert info.value.query_id == "Q1" and info.value.messages == ["endDate must not be in the future"]
    assert list(tmp_path.iterdir()) == []


def test_fatal_without_error_document(fake, client, tmp_path):
    fake.on("createQuery", ok({"queryId": "Q1"}, 202))
    fake.on("getQuery", query("Q1", "FATAL"))
    with pytest.raises(QueryFatalError, match="no error document"):
        DataKioskApi(client).run(QUERY, tmp_path)


def test_cancelled_raises(fake, client, tmp_path):
    fake.on("createQuery", ok({"queryId": "Q1"}, 202))
    fake.on("getQuery", query("Q1", "CANCELLED"))
    with pytest.raises(QueryCancelledError, match="Q1"):
        DataKioskApi(client).run(QUERY, tmp_path)


def test_error_messages_are_parsed_tolerantly():
    assert error_messages('{"errorMessage": "a"}') == ["a"]
    assert error_messages('{"errors": [{"message": "a"}, {"message": "b"}]}') == ["a", "b"]
    assert error_messages('{"errorMessage": "a"}\n{"errorMessage": "b"}') == ["a", "b"]
    assert error_messages("Internal error") == ["Internal error"]
    assert error_messages("") == []


def test_query_is_compacted_and_size_checked():
    assert COMPACT.startswith("query salesByDate{analytics_salesAndTraffic_2024_04_24{")
    long_query = "query{" + " ".join(f"f{i}" for i in range(3000)) + "}"
    with pytest.raises(QueryInvalidError, match="8000"):
        compact_query(long_query)
    with pytest.raises(QueryInvalidError, match="not valid GraphQL"):
        compact_query("query { unclosed")


def test_non_terminal_queries_are_bounded_per_account(monkeypatch):
    """With max_active_queries=2, never more than 2 queries are IN_QUEUE/IN_PROGRESS at once."""
    monkeypatch.setattr(datakiosk, "_SLOTS", {})
    fake = FakeAmazon()
    lock = threading.Lock()
    active, peak, ids = set(), [0], iter(range(1, 100))

    def create(request):
        with lock:
            query_id = f"Q{next(ids)}"
            active.add(query_id)
            peak[0] = max(peak[0], len(active))
        return ok({"queryId": query_id}, 202)

    def get(request):
        query_id = request.url.path.rsplit("/", 1)[-1]
        time.sleep(0.02)
        with lock:
            active.discard(query_id)
        return query(query_id, "DONE")

    fake.defaults["createQuery"] = create
    fake.defaults["getQuery"] = get
    cfg = config(poll_initial=0.001, poll_max=0.002)
    with SpApiClient(cfg, transport=httpx.MockTransport(fake), token_cache=TokenCache()) as client:
        client.limiter.bucket("createQuery").burst = 100  # the usage plan is not under test here
        client.limiter.bucket("createQuery").set_rate(1000.0)
        threads = [threading.Thread(target=DataKioskApi(client, max_active_queries=2).run, args=(QUERY, "unused"))
                   for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert fake.ops().count("createQuery") == 6
    assert peak[0] == 2
    assert not fake.spec_problems
