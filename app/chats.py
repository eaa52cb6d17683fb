"""What a chat can change: the topics it follows, its digest times and zone, stopping; and who may change it.

Each method is one transaction: it registers the chat on first contact (with the default schedule) and does its
work in the same transaction, returning plain values. `who_may_change` is the rule; asking Telegram whether a
user is an admin stays at the edge.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.digest_time import format_times, next_digest_at, parse_times, parse_zone
from app.tx import Transactions
from storage import chats as chat_store

__all__ = ["MAX_TOPICS", "ChatRef", "Chats", "Follow", "Permission", "Schedule", "ScheduleDefaults", "Toggle",
           "who_may_change"]

MAX_TOPICS = 30
T = TypeVar("T")


class Permission(enum.Enum):
    ANYONE = "anyone"
    ADMINS = "admins"


def who_may_change(chat_type: str, *, channel_post: bool, posted_as_chat: bool) -> Permission:
    """Anyone in a private chat; whoever posts in a channel (only its admins can); an anonymous admin writing as
    the group itself; everyone else in a group needs to be an admin (a button under a channel post included)."""
    if chat_type == "private" or channel_post or posted_as_chat:
        return Permission.ANYONE
    return Permission.ADMINS


@dataclass(frozen=True, slots=True)
class ChatRef:
    """The chat an update came from, as the edge saw it."""

    id: int
    type: str = "private"
    title: str = ""
    thread_id: int | None = None  # in a forum: the topic the message was sent in (None: General, or no forum)
    is_forum: bool = False
    language: str | None = None  # the language of whoever wrote (a shipped code), None when unknown


@dataclass(frozen=True, slots=True)
class ScheduleDefaults:
    times: tuple[time, ...]
    zone: ZoneInfo

    @classmethod
    def parse(cls, times: str, zone: str) -> ScheduleDefaults:
        return cls(parse_times(times), parse_zone(zone))


@dataclass(frozen=True, slots=True)
class Schedule:
    times: str  # "07:30,18:00"
    zone: str
    next_at: datetime
    blindspot_weekly: bool = False  # the digest carries a weekly Blindspot section


class Follow(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"  # the chat follows MAX_TOPICS topics already


@dataclass(frozen=True, slots=True)
class Toggle:
    following: bool | None  # None: the chat is full, nothing changed
    topics: frozenset[str]


class Chats:
    def __init__(self, tx: Transactions, defaults: ScheduleDefaults, clock: Callable[[], datetime]) -> None:
        self.tx, self.defaults, self.clock = tx, defaults, clock

    def _register(self, session: Session, chat: ChatRef, *, record_thread: bool = False) -> None:
        """Make sure the chat is known (a stopped chat is active again). `record_thread`: in a forum, digests
        go to the topic this was said in."""
        first = next_digest_at(self.defaults.times, self.defaults.zone, self.clock())
        chat_store.ensure_chat(session, chat.id, type=chat.type, title=chat.title, timezone=self.defaults.zone.key,
                               digest_times=format_times(self.defaults.times), next_digest_at=first,
                               language=chat.language)
        if record_thread and chat.is_forum:
            chat_store.set_thread(session, chat.id, chat.thread_id)

    def _subscribe(self, session: Session, chat_id: int, topic: str) -> Follow:
        try:
            added = chat_store.subscribe(session, chat_id, topic, MAX_TOPICS)
        except chat_store.TooManyTopics:
            return Follow.FULL
        return Follow.ADDED if added else Follow.ALREADY

    async def _with_chat(self, chat: ChatRef, work: Callable[[Session], T], *, record_thread: bool = False) -> T:
        """`work` in the same transaction that registers the chat."""

        def run(session: Session) -> T:
            self._register(session, chat, record_thread=record_thread)
            return work(session)

        return await self.tx(run)

    async def within(self, chat: ChatRef, work: Callable[[Session], T]) -> T:
        """`work` in the transaction that registers the chat (for use cases next to this one: app.mutes)."""
        return await self._with_chat(chat, work)

    async def set_blindspot_weekly(self, chat: ChatRef, on: bool) -> Schedule:
        """A weekly Blindspot section in the chat's digest, or none; the chat's settings now."""

        def run(session: Session) -> Schedule:
            self._register(session, chat, record_thread=True)
            chat_store.set_blindspot_weekly(session, chat.id, on)
            return self._schedule(session, chat, None, None)

        return await self.tx(run)

    async def start(self, chat: ChatRef) -> frozenset[str]:
        """Register the chat; the topics it follows."""
        return await self._with_chat(chat, lambda s: frozenset(chat_store.topics(s, chat.id)))

    async def follow(self, chat: ChatRef, topic: str) -> Follow:
        return await self._with_chat(chat, lambda s: self._subscribe(s, chat.id, topic), record_thread=True)

    async def unfollow(self, chat: ChatRef, topic: str) -> bool:
        return await self._with_chat(chat, lambda s: chat_store.unsubscribe(s, chat.id, topic))

    async def toggle(self, chat: ChatRef, topic: str) -> Toggle:
        """Follow the topic, or stop following it when the chat already does."""

        def run(session: Session) -> Toggle:
            if chat_store.unsubscribe(session, chat.id, topic):
                return Toggle(False, frozenset(chat_store.topics(session, chat.id)))
            following = None if self._subscribe(session, chat.id, topic) is Follow.FULL else True
            return Toggle(following, frozenset(chat_store.topics(session, chat.id)))

        return await self._with_chat(chat, run, record_thread=True)

    async def subscriptions(self, chat: ChatRef) -> list[tuple[int, str]]:
        """(subscription id, topic) pairs, oldest first."""
        return await self._with_chat(chat, lambda s: chat_store.subscriptions(s, chat.id))

    async def remove(self, chat_id: int, subscription_id: int) -> tuple[str | None, list[tuple[int, str]]]:
        """Drop one subscription by id: its topic (None when it was gone already) and what the chat follows now."""
        return await self.tx(lambda s: (chat_store.unsubscribe_id(s, chat_id, subscription_id),
                                        chat_store.subscriptions(s, chat_id)))

    async def stop(self, chat: ChatRef) -> int:
        """Unfollow everything and stop digests (/start or a subscription brings the chat back); topics dropped."""

        def run(session: Session) -> int:
            removed = chat_store.unsubscribe_all(session, chat.id)
            chat_store.deactivate(session, chat.id, "stopped with /stop")
            return removed

        return await self._with_chat(chat, run)

    async def language(self, chat_id: int) -> str | None:
        """The chat's language code; None when the chat or its language is not known yet."""
        return await self.tx(chat_store.language, chat_id)

    async def set_language(self, chat: ChatRef, code: str) -> None:
        """The language the bot speaks in this chat from now on, its digests included (`code`: a shipped one)."""
        await self._with_chat(chat, lambda s: chat_store.set_language(s, chat.id, code))

    async def schedule(self, chat: ChatRef) -> Schedule:
        return await self.tx(self._schedule, chat, None, None)

    async def set_schedule(self, chat: ChatRef, times: str | None, zone: str | None) -> Schedule:
        """New digest times and/or zone (None keeps the current one). Raises InvalidSchedule, for the user."""
        return await self.tx(self._schedule, chat, times, zone)

    def _schedule(self, session: Session, chat: ChatRef, times_text: str | None, zone_name: str | None) -> Schedule:
        changing = times_text is not None or zone_name is not None
        self._register(session, chat, record_thread=changing)
        current = chat_store.schedule(session, chat.id)
        assert current is not None
        times = parse_times(times_text if times_text is not None else current[0])
        zone = parse_zone(zone_name if zone_name is not None else current[1])
        next_at = next_digest_at(times, zone, self.clock())
        if changing:
            chat_store.set_schedule(session, chat.id, format_times(times), zone.key, next_at)
        return Schedule(format_times(times), zone.key, next_at, chat_store.blindspot_weekly(session, chat.id))

    async def joined(self, chat: ChatRef) -> None:
        """The bot was added to a group or channel."""
        await self.tx(self._register, chat)

    async def left(self, chat_id: int, reason: str) -> None:
        """The bot was removed or blocked: no more digests."""
        await self.tx(chat_store.deactivate, chat_id, reason)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: everything moves to the new id (idempotent). Should another writer have
        made the supergroup's row in the meantime, the move runs once more and merges into it."""
        try:
            await self.tx(chat_store.migrate, old_id, new_id)
        except IntegrityError:
            await self.tx(chat_store.migrate, old_id, new_id)
