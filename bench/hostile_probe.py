"""What bench/hostile.py measures inside an ingesting process: event-loop lag and its own peak RSS.

Standard library only: bench/hostile_before.py imports it too, under the pre-session code's virtualenv.
"""

from __future__ import annotations

import asyncio
import resource

TICK = 0.010  # seconds: the ticker asks to wake every 10 ms; lag is how late it wakes


class LagProbe:
    """A 10 ms ticker on the event loop; `max_lag_ms` is the longest it was kept waiting past its tick."""

    def __init__(self) -> None:
        self.max_lag_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + TICK
            await asyncio.sleep(TICK)
            self.max_lag_ms = max(self.max_lag_ms, (loop.time() - due) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def peak_rss_mb() -> float:
    """This process's peak RSS (ru_maxrss, KB on Linux). Linux carries it over exec, so start measured processes
    from a small parent."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
