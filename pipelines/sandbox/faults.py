"""Runtime fault injection: a small book of armed faults that handlers consume.

Every fault takes ``after``: that many matching calls pass before it strikes
(``fatal`` with ``after=2`` fails the third report created).

>>> book = FaultBook()
>>> _ = book.inject("throttle", operation="createReport", count=2)
>>> book.take("throttle", operation="getReport") is None
True
>>> [book.take("throttle", operation="createReport") is not None for _ in range(3)]
[True, True, False]
>>> _ = book.inject("fatal", count=1, after=2)
>>> [book.take("fatal", operation="createReport") is not None for _ in range(4)]
[False, False, True, False]
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

FAULTS = {
    "throttle": "429 QuotaExceeded for the next `count` calls (of `operation`, or any operation)",
    "server_error": "500 (or `status`: 503) with an SP-API error body for the next `count` calls",
    "drop_connection": "the next `count` document downloads close the connection mid-body",
    "expire_url": "the next `count` document URLs handed out are already expired",
    "fatal": "the next `count` reports/queries (created after this) end FATAL with an error document",
    "cancelled": "the next `count` reports/queries (created after this) end CANCELLED",
    "truncated_gzip": "the next `count` document downloads return a gzip body cut short",
    "new_column": "the next `count` flat-file reports gain a trailing column `new-amazon-column`",
    "malformed_row": "the next `count` flat-file reports carry `n/a` in an integer column of their second row",
    "slow": "the next `count` reports/queries take `factor` (default 5) times longer to process",
    "stuck_in_queue": "the next `count` reports/queries (created after this) stay IN_QUEUE until cancelled",
    "lost_response": "the next `count` calls (of `operation`) take effect, then answer 500 as if they had failed "
                     "(`drop`: true closes the connection without an answer)",
    # Documents that are not the report asked for (pipelines/sandbox/document_faults.py), served by the
    # next `count` document downloads (of `operation`: getReportDocument or getDocument) instead of the real one:
    "empty_document": "0 bytes, while the document is still declared GZIP",
    "empty_gzip": "a valid gzip of nothing",
    "headerless": "the flat file's rows without its header line",
    "header_only": "a well-formed document with zero records (the flat file's header; the JSON envelope)",
    "html_document": "an HTML error page (Content-Type text/html)",
    "foreign_header": "another report's header and rows (the FBA storage fee report)",
    "wrong_json": "JSON of another shape (an SP-API error body), over several lines",
}


class FaultError(ValueError):
    """An unknown fault name or a bad fault parameter."""


@dataclass
class Fault:
    name: str
    operation: str | None = None  # operationId filter (None = any)
    count: int | None = 1  # None = until cleared
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"fault": self.name, "operation": self.operation, "count": self.count, **self.params}


class FaultBook:
    """Armed faults, consumed first-in first-out per fault name; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, fault: str, operation: str | None = None, count: int | None = 1, **params: Any) -> Fault:
        if fault not in FAULTS:
            raise FaultError(f"unknown fault {fault!r}; known faults: {', '.join(FAULTS)}")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise FaultError(f"fault count must be a positive integer or null (until cleared), got {count!r}")
        if fault == "server_error" and params.get("status", 500) not in (500, 503):
            raise FaultError(f"server_error status must be 500 or 503, got {params['status']!r}")
        if fault == "slow" and not float(params.get("factor", 5)) > 0:
            raise FaultError(f"slow factor must be > 0, got {params['factor']!r}")
        after = params.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise FaultError(f"fault after must be a non-negative integer (calls let through first), got {after!r}")
        if fault == "lost_response" and not isinstance(params.get("drop", False), bool):
            raise FaultError(f"lost_response drop must be true or false, got {params['drop']!r}")
        armed = Fault(fault, operation, count, dict(params))
        with self._lock:
            self._faults.append(armed)
        return armed

    def take(self, fault: str, operation: str | None = None) -> Fault | None:
        """Consume one use of the first armed ``fault`` matching ``operation``."""
        with self._lock:
            for f in self._faults:
                if f.name == fault and (f.operation is None or f.operation == operation):
                    if f.params.get("after"):
                        f.params["after"] -= 1
                        return None
                    if f.count is not None:
                        f.count -= 1
                        if f.count == 0:
                            self._faults.remove(f)
                    return f
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_dict() for f in self._faults]
