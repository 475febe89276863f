"""The one retry policy of the client: exponential backoff with full jitter,
bounded in attempts and in total time (tenacity).

Wait after attempt n (1-based) is uniform(0, min(cap, base * 2**(n-1))) — "full
jitter", which spreads retries of many workers apart — but never beyond the
remaining time budget. An error's ``retry_after`` caps the wait further (0: at
once, e.g. with a fresh access token after a 403); an error marked ``final`` is
never retried. Retry loops are never nested: whatever an attempt calls (an LWA
exchange included) makes at most one try per attempt, so one call's budget is
the whole bound.

>>> calls, waits = [], []
>>> def flaky():
...     calls.append(1)
...     raise OSError("down")
>>> policy = retrying(what="demo", should_retry=lambda e: True, max_retries=2, max_seconds=60.0,
...                   base=1.0, cap=8.0, sleep=waits.append, clock=lambda: 0.0)
>>> policy(flaky)
Traceback (most recent call last):
...
OSError: down
>>> len(calls), len(waits)
(3, 2)
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
    count_attempt_time: bool = True,
) -> tenacity.Retrying:
    """A tenacity.Retrying that re-raises the last error once the bounds are spent.

    The time budget counts everything since the policy was made, or with
    ``count_attempt_time=False`` only the waits between attempts (for a download,
    whose transfer may rightly take longer than the budget)."""
    started = clock()
    waited = [0.0]
    jitter = tenacity.wait_random_exponential(multiplier=base, max=cap)

    def spent() -> float:
        return clock() - started if count_attempt_time else waited[0]

    def out_of_time(state: tenacity.RetryCallState) -> bool:
        return spent() >= max_seconds

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = min(jitter(state), max(0.0, max_seconds - spent()))
        after = getattr(exc, "retry_after", None)
        return delay if after is None else min(delay, max(0.0, after))

    def pause(seconds: float) -> None:
        waited[0] += seconds
        sleep(seconds)

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("%s: attempt %d failed (%s); retrying in %.2fs",
                    what, state.attempt_number, exc, state.upcoming_sleep)

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(lambda e: not getattr(e, "final", False) and should_retry(e)),
        stop=tenacity.stop_after_attempt(max_retries + 1) | out_of_time,
        wait=wait,
        sleep=pause,
        before_sleep=before_sleep,
        reraise=True,
    )
