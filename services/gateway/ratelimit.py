"""Requests per minute per API key (a token bucket for each key), and failed logins per account and per
address (a sliding window), in this gateway process."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, max_keys: int = 100_000) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self._max_keys = max_keys

    def take(self, key: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds until it may (for Retry-After)."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:  # forget idle keys rather than grow without bound
                self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < 60}
            bucket = self._buckets[key] = _Bucket(tokens=float(self.per_minute), updated=now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._rate


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class FailureLimiter:
    """At most `limit` failures per key in `window_s`; beyond that, wait until the oldest one leaves it."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._max_keys = max_keys

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            if len(self._failures) >= self._max_keys:
                self._failures = {k: f for k, f in self._failures.items() if f and now - f[-1] < self.window_s}
            failures = self._failures[key] = deque()
        while failures and now - failures[0] >= self.window_s:
            failures.popleft()
        return failures

    def wait(self, key: str, now: float | None = None) -> float:
        """0 if another try may go ahead, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        failures = self._recent(key, now)
        return 0.0 if len(failures) < self.limit else failures[0] + self.window_s - now

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._recent(key, now).append(now)

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)
