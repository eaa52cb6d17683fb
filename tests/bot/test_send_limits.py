"""The send pace on PostgreSQL's shared slots (bot.pace: SendLimits over SharedPace), on its own clock.

Timing-level checks the end-to-end tests can't force: a slot missed and given up for a later one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from app.tx import Transactions
from bot.pace import LATE, SendLimits, SharedPace
from storage.db import Database
from storage.migrate import upgrade

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
