"""SIGTERM mid-delivery: `storybot run` stops starting parts, lets the ones on their way finish, exits 0; the
next run sends the rest. Every part of every digest arrives exactly once, in order.

The digests are in the outbox as the digest tick leaves them (built, parts stored, due now), several chats of
many parts each, so the SIGTERM lands while workers are in the middle of them.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fakes.telegram_api import FakeTelegram
from storage import chats
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryStatus
from storage.outbox import deliveries as outbox
from tests.bot.test_quickstart import OFFLINE, STORYBOT, quick_start_dir

CHATS, PARTS = 4, 12


def outbox_rows(url: str) -> dict[int, tuple[DeliveryStatus, int]]:
    """chat -> (status, parts recorded as sent)."""
    db = Database(url)
    try:
        with db.session() as s:
            return {d.chat_id: (d.status, len([m for m in d.message_ids.split(",") if m]))
                    for d in s.query(Delivery).all()}
    finally:
        db.dispose()


def due_digests(url: str, chat_ids: list[int]) -> None:
    db = Database(url)
    upgrade(db)
    now = datetime.now(UTC)
    with db.session() as s:
        for chat_id in chat_ids:
            chats.ensure_chat(s, chat_id, timezone="UTC")
            chats.subscribe(s, chat_id, "space")
            [row] = outbox.add_deliveries(s, [(chat_id, now.strftime("%Y-%m-%dT%H:%M"))], now)
            outbox.save_content(s, row, [f"chat {chat_id} part {i + 1} of {PARTS}" for i in range(PARTS)], [], now)
    db.dispose()


async def run_until(here: Path, telegram: FakeTelegram, chat_ids: list[int], enough: int) -> str:
    """`storybot run` until `enough` messages arrived in all, then SIGTERM; its log (exit status 0 checked)."""
    bot = await asyncio.create_subprocess_exec(str(STORYBOT), "run", cwd=here, env=OFFLINE,
                                               stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while sum(len(telegram.messages(c)) for c in chat_ids) < enough:
            assert loop.time() < deadline and bot.returncode is None, "the bot did not send"
            await asyncio.sleep(0.02)
    finally:
        bot.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(bot.communicate(), 60)
    log = err.decode()
    assert bot.returncode == 0, log
    assert "Traceback" not in log, log
    return log


@pytest.mark.timeout(300)  # two cold starts of the process; slow on a loaded machine
async def test_sigterm_midway_then_restart_loses_and_doubles_nothing(tmp_path: Path, db_url: str) -> None:
    async with FakeTelegram() as telegram:
        chat_ids = [telegram.add_private_chat(telegram.add_user(f"Reader{i}")).id for i in range(CHATS)]
        due_digests(db_url, chat_ids)
        (tmp_path / "feeds.opml").write_text('<opml version="2.0"><body/></opml>')
        here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.api_root,
                               DATABASE_URL=db_url, FEEDS_FILE="feeds.opml", SEND_RATE_PRIVATE="5")
        with (here / ".env").open("a") as env:
            env.write("SHUTDOWN_GRACE_SECONDS=10\n")

        first = await run_until(here, telegram, chat_ids, enough=CHATS * PARTS // 3)
        received = {c: len(telegram.messages(c)) for c in chat_ids}
        assert sum(received.values()) < CHATS * PARTS, "SIGTERM came too late to prove anything"
        rows = outbox_rows(db_url)
        for chat_id in chat_ids:  # what arrived is what the outbox recorded; nothing was caught mid-send
            assert rows[chat_id] == (DeliveryStatus.PENDING, received[chat_id]) or rows[chat_id] == (
                DeliveryStatus.SENT, PARTS), (rows[chat_id], received[chat_id])
        assert "the rest after the restart" in first

        second = await run_until(here, telegram, chat_ids, enough=CHATS * PARTS)
        await asyncio.sleep(0.5)  # anything doubled would have shown up by now
        for chat_id in chat_ids:
            texts = [m.text for m in telegram.messages(chat_id)]
            assert texts == [f"chat {chat_id} part {i + 1} of {PARTS}" for i in range(PARTS)], texts
        assert outbox_rows(db_url) == {c: (DeliveryStatus.SENT, PARTS) for c in chat_ids}
        assert "unknown" not in first + second
