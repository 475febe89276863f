"""Processing lifecycle shared by reports and Data Kiosk queries.

A job is IN_QUEUE for the first half of its processing delay, IN_PROGRESS for
the second half (and for as long as its work is still running), then ends
DONE, CANCELLED or FATAL — the outcome of its work, or a forced one
(fault injection); a ``stuck`` one (fault injection) stays IN_QUEUE until
cancelled. The work runs on a background pool as soon as the job is created,
so requests never wait for rendering.
"""
from __future__ import annotations

import threading
import time
import traceback
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

TERMINAL = ("DONE", "CANCELLED", "FATAL")


@dataclass
class Outcome:
    status: str  # DONE | CANCELLED | FATAL
    document_id: str | None = None  # data document (DONE) or error document (FATAL)
    extra: dict | None = None


class Job:
    def __init__(self, created: datetime, delay: float, stuck: bool = False):
        self.created = created
        self.delay = delay
        self.stuck = stuck
        self._t0 = time.monotonic()
        self.cancelled_at: datetime | None = None
        self.outcome: Outcome | None = None
        self._finished: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def finished(cls, created: datetime, outcome: Outcome) -> "Job":
        """A job that ended at its creation (Amazon-generated reports such as settlements)."""
        job = cls(created, 0.0)
        job.outcome, job._finished = outcome, job._t0
        return job

    def start(self, pool: Executor, work: Callable[[], Outcome], on_error: Callable[[str], Outcome]) -> None:
        def run() -> None:
            try:
                outcome = work()
            except Exception:  # the job ends FATAL with the error as its document
                outcome = on_error(traceback.format_exc(limit=3))
            with self._lock:
                self.outcome, self._finished = outcome, time.monotonic()
        pool.submit(run)

    def state(self) -> tuple[str, datetime | None, datetime | None]:
        """(processingStatus, processingStartTime, processingEndTime)."""
        if self.cancelled_at is not None:
            return "CANCELLED", None, self.cancelled_at
        elapsed = time.monotonic() - self._t0
        if self.stuck or elapsed < self.delay / 2:
            return "IN_QUEUE", None, None
        started = self.created + timedelta(seconds=self.delay / 2)
        with self._lock:
            outcome, finished = self.outcome, self._finished
        if elapsed < self.delay or outcome is None:
            return "IN_PROGRESS", started, None
        ended = self.created + timedelta(seconds=max(self.delay, finished - self._t0))
        return outcome.status, started, ended

    def cancel(self, now: datetime) -> None:
        """Mark the job CANCELLED (callers check which states may be cancelled)."""
        self.cancelled_at = now
