"""Typed errors of the SP-API client: each names what went wrong and, where
Amazon told us, its error code, message and ``x-amzn-RequestId``.

Every class derives from :class:`SpApiClientError`, so ``except
SpApiClientError`` catches anything this package raises on purpose. Messages
never contain credentials, access tokens or presigned document URLs.

>>> e = SpApiError(400, "InvalidInput", "bad marketplace", operation="createReport", request_id="r-1")
>>> str(e)
'createReport failed: HTTP 400 InvalidInput: bad marketplace [x-amzn-RequestId r-1]'
"""
from __future__ import annotations


class SpApiClientError(Exception):
    """Base class of every error raised by pipelines.spapi."""


class ConfigError(SpApiClientError, ValueError):
    """A setting is missing or invalid; the message names it and the allowed values."""


class SpApiError(SpApiClientError):
    """An SP-API call failed (HTTP error, or transport failure when ``status`` is None).

    Attributes mirror the SP-API ``ErrorList`` body: the first error's ``code``,
    ``message`` and ``details``; ``errors`` keeps every entry.
    """

    # Hints to the retry policy: ``retry_after`` caps the wait before the next attempt
    # (0 = at once, e.g. with a fresh token after a 403 "token expired"); ``final``
    # says no retry can help (LWA declared down, credentials refused).
    retry_after: float | None = None
    final = False

    def __init__(
        self,
        status: int | None,
        code: str,
        message: str,
        details: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        errors: list[dict] | None = None,
    ):
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.operation = operation
        self.errors = errors or []
        super().__init__(self._text())

    def add_detail(self, text: str) -> None:
        """Append what a person can do about this error to its details (and message)."""
        self.details = f"{self.details}; {text}" if self.details else text
        self.args = (self._text(),)

    def _text(self) -> str:
        where = f"{self.operation} failed" if self.operation else "SP-API call failed"
        what = f"HTTP {self.status} {self.code}" if self.status is not None else self.code
        text = f"{where}: {what}: {self.message}"
        if self.details:
            text += f" ({self.details})"
        if self.request_id:
            text += f" [x-amzn-RequestId {self.request_id}]"
        return text


class AuthError(SpApiError):
    """Login with Amazon refused the credentials or could not be reached, or SP-API
    denied access (HTTP 401/403)."""


class ThrottledError(SpApiError):
    """HTTP 429 QuotaExceeded persisted after every allowed retry."""


class PollTimeoutError(SpApiClientError):
    """A report or query did not reach a terminal status within the poll timeout."""


class QueueTimeoutError(SpApiClientError):
    """A report or query was still IN_QUEUE after ``queue_timeout`` (it is then cancelled and re-created)."""

    def __init__(self, what: str, waited: float):
        self.what = what
        self.waited = waited
        super().__init__(f"{what} still IN_QUEUE after {waited:.0f}s")


class StuckInQueueError(SpApiClientError):
    """Every attempt at a report or query stayed IN_QUEUE past ``queue_timeout`` and was cancelled."""


FATAL_ADVICE = ("the window may be too wide or too far back, or the report not available for this "
                "marketplace or account; retry later, or narrow the window")


class ReportFatalError(SpApiClientError):
    """Amazon ended a report FATAL; ``error_text`` quotes its error document (truncated)."""

    def __init__(self, report_id: str, report_type: str, error_text: str | None):
        self.report_id = report_id
        self.report_type = report_type
        self.error_text = error_text
        if error_text:
            reason = f"Amazon's error document says: {error_text}"
        else:
            reason = "Amazon returned no error document (no reportDocumentId)"
        super().__init__(f"report {report_id} ({report_type}) ended FATAL: {FATAL_ADVICE}. {reason}")


class ReportCancelledError(SpApiClientError):
    """A report ended CANCELLED where the caller required data (see FetchedReport.require_path)."""

    def __init__(self, report_id: str, report_type: str):
        self.report_id = report_id
        self.report_type = report_type
        super().__init__(
            f"report {report_id} ({report_type}) ended CANCELLED: Amazon had no data for the "
            "request, or the report was cancelled"
        )


class QueryFatalError(SpApiClientError):
    """A Data Kiosk query ended FATAL; ``messages`` are the error document's messages."""

    def __init__(self, query_id: str, messages: list[str]):
        self.query_id = query_id
        self.messages = messages
        reason = "; ".join(messages) if messages else "Amazon returned no error document"
        super().__init__(f"Data Kiosk query {query_id} ended FATAL: {reason}")


class QueryCancelledError(SpApiClientError):
    """A Data Kiosk query ended CANCELLED (cancelled before it began processing)."""

    def __init__(self, query_id: str):
        self.query_id = query_id
        super().__init__(f"Data Kiosk query {query_id} ended CANCELLED (cancelled before processing)")


class QueryInvalidError(SpApiClientError):
    """A Data Kiosk query cannot be sent (GraphQL syntax error or over the size limit)."""


class DocumentError(SpApiClientError):
    """A report or Data Kiosk document could not be downloaded or decoded."""


class ExpiredUrlError(DocumentError):
    """The presigned document URL was refused (expired); fetch a fresh one and retry."""
