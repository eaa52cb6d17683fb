"""The send pace: every constant of it, and the two classes that keep it (bot.sender makes the requests).

`SendLimits` paces every message: one global pace, and one per chat (about 1/s for a private chat, 20/min for a
group), at `SAFETY` of the configured rates, because Telegram counts in sliding windows and network jitter must
not push a window over. Replies to commands and digests share the pace.

A digest part takes one of `IN_FLIGHT` permits, waits for its slot, and only then has its outbox row written
SENDING (the write-ahead: as long before the slot as recent writes took, at most `WRITE_AHEAD`); the permit is
held until the part's answer is recorded. So a crash leaves at most `IN_FLIGHT` rows SENDING (UNKNOWN, never
re-sent), and a reply waits for a couple of slots, not behind a fan-out.

On PostgreSQL the global pace and the groups' paces are shared by every process (`SharedPace`, rows in
storage.pace): each process reserves its global slots a block at a time, so together they stay under the rate
and one process alone pays a round trip per block, not per message. The next block is reserved while this one is
used, far enough ahead to arrive in time however slow the database is (a late block's past slots are dropped, its
future ones used): a slow database slows the sends, never stops them. Nothing holds a lock across a round trip.
A slot missed by more than `LATE` (the loop was busy, the outbox write ran long) is given up for the next one:
sent later, it would crowd another process's slot. On SQLite (one process) the paces live in memory.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.orm import Session

from app.delivery.sending import RateLimited
from app.tx import Transactions
from storage import pace as store

__all__ = ["BLOCK_SECONDS", "IN_FLIGHT", "LATE", "LEAD", "PRUNE_EVERY", "SAFETY", "SHARED_JITTER", "WAIT_INLINE",
           "WRITE_AHEAD", "SendLimits", "SharedPace", "is_group"]

SAFETY = 0.97  # of the configured rates: Telegram's sliding windows must not catch our jitter
IN_FLIGHT = 3  # digest parts of one process between their outbox write and their recorded answer
WRITE_AHEAD = 0.1  # at most this long between a part's outbox write and its slot
WAIT_INLINE = 5.0  # a digest waits this long for its chat's next slot; longer pauses go back to the queue
LATE = 0.03  # shared pace: a slot missed by more than this is given up for the next one
# Processes can't space their real sends apart the way one process does (SendLimits._keep): a send that left LATE
# after its slot next to another's on time must still keep any one-second window within the rate.
SHARED_JITTER = 0.06
BLOCK_SECONDS = 0.25  # global slots a process reserves at once from the shared pace, in seconds of sending
LEAD = 0.02  # a block starts at least this far after the database saw the request (plus the last round trip)
PRUNE_EVERY = 4096  # reservations between prunes of finished chat paces (in memory and shared)


def is_group(chat_id: int | str) -> bool:
    return not isinstance(chat_id, int) or chat_id < 0


def _reserve_global(session: Session, lead: float, interval: float, count: int) -> float:
    # The time is read in the transaction: a request delayed on its way does not shorten the lead.
    return store.reserve(session, store.GLOBAL, time.time() + lead, interval, count)


class SharedPace:
    """The global and per-group paces shared through PostgreSQL. Times are wall-clock seconds: the processes
    share them."""

    def __init__(self, tx: Transactions, interval: float, block: int) -> None:
        self.tx = tx
        self.interval = interval
        self.block = max(1, block)
        self._slots: deque[float] = deque()
        self._next: asyncio.Task[float] | None = None  # the next block, being reserved
        self._round_trip = 0.0  # the last block's
        self._groups = 0

    @classmethod
    def for_rate(cls, tx: Transactions, per_second: float) -> SharedPace:
        return cls(tx, (1.0 + SHARED_JITTER) / per_second, int(per_second * BLOCK_SECONDS))

    async def slot(self) -> float:
        """The wall-clock time of this process's next global slot. Callers wait on the block being reserved, never
        on each other: whoever finds a slot in hand takes it at once."""
        while True:
            now = time.time()
            while self._slots:
                slot = self._slots.popleft()
                if slot >= now - LATE:
                    self._reserve_ahead(now)
                    return slot
            self._reserve_ahead(now)
            assert self._next is not None
            await asyncio.shield(self._next)  # a failed reservation raises here; the next call tries again

    def _reserve_ahead(self, now: float) -> None:
        """Reserve the next block once the slots in hand end within a round trip and half a block."""
        if self._next is not None:
            return
        if self._slots and self._slots[-1] - now > self._round_trip + self.block * self.interval / 2:
            return
        self._next = asyncio.create_task(self._reserve(), name="shared-pace")
        self._next.add_done_callback(self._arrived)

    async def _reserve(self) -> float:
        started = time.time()
        count = max(self.block, math.ceil(self._round_trip / self.interval))  # enough to last the next round trip
        first = await self.tx(_reserve_global, LEAD + self._round_trip, self.interval, count)
        self._round_trip = time.time() - started
        self._slots.extend(first + i * self.interval for i in range(count))
        return first

    def _arrived(self, task: asyncio.Task[float]) -> None:
        self._next = None
        if not task.cancelled():
            task.exception()  # retrieved: a caller waiting on it has it raised; otherwise the next block tries again

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


class SendLimits:
    """Paces messages: one global pace and one per chat. Reserve a slot, then send at its time."""

    def __init__(self, global_per_second: float, private_per_second: float = 1.0, group_per_minute: float = 20.0,
                 clock: Callable[[], float] = time.monotonic, shared: SharedPace | None = None,
                 in_flight: int = IN_FLIGHT) -> None:
        self.interval = 1.0 / (global_per_second * SAFETY)
        self.private_interval = 1.0 / (private_per_second * SAFETY)
        self.group_interval = 60.0 / (group_per_minute * SAFETY)
        self.clock = clock
        self._next = 0.0
        self._last_sent = 0.0  # when the last message really went out
        self._chats: dict[int | str, float] = {}  # a chat's next slot by its own pace
        self._paused: dict[int | str, float] = {}  # until when a 429 paused a chat
        self._in_flight = asyncio.Semaphore(in_flight)
        self._write_time = 0.0  # how long recent outbox writes took
        self._reserved = 0
        self.on_rate_limited: Callable[[], object] = lambda: None  # counts 429s (app.metrics)
        self.shared = shared

    def _local(self, wall: float) -> float:
        """A shared (wall-clock) time on this process's clock."""
        return wall - time.time() + self.clock()

    async def _shared_group_wait(self, chat_id: int | str) -> float:
        if self.shared is None or not is_group(chat_id):
            return 0.0
        return max(0.0, self._local(await self.shared.group_ready_at(chat_id)) - self.clock())

    def chat_ready_in(self, chat_id: int | str, *, paced: bool = True) -> float:
        ready = max(self._chats.get(chat_id, 0.0) if paced else 0.0, self._paused.get(chat_id, 0.0))
        return max(0.0, ready - self.clock())

    def pause(self, chat_id: int | str, seconds: float) -> None:
        """After a 429: nothing goes to this chat for `seconds`; other chats keep their pace."""
        self.on_rate_limited()
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), self.clock() + seconds)

    async def _reserve(self, chat_id: int | str) -> float:
        """The next global slot (the caller has waited for the chat first, so a paused chat holds up no one)."""
        if self.shared is not None and is_group(chat_id):  # the group's shared pace first, then a global slot
            await self._sleep_until(self._local(await self.shared.group_slot(chat_id, self.group_interval)))
        now = self.clock()
        slot = await self._global_slot()
        self._chats[chat_id] = max(self._chats.get(chat_id, 0.0), slot) + self._own_interval(chat_id)
        self._reserved += 1
        if self._reserved % PRUNE_EVERY == 0:
            self._chats = {c: t for c, t in self._chats.items() if t > now}
            self._paused = {c: t for c, t in self._paused.items() if t > now}
        return slot

    async def _global_slot(self) -> float:
        now = self.clock()
        if self.shared is not None:
            return max(now, self._local(await self.shared.slot()))
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot

    async def _keep(self, slot: float, before: Callable[[], Awaitable[bool]] | None = None) -> bool:
        """Wait for the slot, and an interval after this process's last send: tasks that wake late together (a busy
        loop, a slow disk) would otherwise leave in a burst that Telegram's sliding window counts against us. On the
        shared pace, a slot missed by more than LATE is let go for the next one. `before()` (the outbox write) runs
        as late as lets the send leave on time: as long before the slot as recent writes took (at most
        WRITE_AHEAD), so it seldom costs the slot; the checks are made again after it. True when the send may
        leave now; False when `before` said no."""
        while True:
            ahead = min(self._write_time, WRITE_AHEAD) if before is not None else 0.0
            await self._sleep_until(max(slot, self._last_sent + self.interval) - ahead)
            now = self.clock()
            if before is None and now < self._last_sent + self.interval:
                continue  # another send of this process took that moment
            if self.shared is not None and now - slot > LATE:
                slot = await self._global_slot()
                continue
            if before is not None:
                if not await before():
                    return False
                took, before = self.clock() - now, None
                self._write_time = max(took, self._write_time * 0.9)  # a decaying maximum
                continue
            self._last_sent = now
            return True

    def _left(self, chat_id: int | str) -> None:
        """A send to the chat leaves now: its own pace counts from then, as the slot may have been given up for a
        later one."""
        self._chats[chat_id] = max(self._chats.get(chat_id, 0.0), self._last_sent + self._own_interval(chat_id))

    def _own_interval(self, chat_id: int | str) -> float:
        return self.group_interval if is_group(chat_id) else self.private_interval

    async def _sleep_until(self, at: float) -> None:
        delay = at - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)

    async def acquire(self, chat_id: int | str) -> None:
        """For a reply: wait for the global pace, and in a group for the group's pace too. A private chat's own
        pace is not applied: a user's burst of commands gets its burst of replies (Telegram allows short bursts;
        its 1/s is for sustained sending) unless the chat was paused by a 429."""
        await asyncio.sleep(max(self.chat_ready_in(chat_id, paced=is_group(chat_id)),
                                await self._shared_group_wait(chat_id)))
        await self._keep(await self._reserve(chat_id))
        self._left(chat_id)

    @asynccontextmanager
    async def bulk(self, chat_id: int | str, before: Callable[[], Awaitable[bool]]) -> AsyncIterator[bool]:
        """For a digest part: one of the in-flight permits, the slot, then `before()` (the outbox write) right
        before the request. Yields True when the request is to leave now (made inside the block, and its answer
        recorded there: the permit is held until then), False when `before` said no.

        Raises RateLimited when the chat is paused for longer than WAIT_INLINE.
        """
        wait = max(self.chat_ready_in(chat_id), await self._shared_group_wait(chat_id))
        if wait > WAIT_INLINE:
            raise RateLimited(wait)
        await asyncio.sleep(wait)
        async with self._in_flight:
            if not await self._keep(await self._reserve(chat_id), before):
                yield False
                return
            self._left(chat_id)
            yield True
