"""Updates from different chats are handled at the same time; updates from one chat stay in order.

python-telegram-bot handles one update at a time by default, so a busy group whose replies wait for the group's
send pace (3 s a message) held up every other chat. `ChatOrderedProcessor` runs updates concurrently but queues
each chat's (or, without a chat, each user's) behind one another, so a reply never waits for another chat's pace
and commands in one chat are still answered in the order they were sent. A chat with more than `backlog` updates
waiting (a flood faster than the bot may answer) has the excess dropped and logged, so one chat can't occupy every
slot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["ChatOrderedProcessor", "update_key", "update_kind"]

log = logging.getLogger(__name__)


def update_key(update: object) -> str | None:
    """What must stay in order: the chat, else the user (inline queries, buttons under inline messages). A group
    becoming a supergroup sends a service message to each of the two chats: both count as the supergroup's, so
    the move is done once, before anything else the supergroup sends is handled."""
    if not isinstance(update, Update):
        return None
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        return f"chat:{message.migrate_to_chat_id}"
    if update.effective_chat is not None:
        return f"chat:{update.effective_chat.id}"
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    return None


def update_kind(update: object) -> str:
    """The label of an update in the latency histogram (a fixed set: hostile text never makes a new one)."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.inline_query is not None or update.chosen_inline_result is not None:
        return "inline"
    if update.my_chat_member is not None or update.chat_member is not None:
        return "member"
    message = update.effective_message
    if message is not None:
        return "command" if (message.text or "").startswith("/") else "message"
    return "other"


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256, backlog: int = 32,
                 observe: Callable[[object, float], object] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.backlog = backlog
        self.observe = observe  # (update, seconds handling it took): the latency histogram (app.metrics)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.monotonic()
        try:
            await self._in_order(update, coroutine)
        finally:
            if self.observe is not None:
                self.observe(update, time.monotonic() - started)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= self.backlog:
            log.warning("dropped an update for %s: %d of its updates are waiting already", key, self.backlog)
            await _discard(coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                if not lock.locked():
                    self._locks.pop(key, None)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that will not run (so Python doesn't warn it was never awaited)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
