"""Anyone can reach the bot: forged buttons, presses without a chat, odd arguments and floods get an answer,
never a traceback, and one busy chat never slows the others."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from fakes.newsroom import ISS
from tests.bot.botkit import FAST, NOW, say, wait_until
from tests.bot.harness import Harness, running_bot

FORGED = [
    "set:z:9", "set:t:9999", "set:t:", "src:" + "9" * 40 + ":0", "src:9999999999:0", "card:0", "cov:2147483648",
    "rm:99999999999", "tog:hackers", "tog:", "zzz", "card:1 OR 1=1", "src:1:99999",
    "cmp:9999999999", "cmp:1:z:0", "cmp:1:l:99999", "cmp:" + "9" * 40 + ":r:0", "cmp:1:l:-1",
]
NO_CHAT = ["set:z:1", "set:t:0800", "rm:1", "tog:world", "card:1", "src:1:0", "cov:999"]


def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


def no_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def answered(h: Harness, press: object) -> None:
    before = len(h.telegram.callback_answers)
    await press  # type: ignore[misc]
    await wait_until(lambda: len(h.telegram.callback_answers) > before)


async def test_forged_buttons_are_answered_without_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, command_burst=100, **FAST) as h:
        user = h.telegram.add_user("Mallory")
        chat = h.telegram.add_private_chat(user)
        settings = await say(h, chat.id, "/settings", user)
        for data in FORGED:
            await answered(h, h.telegram.press_button(chat.id, settings.message_id, data, user, forged=True))
        assert no_errors(caplog) == []
        assert (await say(h, chat.id, "/help", user)).text  # still running


async def test_presses_under_a_card_shared_inline_have_no_chat(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, **FAST) as h:
        story = h.seed("iss", ISS, now=NOW)
        user = h.telegram.add_user("Ada")
        h.telegram.add_private_chat(user)
        for data in [*NO_CHAT, f"card:{story}", f"src:{story}:0"]:
            await answered(h, h.telegram.press_inline_button(user, data))
        answers = {a.get("text") for a in h.telegram.callback_answers}
        assert "This button works in the chat where the message was sent, not in a shared copy." in answers
        assert "This story is older than 30 days and is no longer kept." in answers  # cov:999
        assert no_errors(caplog) == []


@pytest.mark.parametrize("zone", ["Europe", "../../etc/passwd", "Europe/", "x" * 300, "Mars/Olympus"])
async def test_a_bad_timezone_is_a_clear_answer(tmp_path: Path, zone: str, caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, **FAST) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        answer = await say(h, chat.id, f"/timezone {zone}")
        assert answer.text and "I don't know the timezone" in answer.text
        ok = await say(h, chat.id, "/timezone europe/berlin")  # names in any case
        assert ok.text and "(Europe/Berlin)" in ok.text
        assert no_errors(caplog) == []


async def test_a_group_flood_does_not_slow_a_private_help(tmp_path: Path) -> None:
    # Real send paces: a group gets about one message every 3 s.
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW) as h:
        member = h.telegram.add_user("Loud")
        group = await h.telegram.add_group("Busy group", members=(member,), announce=False)
        for _ in range(6):
            await h.telegram.send_message(group.id, "/help", member)
        await wait_until(lambda: len(h.telegram.messages(group.id)) >= 1)
        calm = h.telegram.add_private_chat(h.telegram.add_user("Calm"))
        loop = asyncio.get_running_loop()
        asked = loop.time()
        reply = await say(h, calm.id, "/help")
        assert reply.text and loop.time() - asked < 1.0
        assert len(h.telegram.messages(group.id)) < 6  # the group's replies are still being paced
        await wait_until(lambda: len(h.telegram.messages(group.id)) == 6, timeout=30)  # in order, none lost
        assert all("Commands" in (m.text or "") for m in h.telegram.messages(group.id))


async def test_anonymous_admins_are_throttled_per_group(tmp_path: Path) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, **FAST) as h:
        loud = await h.telegram.add_supergroup("Loud", announce=False)
        quiet = await h.telegram.add_supergroup("Quiet", announce=False)
        for _ in range(12):
            await h.telegram.send_message(loud.id, "/help", as_chat=True)
        await wait_until(lambda: any("Easy there" in (m.text or "") for m in h.telegram.messages(loud.id)))
        before = len(h.telegram.messages(quiet.id))
        await h.telegram.send_message(quiet.id, "/help", as_chat=True)  # another group's anonymous admin
        [reply] = await h.telegram.wait_for_messages(quiet.id, before + 1)
        assert reply.text and "Commands" in reply.text
