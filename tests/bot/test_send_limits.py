"""The send pace on PostgreSQL's shared slots (bot.pace: SendLimits over SharedPace), on its own clock.

Timing-level checks the end-to-end tests can't force: a slot missed and given up for a later one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from itertools import pairwise
from typing import Concatenate, ParamSpec, TypeVar

import pytest
from sqlalchemy.orm import Session

from app.tx import Transactions
from bot.pace import LATE, SendLimits, SharedPace
from storage.db import Database
from storage.migrate import upgrade

P = ParamSpec("P")
T = TypeVar("T")
RATE = 6.0
CHAT = 42


@pytest.fixture
async def limits(postgres_url: str) -> AsyncIterator[SendLimits]:
    db = Database(postgres_url)
    upgrade(db)
    tx = Transactions(db, threads=2, name="pace-test")
    pace = SharedPace(tx, 1.06 / RATE, 1)
    try:
        yield SendLimits(RATE, shared=pace)
    finally:
        await pace.close()
        tx.close()
        db.dispose()


async def test_a_slot_given_up_moves_the_chats_own_pace_to_the_real_send(limits: SendLimits) -> None:
    """The outbox write ran long, so the part's slot was missed and a later one taken: the chat's next part is
    paced from when this one really left, not from the slot it gave up (Telegram counts a private chat's 1/s
    from the messages it got)."""
    wrote_at: list[float] = []

    async def slow_outbox_write() -> bool:
        wrote_at.append(limits.clock())
        time.sleep(LATE * 8)  # noqa: ASYNC251 - a slow write that holds the loop: the slot passes
        return True

    async with limits.bulk(CHAT, slow_outbox_write) as going:
        assert going
        left = limits.clock()
    assert left - wrote_at[0] > LATE * 8  # it did not leave on the slot it had
    assert limits.chat_ready_in(CHAT) > limits.private_interval - (limits.clock() - left) - 0.01


async def test_sends_of_one_process_keep_an_interval_apart(limits: SendLimits) -> None:
    async def write() -> bool:
        return True

    chats = range(100, 106)
    stamps = []
    for chat in chats:
        async with limits.bulk(chat, write) as going:
            assert going
            stamps.append(limits.clock())
    gaps = [b - a for a, b in pairwise(stamps)]
    assert min(gaps) >= limits.interval - 0.005


class SlowTransactions(Transactions):
    """Each answer comes `seconds` after the database did the work, as over a slow link: the slots reserved in
    it are that much nearer, or past, when they arrive."""

    def __init__(self, db: Database, seconds: float) -> None:
        super().__init__(db, threads=2, name="slow-pace")
        self.seconds = seconds
        self.waiting = 0  # calls whose answer has not come yet

    async def __call__(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        self.waiting += 1
        try:
            result = await super().__call__(fn, *args, **kwargs)
            await asyncio.sleep(self.seconds)
            return result
        finally:
            self.waiting -= 1


async def test_blocks_that_come_back_late_are_used_and_no_one_waits_on_anothers_round_trip(postgres_url: str) -> None:
    """Round trips of 0.3 s, longer than a block of slots lasts: the pace asks early enough for its blocks to be
    of use when they come, hands out the slots in hand while the next block is on its way, and never stalls."""
    db = Database(postgres_url)
    upgrade(db)
    slow = SlowTransactions(db, 0.3)
    pace = SharedPace(slow, 1.06 / 30, 8)  # 8 slots at 30/s last 0.28 s

    async def use(count: int) -> tuple[list[float], int]:
        slots, during_round_trip = [], 0
        for _ in range(count):
            reserving = slow.waiting > 0
            slot = await pace.slot()
            assert slot >= time.time() - LATE  # never a slot already gone
            during_round_trip += reserving and slow.waiting > 0
            slots.append(slot)
            await asyncio.sleep(max(0.0, slot - time.time()))  # sent at its time
        return slots, during_round_trip

    try:
        slots, during_round_trip = await asyncio.wait_for(use(60), 60)
    finally:
        await pace.close()
        slow.close()
        db.dispose()
    assert slots == sorted(set(slots))
    assert during_round_trip > 0
