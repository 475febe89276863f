"""Waiting for an asynchronous SP-API job (a report, a Data Kiosk query).

Both APIs share the lifecycle IN_QUEUE → IN_PROGRESS → DONE | CANCELLED | FATAL.
Polls back off exponentially from ``poll_initial`` to ``poll_max`` seconds (the
client's limiter also keeps them within the operation's usage plan) and give
up after ``poll_timeout``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import count

from .errors import PollTimeoutError
from .http import SpApiClient

log = logging.getLogger("pipelines.spapi")

TERMINAL = ("DONE", "CANCELLED", "FATAL")
PENDING = ("IN_QUEUE", "IN_PROGRESS")


def wait_until_terminal(client: SpApiClient, fetch: Callable[[], dict], what: str, hint: str = "") -> dict:
    """Call ``fetch`` until its ``processingStatus`` is terminal; returns that body.

    ``what`` names the job in messages ("report 123"); ``hint`` is added to the
    PollTimeoutError, which says what a later call will do about it."""
    cfg, clock = client.config, client.clock
    deadline = clock() + cfg.poll_timeout
    for n in count():
        body = fetch()
        status = body.get("processingStatus")
        if status in TERMINAL:
            return body
        delay = min(cfg.poll_max, cfg.poll_initial * (2 ** n))
        if clock() + delay > deadline:
            raise PollTimeoutError(f"{what} still {status} after {cfg.poll_timeout:.0f}s (poll_timeout)"
                                   + (f"; {hint}" if hint else ""))
        log.debug("%s %s; next poll in %.1fs", what, status, delay)
        client.sleep(delay)
    raise AssertionError("unreachable")
