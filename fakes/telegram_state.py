"""What the fake Bot API server remembers: users, chats, the bot's messages and the update queue."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
DEFAULT_ALLOWED_UPDATES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
     "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
     "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
     "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost", "removed_chat_boost"}
)
ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_post_messages", "can_edit_messages", "can_pin_messages",
    "can_manage_topics",
)


def now() -> int:
    """Telegram dates are Unix seconds."""
    return int(time.time())


class ApiError(Exception):
    """An error answer exactly as Telegram words it."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def to_json(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: JSON | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", parameters)


class ChatState(enum.Enum):
    ACTIVE = "active"
    BLOCKED = "blocked"  # a private chat whose user blocked the bot
    KICKED = "kicked"  # a group or channel that removed the bot
    DELETED = "deleted"
    MIGRATED = "migrated"  # a group upgraded to a supergroup


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None
    user: User | None = None  # the other side of a private chat
    is_forum: bool = False
    state: ChatState = ChatState.ACTIVE
    migrated_to: int | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> creator/administrator/member
    bot_status: str = "member"
    topics: dict[int, str] = field(default_factory=dict)
    history: dict[int, JSON] = field(default_factory=dict)  # every message by id, users' and the bot's
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
        if self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_info(self) -> JSON:
        gift_types = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"),
            False,
        )
        return {**self.to_api(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gift_types}


def chat_member(user: JSON, status: str) -> JSON:
    """A ChatMember object for ``status`` with every field PTB requires."""
    member: JSON = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(ADMIN_RIGHTS, True))
        member["is_anonymous"] = member["can_be_edited"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


@dataclass
class SentMessage:
    """One message the bot sent, as a test reads it; edits update it in place."""

    chat_id: int
    message_id: int
    raw_text: str | None  # text or caption exactly as the bot sent it (HTML source with parse_mode HTML)
    text: str | None  # plain text after entity parsing
    entities: list[JSON]
    parse_mode: str | None
    reply_markup: JSON | None
    thread_id: int | None
    link_preview_disabled: bool
    reply_to_message_id: int | None
    date: int
    photo: bytes | None = None
    photo_file_id: str | None = None
    photo_url: str | None = None  # a photo sent by HTTP URL (Telegram fetches it; the fake keeps the URL)
    link_preview: JSON | None = None  # the link_preview_options the bot sent (None: Telegram's default)
    edits: list[JSON] = field(default_factory=list)  # earlier versions: raw_text, text, entities, markup
    deleted: bool = False
    message: JSON = field(default_factory=dict)  # the Message object returned to the bot

    @property
    def buttons(self) -> list[list[JSON]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    def to_json(self) -> JSON:
        data = {k: v for k, v in self.__dict__.items() if k not in ("photo", "message")}
        data["photo_size"] = None if self.photo is None else len(self.photo)
        return data


@dataclass(frozen=True)
class RequestRecord:
    method: str
    chat_id: int | str | None
    time: float  # time.monotonic() when the request arrived
    status: int
    description: str | None = None


class UpdateQueue:
    """getUpdates semantics: an update stays until a later offset confirms it."""

    def __init__(self, first_update_id: int = 100_000) -> None:
        self.pending: list[JSON] = []
        self.allowed: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._ids = itertools.count(first_update_id)
        self._arrived = asyncio.Event()
        self._poll_generation = 0
        self.closed = False

    def push(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": next(self._ids), kind: payload}
        if kind in self.allowed:
            self.pending.append(update)
            self._wake()
        return update

    def _wake(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()

    def close(self) -> None:
        self.closed = True
        self._wake()

    async def wait_changed(self, timeout: float) -> None:
        """Until an update arrives, the webhook changes or the queue closes (or `timeout` passes)."""
        arrived = self._arrived
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived.wait(), timeout)

    def wake(self) -> None:
        self._wake()

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    async def get(self, offset: int, limit: int, timeout: float, allowed: list[str] | None) -> list[JSON]:
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # an older long poll now sees it was superseded
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES
        self.confirm(offset)
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            self.pending = [u for u in self.pending if next(k for k in u if k != "update_id") in self.allowed]
            if self.pending or self.closed:
                return self.pending[: max(1, min(limit, 100))]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            arrived = self._arrived
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
