"""A slow PostgreSQL slows the sends; it never stops them (bot.pace.SharedPace over a slow round trip).

Every transaction of the bot's engine is held SLOW seconds before it starts, as on a database far away or
overloaded. The shared pace's blocks come back a round trip late: their past slots are dropped, the future ones
used, and the next block is asked for far enough ahead to arrive in time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from storage.models import DeliveryStatus
from tests.bot.botkit import ISS, say
from tests.bot.harness import running_bot
from tests.bot.test_delivery import TICK, app_delivery, private, rows, subscribe

SLOW = 0.5  # seconds added to every transaction
RATE = 10.0
READERS = 16


@contextmanager
def slow_database(engine: Engine, seconds: float) -> Iterator[None]:
    def hold(_connection: Any) -> None:
        time.sleep(seconds)  # on the pool's thread, as a slow round trip holds it

    event.listen(engine, "begin", hold)
    try:
        yield
    finally:
        event.remove(engine, "begin", hold)


async def test_replies_and_a_fan_out_keep_going_on_a_slow_database(tmp_path: Path, postgres_url: str) -> None:
    async with running_bot(tmp_path, postgres_url, None, lambda: TICK, send_rate_global=RATE) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS, now=TICK)
        await h.core.digests.refresh()
        h.telegram.enable_rate_limits(global_per_second=RATE, private_per_second=1, group_per_minute=20)
        readers = [private(h, f"Reader{i}") for i in range(READERS)]
        for reader in readers:
            subscribe(h, reader)
        asker = private(h, "Asker")
        loop = asyncio.get_running_loop()
        with slow_database(h.core.db.engine, SLOW):
            await delivery.tick(TICK)
            fan_out = asyncio.create_task(delivery.idle(timeout=120))
            waits = []
            for _ in range(3):
                asked = loop.time()
                reply = await asyncio.wait_for(say(h, asker, "/help"), 60)
                waits.append(loop.time() - asked)
                assert reply.text
                await asyncio.sleep(1.0)  # a person's pace: Telegram's 1/s for a private chat holds for replies too
            await fan_out
        # A reply waits for its own transactions and a block of slots: a few round trips, never the fan-out.
        assert max(waits) < 20 * SLOW, waits
        for reader in readers:
            assert len(h.telegram.messages(reader)) == 1
            assert rows(h)[reader].status is DeliveryStatus.SENT
        assert h.telegram.rate_limited == []
