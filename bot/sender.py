"""Sending at the rates Telegram allows; the one place where telegram.error becomes our errors (app.delivery.sending):

    403 blocked or kicked, 400 chat not found     -> ChatGone
    ChatMigrated                                  -> ChatMoved(new_id)
    400 message thread not found                  -> ThreadGone
    any other 400                                 -> Refused
    429 retry_after, or the chat is paused        -> RateLimited(seconds)
    5xx, or no connection was made                -> Transient
    the connection broke after the request left   -> MaybeSent

The pace is bot.pace's (`SendLimits`). `ProjectRateLimiter` applies it to every request of the `Application`; a
429 pauses that chat only (PTB's `AIORateLimiter` pauses the whole bot), and the digest path (`TelegramSender`)
paces itself and passes `rate_limit_args={"paced": True}` so nothing is limited twice.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram import LinkPreviewOptions, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.warnings import PTBDeprecationWarning

from app.delivery.sending import ChatGone, ChatMoved, MaybeSent, RateLimited, Refused, SendError, ThreadGone, Transient
from bot.pace import SendLimits

__all__ = [
    "LIMITED_PREFIXES",
    "NOT_LIMITED",
    "NO_PREVIEW",
    "SURELY_NOT_SENT",
    "ProjectRateLimiter",
    "TelegramSender",
    "translate",
]

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
    """app.delivery.sending.Sender over the Bot API: one digest part, paced, its outbox writes around the request,
    errors translated."""

    def __init__(self, bot: ExtBot[Any], limits: SendLimits) -> None:
        self.bot = bot
        self.limits = limits

    async def send(self, chat_id: int, text: str, before: Callable[[], Awaitable[bool]],
                   after: Callable[[int], Awaitable[object]], thread_id: int | None = None,
                   reply_to: int | None = None) -> int | None:
        """The new message id; None when `before` (the outbox's compare-and-set) refused the slot."""
        async with self.limits.bulk(chat_id, before) as going:
            if not going:
                return None
            try:
                message = await self.bot.send_message(
                    chat_id, text, message_thread_id=thread_id, link_preview_options=NO_PREVIEW,
                    reply_parameters=None if reply_to is None else ReplyParameters(
                        reply_to, allow_sending_without_reply=True),
                    rate_limit_args={"paced": True},
                )
            except RetryAfter as exc:
                self.limits.pause(chat_id, _retry_after(exc))
                raise translate(exc) from exc
            except TelegramError as exc:
                raise translate(exc) from exc
            await after(message.message_id)
        return message.message_id
