"""The global and per-group send paces shared through PostgreSQL (storage.pace), for bot.sender.SendLimits.

Every process on one PostgreSQL database reserves its global slots from the same row, a block at a time, so
together they stay under SEND_RATE_GLOBAL and one process alone pays a database round trip per block, not per
message. A slot found too late to use (the process was busy) is dropped rather than sent late, so no two
processes ever send closer than the pace allows. A group's messages reserve a slot of the group's own pace too,
whichever process sends them. Private chats keep their pace in the process that sends to them (a digest row is
held by one process). Times here are wall-clock seconds: the processes share them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from app.tx import Transactions
from storage import pace as store

__all__ = ["SharedPace"]

PRUNE_EVERY = 4096  # group slots reserved between prunes of finished paces
LEAD = 0.02  # a block starts at least this far ahead (the next block is reserved while half of this one is left)
LATE = 0.03  # a slot later than this is dropped: sent later, it would crowd the next process's slot


class SharedPace:
    def __init__(self, tx: Transactions, interval: float, block: int) -> None:
        self.tx = tx
        self.interval = interval
        self.block = max(1, block)
        self._slots: deque[float] = deque()
        self._next: asyncio.Task[float] | None = None  # the next block, being reserved
        self._lock = asyncio.Lock()
        self._groups = 0

    async def slot(self) -> float:
        """The wall-clock time of this process's next global slot. The next block is reserved while half of this
        one is left, so a slow database round trip seldom leaves this process without a slot in hand."""
        async with self._lock:
            while True:
                now = time.time()
                while self._slots:
                    slot = self._slots.popleft()
                    if slot >= now - LATE:
                        if len(self._slots) < self.block // 2 and self._next is None:
                            self._next = asyncio.create_task(self._reserve())
                        return slot
                next_block, self._next = self._next, None
                first = await (next_block or self._reserve())
                self._slots.extend(first + i * self.interval for i in range(self.block))

    async def _reserve(self) -> float:
        return await self.tx(store.reserve, store.GLOBAL, time.time() + LEAD, self.interval, self.block)

    async def close(self) -> None:
        if self._next is not None:
            self._next.cancel()
            await asyncio.gather(self._next, return_exceptions=True)

    async def group_ready_at(self, chat_id: int | str) -> float:
        return await self.tx(store.next_free, store.chat_key(chat_id))

    async def group_slot(self, chat_id: int | str, interval: float) -> float:
        """Reserve the group's next slot (wall-clock)."""
        self._groups += 1
        if self._groups % PRUNE_EVERY == 0:
            await self.tx(store.prune, time.time() - 60)
        return await self.tx(store.reserve, store.chat_key(chat_id), time.time(), interval)
