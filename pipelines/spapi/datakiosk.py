"""Data Kiosk API 2023-11-15: createQuery → poll getQuery → every page's JSONL document.

A query's result can span several pages: a DONE query whose
``pagination.nextToken`` is set has more data, fetched by createQuery with the
same ``query`` text and ``paginationToken``. :meth:`DataKioskApi.run` follows
every page (Amazon's own samples stop at the first).

Amazon's Data Kiosk FAQ: "The Data Kiosk API does not support query
backlogging. Data Kiosk limits the number of concurrent non-terminal queries
per selling partner and per GraphQL query." So each account gets
``max_active_queries`` slots for queries in IN_QUEUE/IN_PROGRESS, held from
createQuery until the query is terminal: a semaphore within the process, or,
when the client shares its usage plans across processes (``rate_limit_dir``),
slot files locked across every process of the account. A createQuery that is
still refused with 429 is retried with backoff by the client (bounded).

>>> compact_query('''query {
...   analytics_salesAndTraffic_2024_04_24 { salesAndTrafficByDate(startDate: "2024-01-01") { startDate } }
... }''')
'query{analytics_salesAndTraffic_2024_04_24{salesAndTrafficByDate(startDate:"2024-01-01"){startDate}}}'
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from filelock import FileLock, Timeout
from graphql import GraphQLError, parse
from graphql.utilities import strip_ignored_characters

from pipelines.spec.models import MAX_QUERY_CHARS  # createQuery's limit, as the official model states it

from .documents import DocumentLocation
from .errors import (
    DocumentError,
    PollTimeoutError,
    QueryCancelledError,
    QueryFatalError,
    QueryInvalidError,
    SpApiClientError,
)
from .http import SpApiClient
from .polling import run_job, wait_until_terminal
from .reports import iso_utc

log = logging.getLogger("pipelines.spapi")

BASE = "/dataKiosk/2023-11-15"
DEFAULT_MAX_ACTIVE_QUERIES = 4
# How long before a createQuery's first attempt its twin may have been created (clocks differ a little).
TWIN_MARGIN = timedelta(minutes=1)
ERROR_TEXT_LIMIT = 4000

_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def compact_query(query: str) -> str:
    """The query without GraphQL-insignificant whitespace/commas/comments; checks the size limit."""
    try:
        parse(query)  # syntax only; validation against the dataset schema is the caller's (gql)
        compact = strip_ignored_characters(query)
    except GraphQLError as exc:
        raise QueryInvalidError(f"Data Kiosk query is not valid GraphQL: {exc.message}") from None
    if len(compact) > MAX_QUERY_CHARS:
        raise QueryInvalidError(
            f"Data Kiosk query is {len(compact)} characters without whitespace; the limit is {MAX_QUERY_CHARS}")
    return compact


def _same_text(query: str) -> str:
    """A query's text as compared with a twin's: without GraphQL-insignificant characters."""
    try:
        return strip_ignored_characters(query)
    except GraphQLError:
        return query


def _slots(account: str, size: int) -> threading.BoundedSemaphore:
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(account, threading.BoundedSemaphore(size))


class FileSlots:
    """At most ``size`` holders across processes: one lock file per slot, taken
    without blocking in turn (polling when all are held). The OS releases a
    slot whose process dies, so a crash never leaks one.

    >>> import tempfile
    >>> slots = FileSlots(Path(tempfile.mkdtemp()), 1)
    >>> with slots:
    ...     slots.held()
    1
    """

    def __init__(self, folder: Path, size: int, poll: float = 0.5, sleep: Callable[[float], None] = time.sleep):
        folder.mkdir(parents=True, exist_ok=True)
        self._locks = [FileLock(str(folder / f"slot-{n}.lock"), thread_local=False) for n in range(size)]
        self._poll, self._sleep = poll, sleep
        self._local = threading.local()
        self._guard = threading.Lock()  # a FileLock is reentrant: threads must not share a slot

    def held(self) -> int:
        return sum(lock.is_locked for lock in self._locks)

    def __enter__(self) -> "FileSlots":
        while True:
            with self._guard:
                for lock in self._locks:
                    if lock.is_locked:  # held by another thread of this process
                        continue
                    try:
                        lock.acquire(timeout=0)
                    except Timeout:  # held by another process
                        continue
                    self._local.lock = lock
                    return self
            self._sleep(self._poll)

    def __exit__(self, *exc: object) -> None:
        self._local.lock.release()


def error_messages(text: str) -> list[str]:
    """Messages of a Data Kiosk error document: ``{"errorMessage": ...}``, tolerant of variants.

    >>> error_messages('{"errorMessage": "Invalid date range"}')
    ['Invalid date range']
    >>> error_messages('not json at all')
    ['not json at all']
    """
    def from_value(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [m for item in value for m in from_value(item)]
        if isinstance(value, dict):
            for key in ("errorMessage", "message", "errorMessages", "errors", "error"):
                if key in value:
                    return from_value(value[key])
            return [json.dumps(value, ensure_ascii=False)]
        return [] if value is None else [str(value)]

    text = text.strip()
    if not text:
        return []
    try:
        return from_value(json.loads(text))
    except ValueError:
        pass
    messages: list[str] = []
    for line in text.splitlines():
        try:
            messages.extend(from_value(json.loads(line)))
        except ValueError:
            return [text]
    return messages


@dataclass(frozen=True)
class PageDocument:
    """Where one page's document came from (named when it is not the expected data)."""

    query_id: str
    document_id: str
    content_type: str | None


