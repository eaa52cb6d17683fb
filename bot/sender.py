"""Sending at the rates Telegram allows; the one place where telegram.error becomes our errors (app.sending):

    403 blocked or kicked, 400 chat not found     -> ChatGone
    ChatMigrated                                  -> ChatMoved(new_id)
    400 message thread not found                  -> ThreadGone
    any other 400                                 -> Refused
    429 retry_after, or the chat is paused        -> RateLimited(seconds)
    5xx, or no connection was made                -> Transient
    the connection broke after the request left   -> MaybeSent

Limits are the project's, not Telegram's 429s: `SendLimits` paces every message (one global pace, and one per
chat: about 1/s for a private chat, 20/min for a group) at `SAFETY` of the configured rates, because Telegram
counts in sliding windows and network jitter must not push a window over. Replies to commands and digests share
the pace; digests may hold at most `BULK_AHEAD` slots ahead, so a reply waits for a couple of slots, not behind a
10,000-chat fan-out. `ProjectRateLimiter` applies the limits to every request of the `Application`; a 429 pauses
that chat only (PTB's `AIORateLimiter` pauses the whole bot), and the digest path paces itself and passes
`rate_limit_args={"paced": True}` so nothing is limited twice. On PostgreSQL the global pace and the groups'
paces are shared by every process (bot.pace.SharedPace); on SQLite (one process) they live in memory.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram import LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.warnings import PTBDeprecationWarning

from app.sending import ChatGone, ChatMoved, MaybeSent, RateLimited, Refused, SendError, ThreadGone, Transient
from bot.pace import SharedPace

__all__ = [
    "BULK_AHEAD",
    "LATE_SEND",
    "LIMITED_PREFIXES",
    "NOT_LIMITED",
    "NO_PREVIEW",
    "SAFETY",
    "SURELY_NOT_SENT",
    "WAIT_INLINE",
    "ProjectRateLimiter",
    "SendLimits",
    "TelegramSender",
    "is_group",
    "translate",
]

SAFETY = 0.97
BULK_AHEAD = 2
LATE_SEND = 0.03  # shared pace: how late a send may leave after its slot (bot.runtime.SHARED_JITTER covers it)
WAIT_INLINE = 5.0  # a digest waits this long for its chat's next slot; longer pauses go back to the queue
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
LIMITED_PREFIXES = ("send", "copymessage", "forwardmessage", "edit")
NOT_LIMITED = frozenset({"sendchataction"})
SURELY_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta; both are handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def translate(exc: TelegramError) -> SendError:
    """Telegram's error as ours (BadRequest and TimedOut are NetworkErrors in PTB: order matters)."""
    if isinstance(exc, RetryAfter):
        return RateLimited(_retry_after(exc))
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return ChatGone(exc.message)
    if isinstance(exc, BadRequest):
        message = exc.message.lower()
        if "chat not found" in message:
            return ChatGone(exc.message)
        return ThreadGone(exc.message) if "thread not found" in message else Refused(exc.message)
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        # No httpx cause: Telegram answered with a status (5xx, 502), so nothing was sent.
        if cause is None or isinstance(cause, SURELY_NOT_SENT):
            return Transient(exc.message)
        return MaybeSent(f"{exc.message} ({type(cause).__name__})")
    return Transient(f"{type(exc).__name__}: {exc}")  # InvalidToken, Conflict: the operator's to fix


def is_group(chat_id: int | str) -> bool:
    return not isinstance(chat_id, int) or chat_id < 0


