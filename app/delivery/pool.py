"""A bounded pool of asyncio workers over a queue of row ids (app.delivery's digest workers).

Each id is held at most once, whether queued, in flight or waiting to be retried. A worker calls `deliver(id)`,
which returns True when it handed the id back for later (`_later`). `drain(grace)` stops taking ids and waits up to
`grace` seconds for those in hand. Ids still queued stay in the caller's store for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

__all__ = ["WorkPool"]

log = logging.getLogger(__name__)


class WorkPool:
    def __init__(self, workers: int, name: str) -> None:
        self.size, self.name = workers, name
        self._closing = False  # draining for a shutdown: no new ids
        self._busy = 0  # workers with an id in hand
        self._quiet = asyncio.Event()  # set while no worker has an id in hand
        self._quiet.set()
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._active: set[int] = set()  # queued, in flight or waiting to retry: never enqueued twice
        self._idle = asyncio.Event()
        self._idle.set()
        self._workers: list[asyncio.Task[None]] = []
        self._timers: set[asyncio.TimerHandle] = set()

    @property
    def closing(self) -> bool:
        """Draining for a shutdown: nothing new is started."""
        return self._closing

    async def deliver(self, item_id: int) -> bool:
        """Work on one id; True when it was handed back for later."""
        raise NotImplementedError

    def _refilling(self) -> bool:
        """Called as an id is done: True while more work is being fetched (the pool is not idle then)."""
        return False

    def start_workers(self) -> None:
        if not self._workers:
            self._workers = [asyncio.create_task(self._work(), name=f"{self.name}-{i}") for i in range(self.size)]

    async def stop_workers(self) -> None:
        self._cancel_timers()
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def quiesce(self, grace: float) -> int:
        """Take no more ids; wait up to `grace` seconds for those in hand. How many were still in hand."""
        self._closing = True
        self._cancel_timers()  # ids waiting to retry stay in the caller's store: the next start takes them
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), grace)
        return self._busy

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until nothing is queued, in flight or waiting to be retried (tests, benchmarks)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    def enqueue(self, item_id: int) -> None:
        if item_id in self._active:
            return
        self._active.add(item_id)
        self._idle.clear()
        self._queue.put_nowait(item_id)

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _done(self, item_id: int) -> None:
        self._active.discard(item_id)
        if not self._refilling() and not self._active:
            self._idle.set()

    def _later(self, item_id: int, delay: float) -> None:
        def fire() -> None:
            self._timers.discard(handle)
            self._queue.put_nowait(item_id)

        handle = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(handle)

    async def _work(self) -> None:
        while True:
            item_id = await self._queue.get()
            if self._closing:
                continue  # left in the caller's store for the next start
            retry = False
            self._busy += 1
            self._quiet.clear()
            try:
                retry = await self.deliver(item_id)
            except Exception:
                log.exception("%s %d failed; left for the next start", self.name, item_id)
            finally:
                self._busy -= 1
                if not self._busy:
                    self._quiet.set()
                if not retry:
                    self._done(item_id)
