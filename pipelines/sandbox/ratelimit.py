"""Token buckets: one per selling-partner account and operation, refilled at the usage-plan rate
(Amazon counts usage plans per selling partner and application).

>>> b = TokenBucket(rate=1.0, burst=2, clock=lambda: 0.0)
>>> [b.take() for _ in range(3)]
[True, True, False]
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class TokenBucket:
    """Holds up to ``burst`` tokens, refilled at ``rate`` tokens per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Spend one token; False when the bucket is empty (the caller answers 429)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class RateLimiter:
    """Per-account, per-operation buckets with every official rate multiplied by ``time_scale``.

    >>> limiter = RateLimiter({"createReport": (0.0167, 2)})
    >>> [limiter.allow("createReport", "a") for _ in range(3)], limiter.allow("createReport", "b")
    ([True, True, False], True)
    """

    def __init__(self, plans: dict[str, tuple[float, int]], time_scale: float = 1.0):
        self.time_scale = time_scale
        self._plans = {op: (rate * time_scale, burst) for op, (rate, burst) in plans.items()}
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def applied_rate(self, operation: str) -> float:
        return self._plans[operation][0]

    def allow(self, operation: str, account: str = "") -> bool:
        """Spend one of ``account``'s ``operation`` tokens (its bucket starts full on first use)."""
        with self._lock:
            bucket = self._buckets.get((account, operation))
            if bucket is None:
                bucket = self._buckets[(account, operation)] = TokenBucket(*self._plans[operation])
        return bucket.take()