@dataclass
class QueryRun:
    query_ids: list[str] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)  # JSONL, UTF-8, one per page with data
    sources: dict[Path, PageDocument] = field(default_factory=dict)  # each document's query and dataDocumentId
    pages: int = 0  # createQuery runs (pages) processed
    stuck_cancelled: int = 0  # queries cancelled after waiting IN_QUEUE past queue_timeout


class DataKioskApi:
    def __init__(self, client: SpApiClient, *, max_active_queries: int = DEFAULT_MAX_ACTIVE_QUERIES):
        self.client = client
        shared = client.config.rate_limit_dir
        self._slots = (FileSlots(Path(shared) / client.account_key / "datakiosk-queries", max_active_queries)
                       if shared else _slots(client.account_key, max_active_queries))

    def run(self, query: str, dest_dir: Path, label: str | None = None) -> QueryRun:
        """Run a query to completion, following pagination, writing ``<queryId>.jsonl`` per page.

        DONE without dataDocumentId means no data (``documents == []``). Raises
        QueryFatalError (with the error document's messages) or QueryCancelledError.
        A query still IN_QUEUE after ``queue_timeout`` is cancelled and created again
        (see polling.run_job); ``label`` names the query and its window in the error
        when every attempt was stuck.
        """
        dest_dir = Path(dest_dir)
        text = compact_query(query)
        label = label or f"Data Kiosk query {text[:120]}"
        run = QueryRun()
        token: str | None = None
        while True:
            with self._slots:
                result, stuck = self._create_and_wait(text, token, label)
            query_id = result["queryId"]
            run.query_ids.append(query_id)
            run.stuck_cancelled += stuck
            run.pages += 1
            self._check(result, dest_dir)
            document_id = result.get("dataDocumentId")
            if document_id:
                got = self.client.download(self._locator(document_id), dest_dir / f"{query_id}.jsonl")
                run.documents.append(got.path)
                run.sources[got.path] = PageDocument(query_id, document_id, got.content_type)
            else:
                log.info("Data Kiosk query %s DONE without data", query_id)
            token = (result.get("pagination") or {}).get("nextToken")
            if not token:
                return run
            text = result.get("query") or text  # the model: same `query` as the Query object
            log.info("Data Kiosk query %s has another page", query_id)

    def _create_and_wait(self, text: str, token: str | None, label: str) -> tuple[dict, int]:
        """Create one page's query and wait for it (re-created when stuck IN_QUEUE); a query
        still pending at the poll timeout is cancelled, freeing Amazon's slot too."""
        current: list[str] = []

        def create() -> str:
            current.append(self.create_query(text, pagination_token=token))
            return current[-1]

        try:
            return run_job(self.client, kind="Data Kiosk query", label=label, create=create, get=self.get_query,
                           cancel=self.cancel_query)
        except PollTimeoutError:
            try:
                self.cancel_query(current[-1])
            except SpApiClientError as exc:
                log.warning("could not cancel timed-out query %s: %s", current[-1], exc)
            raise

    def _check(self, result: dict, dest_dir: Path) -> None:
        query_id, status = result["queryId"], result.get("processingStatus")
        if status == "CANCELLED":
            raise QueryCancelledError(query_id)
        if status == "FATAL":
            error_id = result.get("errorDocumentId")
            raise QueryFatalError(query_id, self._error_messages(error_id, dest_dir) if error_id else [])

    def _error_messages(self, document_id: str, dest_dir: Path) -> list[str]:
        path = self.download_document(document_id, dest_dir / f".error-{document_id}.json")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(ERROR_TEXT_LIMIT)
        finally:
            path.unlink(missing_ok=True)
        return error_messages(text)

    # -- single operations -----------------------------------------------------------
    def create_query(self, query: str, *, pagination_token: str | None = None) -> str:
        body = {"query": query}
        if pagination_token:
            body["paginationToken"] = pagination_token
        since = datetime.now(timezone.utc) - TWIN_MARGIN
        # A query object does not show its paginationToken, so a later page's twin could not be
        # told apart from the first page of the same text: only a first page is looked for.
        twin = None if pagination_token else lambda: self.find_twin(query, since)
        resp = self.client.request("createQuery", "POST", f"{BASE}/queries", json=body, find_twin=twin) or {}
        log.info("created Data Kiosk query %s", resp.get("queryId"))
        return resp["queryId"]

    def find_twin(self, query: str, since: datetime) -> dict | None:
        """``{"queryId": ...}`` of a query with the same text created since ``since``, in any
        status: the one a createQuery that failed with a 5xx or a dropped connection may have
        created; None if there is none. One try per page: it runs inside the create's attempt."""
        want = _same_text(query)
        params: dict = {"createdSince": iso_utc(since), "pageSize": 100}
        while True:
            page = self.client.request("getQueries", "GET", f"{BASE}/queries", params=params, retry=False) or {}
            for found in page.get("queries") or []:
                if _same_text(found.get("query") or "") == want:
                    return {"queryId": found["queryId"]}
            token = (page.get("pagination") or {}).get("nextToken")
            if not token:
                return None
            params = {**params, "paginationToken": token}

    def get_query(self, query_id: str) -> dict:
        return self.client.request("getQuery", "GET", f"{BASE}/queries/{query_id}") or {}

    def cancel_query(self, query_id: str) -> None:
        self.client.request("cancelQuery", "DELETE", f"{BASE}/queries/{query_id}")

    def wait(self, query_id: str) -> dict:
        """Poll getQuery until a terminal status or the poll timeout."""
        return wait_until_terminal(self.client, lambda: self.get_query(query_id), f"Data Kiosk query {query_id}")

    def get_document(self, document_id: str) -> dict:
        return self.client.request("getDocument", "GET", f"{BASE}/documents/{document_id}") or {}

    def download_document(self, document_id: str, dest: Path) -> Path:
        """Stream a Data Kiosk document (Content-Encoding gzip honoured) to ``dest``."""
        return self.client.download(self._locator(document_id), Path(dest)).path

    def _locator(self, document_id: str) -> Callable[[], DocumentLocation]:
        def locate() -> DocumentLocation:
            doc = self.get_document(document_id)
            if not doc.get("documentUrl"):
                raise DocumentError(f"getDocument {document_id} returned no documentUrl")
            return DocumentLocation(doc["documentUrl"])

        return locate
