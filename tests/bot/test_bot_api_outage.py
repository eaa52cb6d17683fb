"""The Bot API failing getUpdates (500s, dropped connections) costs one log line, not a traceback per retry, and
the bot answers again as soon as the API is back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.bot.botkit import FAST, NOW, say, wait_until
from tests.bot.harness import running_bot


async def test_polling_failures_are_one_line_each_and_the_bot_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}", None, lambda: NOW, **FAST) as h:
        user = h.telegram.add_user("Ada")
        chat = h.telegram.add_private_chat(user)
        assert (await say(h, chat.id, "/help", user)).text
        h.telegram.inject_fault("getUpdates", count=2, kind="500")
        h.telegram.inject_fault("getUpdates", count=1, kind="close")
        await wait_until(lambda: not h.telegram.world.faults.faults.get("getupdates"), timeout=30)
        reply = await say(h, chat.id, "/help", user)  # the updater kept retrying and got through
        assert reply.text and "/subscribe" in reply.text
    polling = [r for r in caplog.records if "polling the Bot API failed" in r.getMessage()]
    assert 1 <= len(polling) <= 4  # at most one per distinct failure, never one per retry of the same one
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in polling)
    assert not [r for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.ERROR]
