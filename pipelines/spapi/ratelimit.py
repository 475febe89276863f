"""Per-operation token buckets that wait *before* a call is sent.

Each SP-API operation has a usage plan: a sustained rate (requests/second)
and a burst. A bucket holds up to ``burst`` tokens and refills at ``rate``;
a call takes one token, waiting when none is left. Waiters reserve their token
under the lock (the count may go negative) and sleep outside it, so threads
queue fairly without holding the lock while sleeping.

Amazon counts a token when a call reaches it, somewhere within the call's round
trip after the client took it; a call that must wait therefore goes out the
longest round trip seen (from the moment it may go to its answer, at most a tenth
of an interval) after its token is due, so it does not arrive before Amazon's
bucket has refilled. Calls within the burst do not wait at all.

>>> waits = []
>>> b = TokenBucket(rate=0.5, burst=1, clock=lambda: 0.0, sleep=waits.append)
>>> b.acquire(), b.acquire(), waits
(0.0, 2.0, [2.0])
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from .regions import USAGE_PLANS, UsagePlan

log = logging.getLogger("pipelines.spapi")


class TokenBucket:
    def __init__(self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, got rate={rate} burst={burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._margin = 0.0  # the longest round trip seen (see round_trip)
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def acquire(self) -> float:
        """Take one token, sleeping until it is available; returns the seconds waited."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        return _wait_out(wait, lambda: self._margin, self._sleep)

    def round_trip(self, seconds: float) -> None:
        """A call took ``seconds`` from the moment it could go to its answer: widen the margin to it.

        >>> b = TokenBucket(rate=0.5, burst=1, clock=lambda: 0.0, sleep=lambda s: None)
        >>> b.round_trip(0.15); b.round_trip(0.1); b.acquire(), b.acquire()
        (0.0, 2.15)
        """
        with self._lock:
            self._margin = min(max(self._margin, seconds), 0.1 / self.rate)

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._refill()
            self.rate = rate

    def drain(self) -> None:
        """Empty the bucket (after a 429): the next call waits one full interval."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0)


def _wait_out(wait: float, margin: Callable[[], float], sleep: Callable[[float], None]) -> float:
    """Sleep until a reserved token is due, then the margin (read then, so round trips measured
    while waiting count); the seconds slept."""
    if wait <= 0:
        return 0.0
    sleep(wait)
    extra = margin()
    if extra > 0:
        sleep(extra)
    return wait + extra


class SharedTokenBucket:
    """A token bucket whose state lives in a small file, so that every process
    calling for the same account (Dagster runs each asset step in its own
    process) draws from one quota, as Amazon counts it.

    Same reservation rule as TokenBucket; the state is read and written under a
    file lock, and the wait happens outside it. Time is wall-clock (shared).
    """

    def __init__(self, path: Path, rate: float, burst: int, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time):
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, got rate={rate} burst={burst}")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path) + ".lock")
        self._sleep = sleep
        self._clock = clock
        self._default = {"rate": rate, "burst": burst}
        self._margin = 0.0  # the longest round trip this process saw (see TokenBucket)

    def _update(self, change: Callable[[dict, float], float]) -> float:
        with self._lock:
            now = self._clock()
            try:
                state = json.loads(self.path.read_text())
            except (FileNotFoundError, ValueError):
                state = {**self._default, "tokens": float(self._default["burst"]), "stamp": now}
            elapsed = max(0.0, now - state["stamp"])
            state["tokens"] = min(float(state["burst"]), state["tokens"] + elapsed * state["rate"])
            state["stamp"] = now
            result = change(state, now)
            self.path.write_text(json.dumps(state))
            return result

    @property
    def rate(self) -> float:
        return self._update(lambda st, _: st["rate"])

    def acquire(self) -> float:
        def take(st: dict, _now: float) -> float:
            st["tokens"] -= 1.0
            return 0.0 if st["tokens"] >= 0 else -st["tokens"] / st["rate"]

        return _wait_out(self._update(take), lambda: self._margin, self._sleep)

    def round_trip(self, seconds: float) -> None:
        self._margin = min(max(self._margin, seconds), 0.1 / self._default["rate"])

    def set_rate(self, rate: float) -> None:
        self._update(lambda st, _: st.update(rate=rate))

    def drain(self) -> None:
        self._update(lambda st, _: st.update(tokens=min(st["tokens"], 0.0)))


class RateLimiter:
    """One bucket per operationId, from USAGE_PLANS; operations without a plan are not limited.

    With ``state_dir`` the buckets are shared by every process using that folder
    (SharedTokenBucket); without it they live in this process only.
    """

    def __init__(self, plans: dict[str, UsagePlan] | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 state_dir: Path | None = None):
        self._plans = dict(USAGE_PLANS if plans is None else plans)
        self._clock = clock
        self._sleep = sleep
        self._state_dir = Path(state_dir) if state_dir else None
        self._buckets: dict[str, TokenBucket | SharedTokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, operation: str) -> TokenBucket | SharedTokenBucket | None:
        with self._lock:
            if operation not in self._buckets and operation in self._plans:
                plan = self._plans[operation]
                if self._state_dir is not None:
                    self._buckets[operation] = SharedTokenBucket(self._state_dir / f"{operation}.json",
                                                                 plan.rate, plan.burst, sleep=self._sleep)
                else:
                    self._buckets[operation] = TokenBucket(plan.rate, plan.burst, clock=self._clock,
                                                           sleep=self._sleep)
            return self._buckets.get(operation)

    def acquire(self, operation: str) -> float:
        bucket = self.bucket(operation)
        waited = bucket.acquire() if bucket else 0.0
        if waited:
            log.debug("rate limit: waited %.3fs before %s", waited, operation)
        return waited

    def observe(self, operation: str, header: str | None) -> None:
        """Adopt the rate Amazon reports in ``x-amzn-RateLimit-Limit`` (requests/second)."""
        if not header:
            return
        try:
            rate = float(header)
        except ValueError:
            log.debug("ignoring unparsable x-amzn-RateLimit-Limit %r for %s", header, operation)
            return
        bucket = self.bucket(operation)
        if rate > 0 and bucket and abs(bucket.rate - rate) > 1e-9:
            log.info("rate limit for %s is now %s req/s (x-amzn-RateLimit-Limit)", operation, rate)
            bucket.set_rate(rate)

    def round_trip(self, operation: str, seconds: float) -> None:
        """How long a call of ``operation`` took from the moment it could go to its answer (see TokenBucket)."""
        bucket = self.bucket(operation)
        if bucket:
            bucket.round_trip(seconds)

    def throttled(self, operation: str) -> None:
        """Amazon answered 429: stop bursting and wait a full interval before the next call."""
        bucket = self.bucket(operation)
        if bucket:
            bucket.drain()


_SHARED: dict[tuple[str, str], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(account_key: str, state_dir: Path | None = None) -> RateLimiter:
    """The limiter of one selling-partner account (usage plans are per account):
    process-wide, and shared across processes through ``state_dir/account_key``
    when a state folder is given."""
    key = (account_key, str(state_dir))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RateLimiter(state_dir=Path(state_dir) / account_key if state_dir else None)
        return _SHARED[key]
