"""What the digest workers need from a messenger, and how sending fails (no Telegram here).

The Telegram edge (bot.sender) implements `Sender` and translates Telegram's errors into these, once:

    SendError
     ├── ChatGone              blocked or kicked, chat not found: deactivate the chat
     ├── ChatMoved(new_id)     the group became a supergroup: send there
     ├── ThreadGone            the forum topic was deleted: send to the chat's main thread instead
     ├── Refused               any other refusal: this message will never go through
     ├── RateLimited(seconds)  the chat is paused: surely not sent; try that chat again later
     ├── Transient             server error, or no connection was made: surely not sent; retry with backoff
     └── MaybeSent             the connection broke after the request went out: never retried blindly
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

__all__ = ["ChatGone", "ChatMoved", "MaybeSent", "RateLimited", "Refused", "SendError", "Sender", "ThreadGone",
           "Transient"]


class SendError(Exception):
    pass


class ChatGone(SendError):
    pass


class ChatMoved(SendError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class ThreadGone(SendError):
    pass


class Refused(SendError):
    pass


class RateLimited(SendError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.1f} s")
        self.retry_after = retry_after


class Transient(SendError):
    pass


class MaybeSent(SendError):
    pass


class Sender(Protocol):
    async def send(self, chat_id: int, text: str, before: Callable[[], Awaitable[bool]],
                   after: Callable[[int], Awaitable[object]], thread_id: int | None = None,
                   reply_to: int | None = None) -> int | None:
        """Send one message at the chat's pace (as a reply to `reply_to`, sent even if that message is gone).
        `before()` (the outbox's write-ahead) runs once the pace lets the request leave, right ahead of it;
        `after(message_id)` (the outbox's record) right after Telegram's answer.
        A process holds only a few parts between the two, so a crash leaves only those in doubt. The new message
        id, or None when `before` refused. Raises SendError."""
        ...