class SendLimits:
    """Paces messages: one global pace and one per chat. Reserve a slot, then send at its time."""

    def __init__(self, global_per_second: float, private_per_second: float = 1.0, group_per_minute: float = 20.0,
                 clock: Callable[[], float] = time.monotonic, shared: SharedPace | None = None,
                 bulk_ahead: int = BULK_AHEAD) -> None:
        self.interval = 1.0 / (global_per_second * SAFETY)
        self.private_interval = 1.0 / (private_per_second * SAFETY)
        self.group_interval = 60.0 / (group_per_minute * SAFETY)
        self.clock = clock
        self._next = 0.0
        self._last_sent = 0.0  # when the last message really went out
        self._chats: dict[int | str, float] = {}  # a chat's next slot by its own pace
        self._paused: dict[int | str, float] = {}  # until when a 429 paused a chat
        self._bulk = asyncio.Semaphore(bulk_ahead)
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
        if self._reserved % 4096 == 0:
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

    async def _keep(self, slot: float) -> float:
        """Wait for the slot, and an interval after this process's last send: tasks that wake late together (a busy
        loop, a slow disk) would otherwise leave in a burst that Telegram's sliding window counts against us. On the
        shared pace, a slot missed by more than LATE_SEND (the outbox write ran long, the loop was busy) is let go for
        the next one: sent late, it would crowd another process's slot. The send leaves right after the checks, at
        the time returned."""
        while True:
            await self._sleep_until(max(slot, self._last_sent + self.interval))
            now = self.clock()
            if now < self._last_sent + self.interval:
                continue  # another send of this process took that moment
            if self.shared is not None and now - slot > LATE_SEND:
                slot = await self._global_slot()
                continue
            self._last_sent = now
            return now

    def _left(self, chat_id: int | str, at: float) -> None:
        """A send to the chat left at `at`: its own pace counts from then, as the slot may have been given up for a
        later one."""
        self._chats[chat_id] = max(self._chats.get(chat_id, 0.0), at + self._own_interval(chat_id))

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
        self._left(chat_id, await self._keep(await self._reserve(chat_id)))

    async def acquire_bulk(self, chat_id: int | str, before: Callable[[], Awaitable[bool]], lead: float) -> bool:
        """For a digest part: a slot, then `before()` (the outbox write) `lead` seconds ahead of it.

        Raises RateLimited when the chat is paused for longer than WAIT_INLINE; False when `before` says no.
        """
        wait = max(self.chat_ready_in(chat_id), await self._shared_group_wait(chat_id))
        if wait > WAIT_INLINE:
            raise RateLimited(wait)
        await asyncio.sleep(wait)
        async with self._bulk:
            slot = await self._reserve(chat_id)
            await self._sleep_until(slot - lead)
            if not await before():
                return False
            self._left(chat_id, await self._keep(slot))
        return True


class ProjectRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """The Application's limiter: every message request takes a slot from `SendLimits`; a 429 waits for that
    chat only and retries up to `max_retries` times (for replies; digests handle their own 429s)."""

    def __init__(self, limits: SendLimits, max_retries: int = 2) -> None:
        self.limits = limits
        self.max_retries = max_retries

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any, kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id: int | str | None = data.get("chat_id")
        name = endpoint.lower()
        limited = name.startswith(LIMITED_PREFIXES) and name not in NOT_LIMITED
        if chat_id is None or not limited or (rate_limit_args or {}).get("paced"):
            return await callback(*args, **kwargs)
        for attempt in range(self.max_retries + 1):
            await self.limits.acquire(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.limits.pause(chat_id, _retry_after(exc))
                if attempt == self.max_retries:
                    raise
        raise AssertionError("unreachable")


class TelegramSender:
    """app.sending.Sender over the Bot API: one digest part, paced, written ahead to the outbox, errors translated."""

    def __init__(self, bot: ExtBot[Any], limits: SendLimits, lead: float = 0.05) -> None:
        self.bot = bot
        self.limits = limits
        self.lead = lead

    async def send(self, chat_id: int, text: str, before: Callable[[], Awaitable[bool]],
                   thread_id: int | None = None) -> int | None:
        """The new message id; None when `before` (the outbox's compare-and-set) refused the slot."""
        if not await self.limits.acquire_bulk(chat_id, before, self.lead):
            return None
        try:
            message = await self.bot.send_message(
                chat_id, text, message_thread_id=thread_id, link_preview_options=NO_PREVIEW,
                rate_limit_args={"paced": True},
            )
        except RetryAfter as exc:
            self.limits.pause(chat_id, _retry_after(exc))
            raise translate(exc) from exc
        except TelegramError as exc:
            raise translate(exc) from exc
        return message.message_id
