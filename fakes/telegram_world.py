"""Everything the fake server knows, shared by the bot-side methods and the user-side control API."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from fakes.telegram_limits import FaultInjector, FloodControl
from fakes.telegram_state import (
    JSON,
    Chat,
    ChatState,
    RequestRecord,
    SentMessage,
    UpdateQueue,
    User,
    bad_request,
    now,
)
from fakes.telegram_state import ApiError as ApiError
from fakes.telegram_webhook import WebhookConfig

DEFAULT_TOKEN = "123456789:AAHfakeTOKENfakeTOKENfakeTOKEN12345"


@dataclass
class BotProfile:
    username: str = "storybot_test_bot"
    first_name: str = "Storybot"
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False
    supports_inline_queries: bool = True

    def user(self, bot_id: int) -> JSON:
        return {"id": bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def get_me(self, bot_id: int) -> JSON:
        return {**self.user(bot_id), "can_join_groups": self.can_join_groups,
                "can_read_all_group_messages": self.can_read_all_group_messages,
                "supports_inline_queries": self.supports_inline_queries, "can_connect_to_business": False,
                "has_main_web_app": False}


@dataclass
class World:
    profile: BotProfile = field(default_factory=BotProfile)
    bot_id: int = int(DEFAULT_TOKEN.split(":")[0])
    strict_html_entities: bool = False
    users: dict[int, User] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    sent: dict[int, list[SentMessage]] = field(default_factory=dict)
    inline_answers: list[JSON] = field(default_factory=list)
    callback_answers: list[JSON] = field(default_factory=list)
    chat_actions: list[JSON] = field(default_factory=list)
    commands: dict[str, list[JSON]] = field(default_factory=dict)  # scope key -> commands
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> uploaded bytes
    open_queries: set[str] = field(default_factory=set)  # callback and inline query ids not yet answered
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    request_log: list[RequestRecord] = field(default_factory=list)
    flood: FloodControl = field(default_factory=FloodControl)
    faults: FaultInjector = field(default_factory=FaultInjector)
    queue: UpdateQueue = field(default_factory=UpdateQueue)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sent_changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def bot_user(self) -> JSON:
        return self.profile.user(self.bot_id)

    def next_id(self) -> int:
        return next(self.ids)

    # --- users and chats -------------------------------------------------------------------------

    def user(self, ref: User | int | None, default_id: int | None = None) -> User:
        """Resolves a user reference, creating unknown ids so tests stay short."""
        if isinstance(ref, User):
            self.users.setdefault(ref.id, ref)
            return self.users[ref.id]
        user_id = ref if ref is not None else default_id
        if user_id is None or user_id <= 0:
            user_id = 10_000 + len(self.users) + 1
        if user_id not in self.users:
            self.users[user_id] = User(id=user_id, first_name=f"User{user_id}", username=f"user{user_id}")
        return self.users[user_id]

    def private_chat(self, user: User) -> Chat:
        if user.id not in self.chats:
            self.chats[user.id] = Chat(id=user.id, type="private", user=user, username=user.username)
        return self.chats[user.id]

    def chat(self, chat_id: int) -> Chat:
        """The chat as the control API addresses it (no Telegram errors here: a wrong id is a test bug)."""
        if chat_id not in self.chats:
            raise KeyError(f"no chat {chat_id}; create it first (add_group, add_supergroup, add_channel)")
        return self.chats[chat_id]

    def lookup(self, ref: Any) -> Chat:
        """The chat a bot request names by id or @username, or Telegram's error for it."""
        if ref is None or ref == "":
            raise bad_request("chat_id is empty")
        chat: Chat | None = None
        if isinstance(ref, str) and ref.startswith("@"):
            chat = next((c for c in self.chats.values() if c.username and f"@{c.username}" == ref), None)
        else:
            try:
                chat = self.chats.get(int(ref))
            except ValueError:
                chat = None
        if chat is None or chat.state is ChatState.DELETED:
            raise bad_request("chat not found")
        if chat.state is ChatState.MIGRATED:
            raise bad_request("group chat was upgraded to a supergroup chat",
                              {"migrate_to_chat_id": chat.migrated_to})
        return chat

    def writable(self, ref: Any) -> Chat:
        """A chat the bot may post to, or the 403 Telegram answers."""
        chat = self.lookup(ref)
        if chat.state is ChatState.BLOCKED:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.state is ChatState.KICKED or chat.bot_status in ("left", "kicked"):
            where = "channel chat" if chat.type == "channel" else (
                "supergroup chat" if chat.type == "supergroup" else "group chat")
            raise ApiError(403, f"Forbidden: bot was kicked from the {where}")
        if chat.type == "channel" and chat.bot_status != "administrator":
            raise bad_request("need administrator rights in the channel chat")
        return chat

    # --- messages --------------------------------------------------------------------------------

    def chat_instance(self, chat: Chat) -> str:
        return str(int(hashlib.sha1(f"{self.bot_id}:{chat.id}".encode()).hexdigest()[:15], 16))

    def new_message(self, chat: Chat, sender: JSON | None, thread_id: int | None = None, **fields: Any) -> JSON:
        message: JSON = {"message_id": next(chat.message_ids)}
        if sender is not None:
            message["from"] = sender
        if chat.type == "channel":
            message["sender_chat"] = chat.to_api()
        message.update({"chat": chat.to_api(), "date": now()})
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        message.update({k: v for k, v in fields.items() if v is not None})
        chat.history[message["message_id"]] = message
        return message

    def record_sent(self, record: SentMessage) -> None:
        self.sent.setdefault(record.chat_id, []).append(record)
        self.notify_sent()

    def notify_sent(self) -> None:
        self._sent_changed.set()
        self._sent_changed = asyncio.Event()

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        return next((m for m in self.sent.get(chat_id, []) if m.message_id == message_id), None)

    async def wait_for_sent(self, chat_id: int, count: int, timeout: float) -> list[SentMessage]:
        deadline = time.monotonic() + timeout
        while len(self.sent.get(chat_id, [])) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = [m.text for m in self.sent.get(chat_id, [])]
                raise TimeoutError(f"chat {chat_id}: wanted {count} messages from the bot, got {got}")
            changed = self._sent_changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue
        return list(self.sent[chat_id])

    def log(self, method: str, chat_id: Any, started: float, status: int, description: str | None) -> None:
        self.request_log.append(RequestRecord(method, chat_id, started, status, description))
