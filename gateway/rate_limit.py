"""Per-user token buckets: a steady rate with room for bursts, per gateway process.

Each worker keeps its own buckets (the gateway is stateless), so with N
workers behind a load balancer a user gets up to N times the configured rate;
set the rate per worker accordingly.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: int, max_users: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._max_users = max_users

    def acquire(self, user: str, now: float | None = None, *, tokens: int = 1) -> float:
        """0 when a request costing ``tokens`` may go ahead (they are taken), else the
        seconds until it may (Retry-After), and nothing is taken.

        A request dearer than the burst (a large export) needs a full bucket and
        leaves it in debt, so the user's next requests wait until the steady rate
        has paid for it: any size can be served, none faster than the rate.
        """
        if self.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(user)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.burst), updated=now)
            self._buckets[user] = bucket
            if len(self._buckets) > self._max_users:
                self._buckets.popitem(last=False)  # forget the least recently seen
        else:
            self._buckets.move_to_end(user)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        needed = min(tokens, max(self.burst, 1))
        if bucket.tokens >= needed:
            bucket.tokens -= tokens
            return 0.0
        return (needed - bucket.tokens) / self.rate
