"""Readiness: is each scheduled tick still running as it should? (`/readyz`, bot.service)

The jobs (bot.jobs) report when each tick starts and finishes. A tick is late when it has neither finished nor
started within `max(3 × its interval, MIN_STALE)` (a refresh of many feeds may run for minutes; a tick that hangs,
or a scheduler that stopped, shows). Until a tick's first run the process's start counts as its last run. A
bot-only role runs one tick, the digest corpus check (bot.jobs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["MIN_STALE", "Health"]

MIN_STALE = 600.0  # seconds


@dataclass
class _Tick:
    stale_after: float
    started: float
    finished: float
    running: int = 0


class Health:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._ticks: dict[str, _Tick] = {}

    def expect(self, name: str, every_seconds: float) -> None:
        """`name` runs every `every_seconds`; it is late after max(3 intervals, MIN_STALE) without a run."""
        now = self.clock()
        self._ticks[name] = _Tick(max(3 * every_seconds, MIN_STALE), now, now)

    @contextmanager
    def tick(self, name: str) -> Iterator[None]:
        tick = self._ticks.get(name)
        if tick is None:
            yield
            return
        tick.started = self.clock()
        tick.running += 1
        try:
            yield
        finally:
            tick.running -= 1
            tick.finished = self.clock()

    def late(self) -> list[str]:
        """One reason per late tick; empty when every tick is on time."""
        now = self.clock()
        reasons = []
        for name, tick in sorted(self._ticks.items()):
            last = max(tick.started, tick.finished)
            if now - last > tick.stale_after:
                state = "still running since" if tick.running else "last ran"
                reasons.append(f"{name} tick {state} {now - last:.0f} s ago (limit {tick.stale_after:.0f} s)")
        return reasons
