"""Helpers for bot tests: seed stories straight into storage, talk to the bot, wait for edits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from fakes.newsroom import ISS, Item, seed_story
from fakes.telegram_state import SentMessage, User
from tests.bot.harness import Harness

NOW = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)
__all__ = ["FAST", "ISS", "NOW", "Item", "button_data", "press", "say", "seed_story", "wait_until"]
# The bot paces its own replies like Telegram's limits; tests talk faster than a person (unknown keys are ignored).
FAST = {"send_rate_private": 100.0, "send_rate_group_per_minute": 1000.0}


async def say(h: Harness, chat_id: int, text: str, user: User | int | None = None,
              thread_id: int | None = None) -> SentMessage:
    """Send a message as `user` and return the bot's next message in that chat."""
    before = len(h.telegram.messages(chat_id))
    await h.telegram.send_message(chat_id, text, user, thread_id=thread_id)
    return (await h.telegram.wait_for_messages(chat_id, before + 1))[before]


async def wait_until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def press(h: Harness, message: SentMessage, data: str, user: User | int | None = None) -> None:
    """Press a button and wait until the bot answered the callback."""
    answered = len(h.telegram.callback_answers)
    await h.telegram.press_button(message.chat_id, message.message_id, data, user)
    await wait_until(lambda: len(h.telegram.callback_answers) > answered)


def button_data(message: SentMessage) -> list[str]:
    return [b.get("callback_data", "") for row in message.buttons for b in row]
