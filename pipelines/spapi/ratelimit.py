"""Per-operation token buckets that wait *before* a call is sent.

Each SP-API operation has a usage plan: a sustained rate (requests/second)
and a burst. A bucket holds up to ``burst`` tokens and refills at ``rate``;
a call takes one token, waiting when none is left. Waiters reserve their token
under the lock (the count may go negative) and sleep outside it, so threads
queue fairly without holding the lock while sleeping.

>>> waits = []
>>> b = TokenBucket(rate=0.5, burst=1, clock=lambda: 0.0, sleep=waits.append)
>>> b.acquire(), b.acquire(), waits
(0.0, 2.0, [2.0])
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

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
        if wait > 0:
            self._sleep(wait)
        return wait

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._refill()
            self.rate = rate

    def drain(self) -> None:
        """Empty the bucket (after a 429): the next call waits one full interval."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0)


class RateLimiter:
    """One bucket per operationId, from USAGE_PLANS; operations without a plan are not limited."""

    def __init__(self, plans: dict[str, UsagePlan] | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._plans = dict(USAGE_PLANS if plans is None else plans)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, operation: str) -> TokenBucket | None:
        with self._lock:
            if operation not in self._buckets and operation in self._plans:
                plan = self._plans[operation]
                self._buckets[operation] = TokenBucket(plan.rate, plan.burst, clock=self._clock, sleep=self._sleep)
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

    def throttled(self, operation: str) -> None:
        """Amazon answered 429: stop bursting and wait a full interval before the next call."""
        bucket = self.bucket(operation)
        if bucket:
            bucket.drain()


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(account_key: str) -> RateLimiter:
    """The process-wide limiter of one selling-partner account (usage plans are per account)."""
    with _SHARED_LOCK:
        if account_key not in _SHARED:
            _SHARED[account_key] = RateLimiter()
        return _SHARED[account_key]
