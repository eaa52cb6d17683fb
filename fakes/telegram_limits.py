"""Flood control (429 with retry_after) and injected faults for retry tests."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

# Methods that put a message into a chat; Telegram's flood limits are about these.
SENDING_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "sendvideo", "sendaudio", "sendanimation", "sendvoice",
     "sendmediagroup", "sendsticker", "sendlocation", "sendpoll", "senddice", "sendcontact", "copymessage",
     "forwardmessage", "editmessagetext", "editmessagecaption", "editmessagereplymarkup", "editmessagemedia"}
)


@dataclass
class RateLimits:
    """Messages allowed per window; None switches a limit off."""

    global_per_second: float | None = 30
    private_per_second: float | None = 1
    group_per_minute: float | None = 20


class _Window:
    def __init__(self, limit: float, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.stamps: deque[float] = deque()

    def wait_needed(self, at: float) -> float:
        while self.stamps and self.stamps[0] <= at - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.seconds - at

    def record(self, at: float) -> None:
        self.stamps.append(at)


class FloodControl:
    """Sliding windows: one across all chats, one per chat (per second for private, per minute for groups)."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits
        self.limited: list[tuple[int, str, float]] = []  # (chat, "global" or "chat", seconds short) per 429
        self._global: _Window | None = None
        self._chats: dict[int, _Window] = {}
        self.configure(limits)

    def configure(self, limits: RateLimits | None) -> None:
        self.limits, self._chats = limits, {}
        per_second = limits.global_per_second if limits else None
        self._global = _Window(per_second, 1.0) if per_second else None

    def _chat_window(self, chat_id: int, is_private: bool) -> _Window | None:
        if self.limits is None:
            return None
        if chat_id not in self._chats:
            if is_private and self.limits.private_per_second:
                self._chats[chat_id] = _Window(self.limits.private_per_second, 1.0)
            elif not is_private and self.limits.group_per_minute:
                self._chats[chat_id] = _Window(self.limits.group_per_minute, 60.0)
            else:
                return None
        return self._chats[chat_id]

    def check(self, chat_id: int, is_private: bool) -> int | None:
        """Records a send and returns None, or returns the whole seconds to wait (and records nothing)."""
        at = time.monotonic()
        named = [(n, w) for n, w in (("global", self._global), ("chat", self._chat_window(chat_id, is_private)))
                 if w is not None]
        waits = [(w.wait_needed(at), n) for n, w in named]
        wait, which = max(waits, default=(0.0, ""))
        if wait > 0:
            self.limited.append((chat_id, which, wait))
            return max(1, math.ceil(wait))
        for _, window in named:
            window.record(at)
        return None


@dataclass
class Fault:
    kind: str  # "500": answer Internal Server Error; "hang": never answer; "close": drop the connection;
    # "close_after": do the work, then drop the connection (the bot cannot know it succeeded)
    remaining: int
    hang_seconds: float = 3600.0


FAULT_KINDS = frozenset({"500", "hang", "close", "close_after"})


@dataclass
class FaultInjector:
    faults: dict[str, list[Fault]] = field(default_factory=dict)

    def add(self, method: str, count: int = 1, kind: str = "500", hang_seconds: float = 3600.0) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        self.faults.setdefault(method.lower(), []).append(Fault(kind, count, hang_seconds))

    def take(self, method: str) -> Fault | None:
        queue = self.faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault
