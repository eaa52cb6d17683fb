"""Per-user flood control for commands and button presses: a token bucket per user id (pure but for the clock).

A user may burst `burst` actions, then one every `per_seconds / burst` seconds. The first refused action gets
a polite note; the rest of the flood is dropped silently, so a flood never turns into a flood of replies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Throttle"]


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class Throttle:
    def __init__(self, burst: int = 8, per_seconds: float = 20.0, clock: Callable[[], float] = time.monotonic,
                 max_users: int = 50_000) -> None:
        self.burst = burst
        self.rate = burst / per_seconds
        self.clock = clock
        self.max_users = max_users
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn): whether to handle the action, and whether to say "slow down" this once."""
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.max_users:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def retry_after(self, user_id: int) -> int:
        bucket = self._buckets.get(user_id)
        if bucket is None or bucket.tokens >= 1:
            return 0
        return max(1, round((1 - bucket.tokens) / self.rate))

    def _forget_idle(self, now: float) -> None:
        full = [uid for uid, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for uid in full:
            del self._buckets[uid]
        if len(self._buckets) >= self.max_users:
            self._buckets.clear()
