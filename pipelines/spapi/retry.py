"""The one retry policy of the client: exponential backoff with full jitter,
bounded in attempts and in total time (tenacity).

Wait before retry n (1-based) is uniform(0, min(cap, base * 2**n)) — "full
jitter", which spreads retries of many workers apart — but never beyond the
remaining time budget. An error that carries ``retry_now = True`` (a fresh
access token after a 403) is retried without waiting.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import tenacity

log = logging.getLogger("pipelines.spapi")


def retrying(
    *,
    what: str,
    should_retry: Callable[[BaseException], bool],
    max_retries: int,
    max_seconds: float,
    base: float,
    cap: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> tenacity.Retrying:
    """A tenacity.Retrying that re-raises the last error once the bounds are spent."""
    started = clock()
    jitter = tenacity.wait_random_exponential(multiplier=base, max=cap)

    def out_of_time(state: tenacity.RetryCallState) -> bool:
        return clock() - started >= max_seconds

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if getattr(exc, "retry_now", False):
            return 0.0
        remaining = max(0.0, max_seconds - (clock() - started))
        return min(jitter(state), remaining)

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("%s: attempt %d failed (%s); retrying in %.2fs",
                    what, state.attempt_number, exc, state.upcoming_sleep)

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(should_retry),
        stop=tenacity.stop_after_attempt(max_retries + 1) | out_of_time,
        wait=wait,
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
