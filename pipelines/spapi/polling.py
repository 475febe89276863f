"""Waiting for an asynchronous SP-API job (a report, a Data Kiosk query).

Both APIs share the lifecycle IN_QUEUE → IN_PROGRESS → DONE | CANCELLED | FATAL.
Polls back off exponentially from ``poll_initial`` to ``poll_max`` seconds (the
client's limiter also keeps them within the operation's usage plan) and give
up after ``poll_timeout``.

A job still IN_QUEUE after ``queue_timeout`` is stuck behind Amazon's queue:
:func:`run_job` cancels it, waits ``queue_backoff`` and creates it again, at
most ``queue_attempts`` times, each time saying so in a WARNING.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import count

from .errors import PollTimeoutError, QueueTimeoutError, SpApiError, StuckInQueueError
from .http import SpApiClient

log = logging.getLogger("pipelines.spapi")

TERMINAL = ("DONE", "CANCELLED", "FATAL")
PENDING = ("IN_QUEUE", "IN_PROGRESS")


def wait_until_terminal(client: SpApiClient, fetch: Callable[[], dict], what: str, hint: str = "",
                        queue_timeout: float | None = None) -> dict:
    """Call ``fetch`` until its ``processingStatus`` is terminal; returns that body.

    ``what`` names the job in messages ("report 123"); ``hint`` is added to the
    PollTimeoutError, which says what a later call will do about it. With
    ``queue_timeout``, a job still IN_QUEUE that long raises QueueTimeoutError."""
    cfg, clock = client.config, client.clock
    started = clock()
    deadline = started + cfg.poll_timeout
    for n in count():
        body = fetch()
        status = body.get("processingStatus")
        if status in TERMINAL:
            return body
        delay = min(cfg.poll_max, cfg.poll_initial * (2 ** n))
        if queue_timeout is not None and status == "IN_QUEUE":
            left = started + queue_timeout - clock()
            if left <= 0:
                raise QueueTimeoutError(what, clock() - started)
            delay = min(delay, left)  # look again right at the limit
        if clock() + delay > deadline:
            raise PollTimeoutError(f"{what} still {status} after {cfg.poll_timeout:.0f}s (poll_timeout)"
                                   + (f"; {hint}" if hint else ""))
        log.debug("%s %s; next poll in %.1fs", what, status, delay)
        client.sleep(delay)
    raise AssertionError("unreachable")


def run_job(client: SpApiClient, *, kind: str, label: str, create: Callable[[], str],
            get: Callable[[str], dict], cancel: Callable[[str], None], hint: str = "",
            job_id: str | None = None) -> tuple[dict, int]:
    """Create a job (or take ``job_id``, one already pending) and wait until it is terminal.

    A job still IN_QUEUE after ``queue_timeout`` is cancelled and created again after
    ``queue_backoff``; when ``queue_attempts`` jobs in a row were stuck, StuckInQueueError
    names ``label`` (the report type, or query, and its window). ``kind`` names a job in
    messages ("report"). Returns the terminal body and how many stuck jobs were cancelled."""
    cfg = client.config
    cancelled: list[str] = []
    while True:
        job_id = job_id or create()
        what = f"{kind} {job_id}"
        try:
            return wait_until_terminal(client, lambda: get(job_id), what, hint, cfg.queue_timeout), len(cancelled)
        except QueueTimeoutError as stuck:
            waited = stuck.waited
        try:
            cancel(job_id)
        except SpApiError as exc:
            if exc.status != 400:
                raise
            # Amazon refuses to cancel a job that left the queue since the last poll: wait for it.
            log.info("%s (%s) left the queue as it was being cancelled (%s); waiting for it", what, label, exc.message)
            return wait_until_terminal(client, lambda: get(job_id), what, hint), len(cancelled)
        cancelled.append(job_id)
        last = len(cancelled) >= cfg.queue_attempts
        log.warning("%s (%s) was still IN_QUEUE after %.0fs (queue_timeout %.0fs): cancelled it; %s",
                    what, label, waited, cfg.queue_timeout,
                    "giving up" if last else f"creating it again in {cfg.queue_backoff:.0f}s "
                                             f"(attempt {len(cancelled) + 1} of {cfg.queue_attempts})")
        if last:
            raise StuckInQueueError(
                f"{label}: each of {len(cancelled)} {kind}s ({', '.join(cancelled)}) was still IN_QUEUE after "
                f"queue_timeout ({cfg.queue_timeout:.0f}s) and was cancelled; Amazon's queue is backed up for "
                f"this account: retry later (the windows already landed are kept)")
        client.sleep(cfg.queue_backoff)
        job_id = None
