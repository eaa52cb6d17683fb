"""What a chat can change: the topics it follows, its digest times and zone, stopping; and who may change it.

Each method is one transaction: a write registers the chat on first contact (with the default schedule) and does
its work in the same transaction, returning plain values. Reading never writes: what a chat looks like comes from
`view` (app.chat_view, cached), and a chat the bot doesn't know reads as the defaults without a row being made.

A chat's lifecycle (storage.models.ChatState): only what asks for digests or changes them brings a stopped,
blocked or kicked chat back (`_resume`: /start, a follow, /time, /timezone, a settings button, the bot added to a
group again), with its own stored times and zone. Unfollowing, muting and the language never do.
`who_may_change` is the rule of who may write; asking Telegram whether a user is an admin stays at the edge.
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

from app.chat_view import ChatView, ChatViews
from app.digest_time import InvalidSchedule, format_times, next_digest_at, parse_times, parse_zone
from app.tx import Transactions
from storage import chats as chat_store
from storage import follows as follow_store
from storage.models import ChatState

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
    active: bool = True  # False: the chat gets no digests (stopped, blocked, kicked) until something resumes it


class Follow(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"  # the chat follows MAX_TOPICS topics already


@dataclass(frozen=True, slots=True)
class Toggle:
    following: bool | None  # None: the chat is full, nothing changed
    topics: frozenset[str]


class Chats:
    def __init__(self, tx: Transactions, defaults: ScheduleDefaults, clock: Callable[[], datetime],
                 views: ChatViews | None = None) -> None:
        self.tx, self.defaults, self.clock = tx, defaults, clock
        self.views = views or ChatViews(tx, format_times(defaults.times), defaults.zone.key)

    async def view(self, chat_id: int) -> ChatView:
        """The chat as its readers see it (cached; the defaults for a chat unknown). Never writes."""
        return await self.views.get(chat_id)

    def _register(self, session: Session, chat: ChatRef, *, record_thread: bool = False) -> None:
        """Make sure the chat is known (a stopped chat stays stopped). `record_thread`: in a forum, digests go to
        the topic this was said in."""
        first = next_digest_at(self.defaults.times, self.defaults.zone, self.clock())
        chat_store.ensure_chat(session, chat.id, type=chat.type, title=chat.title, timezone=self.defaults.zone.key,
                               digest_times=format_times(self.defaults.times), next_digest_at=first,
                               language=chat.language)
        if record_thread and chat.is_forum:
            chat_store.set_thread(session, chat.id, chat.thread_id)

    def _resume(self, session: Session, chat_id: int) -> None:
        """Digests again, from the chat's own times and zone (a no-op for an active chat)."""
        stored = chat_store.schedule(session, chat_id)
        assert stored is not None
        times, zone = self._parsed(stored[0], stored[1])
        chat_store.resume(session, chat_id, next_digest_at(times, zone, self.clock()))

    def _parsed(self, times: str, zone: str) -> tuple[tuple[time, ...], ZoneInfo]:
        try:
            return parse_times(times), parse_zone(zone)
        except InvalidSchedule:  # stored by an older version, or by hand: the defaults rather than no digest
            return self.defaults.times, self.defaults.zone

    def _subscribe(self, session: Session, chat_id: int, topic: str) -> Follow:
        try:
            added = chat_store.subscribe(session, chat_id, topic, MAX_TOPICS, self.clock())
        except chat_store.TooManyTopics:
            return Follow.FULL
        return Follow.ADDED if added else Follow.ALREADY

    async def _with_chat(self, chat: ChatRef, work: Callable[[Session], T], *, record_thread: bool = False,
                         resume: bool = False) -> T:
        """`work` in the same transaction that registers the chat (and, with `resume`, brings it back)."""

        def run(session: Session) -> T:
            self._register(session, chat, record_thread=record_thread)
            if resume:
                self._resume(session, chat.id)
            return work(session)

        return await self.tx(run)

    async def within(self, chat: ChatRef, work: Callable[[Session], T]) -> T:
        """`work` in the transaction that registers the chat, without resuming it (app.mutes)."""
        return await self._with_chat(chat, work)

    async def resuming(self, chat: ChatRef, work: Callable[[Session], T]) -> T:
        """`work` in the transaction that registers the chat and brings it back if stopped (app.follows)."""
        return await self._with_chat(chat, work, record_thread=True, resume=True)

    async def set_blindspot_weekly(self, chat: ChatRef, on: bool) -> Schedule:
        """A weekly Blindspot section in the chat's digest, or none; the chat's settings now."""

        def run(session: Session) -> Schedule:
            chat_store.set_blindspot_weekly(session, chat.id, on)
            return self._schedule(session, chat.id, None, None)

        return await self._with_chat(chat, run, record_thread=True, resume=True)

    async def start(self, chat: ChatRef) -> frozenset[str]:
        """Register the chat and bring it back if it had stopped; the topics it follows."""
        return await self._with_chat(chat, lambda s: frozenset(chat_store.topics(s, chat.id)), resume=True)

    async def follow(self, chat: ChatRef, topic: str) -> Follow:
        return await self._with_chat(chat, lambda s: self._subscribe(s, chat.id, topic), record_thread=True,
                                     resume=True)

    async def unfollow(self, chat: ChatRef, topic: str) -> bool:
        """False when the chat didn't follow it (an unknown chat is not registered for that)."""
        return await self.tx(chat_store.unsubscribe, chat.id, topic)

    async def toggle(self, chat: ChatRef, topic: str) -> Toggle:
        """Follow the topic (bringing a stopped chat back), or stop following it when the chat already does."""

        def run(session: Session) -> Toggle:
            self._register(session, chat, record_thread=True)
            if chat_store.unsubscribe(session, chat.id, topic):
                return Toggle(False, frozenset(chat_store.topics(session, chat.id)))
            self._resume(session, chat.id)
            following = None if self._subscribe(session, chat.id, topic) is Follow.FULL else True
            return Toggle(following, frozenset(chat_store.topics(session, chat.id)))

        return await self.tx(run)

    async def remove(self, chat_id: int, subscription_id: int) -> tuple[str | None, list[tuple[int, str]]]:
        """Drop one subscription by id: its topic (None when it was gone already) and what the chat follows now."""
        return await self.tx(lambda s: (chat_store.unsubscribe_id(s, chat_id, subscription_id),
                                        chat_store.subscriptions(s, chat_id)))

    async def stop(self, chat: ChatRef) -> int:
        """Unfollow everything and stop digests (/start or a subscription brings the chat back); topics dropped.
        A chat the bot doesn't know has nothing to stop, and is not registered for it."""

        def run(session: Session) -> int:
            if chat_store.schedule(session, chat.id) is None:
                return 0
            removed = chat_store.unsubscribe_all(session, chat.id)
            follow_store.unfollow_all(session, chat.id)  # followed stories end too, without a last line
            chat_store.deactivate(session, chat.id, ChatState.STOPPED, "stopped with /stop", self.clock())
            return removed

        return await self.tx(run)

    async def set_language(self, chat: ChatRef, code: str) -> None:
        """The language the bot speaks in this chat from now on, its digests included (`code`: a shipped one)."""
        await self._with_chat(chat, lambda s: chat_store.set_language(s, chat.id, code))

    def schedule(self, chat: ChatView) -> Schedule:
        """The chat's settings as /settings shows them, the next digest computed from its times and zone now."""
        times, zone = self._parsed(chat.digest_times, chat.timezone)
        return Schedule(format_times(times), zone.key, next_digest_at(times, zone, self.clock()),
                        chat.blindspot_weekly, chat.active)

    async def set_schedule(self, chat: ChatRef, times: str | None, zone: str | None) -> Schedule:
        """New digest times and/or zone (None keeps the current one), and digests again for a chat that had
        stopped. Raises InvalidSchedule, for the user."""
        return await self._with_chat(chat, lambda s: self._schedule(s, chat.id, times, zone), record_thread=True,
                                     resume=True)

    def _schedule(self, session: Session, chat_id: int, times_text: str | None, zone_name: str | None) -> Schedule:
        current = chat_store.schedule(session, chat_id)
        assert current is not None
        times = parse_times(times_text if times_text is not None else current[0])
        zone = parse_zone(zone_name if zone_name is not None else current[1])
        next_at = next_digest_at(times, zone, self.clock())
        if times_text is not None or zone_name is not None:
            chat_store.set_schedule(session, chat_id, format_times(times), zone.key, next_at)
        return Schedule(format_times(times), zone.key, next_at, chat_store.blindspot_weekly(session, chat_id))

    async def joined(self, chat: ChatRef) -> str | None:
        """The bot was added to a group or channel (again: a chat it was removed from comes back); the chat's
        language, when it has one."""

        def run(session: Session) -> str | None:
            self._register(session, chat)
            self._resume(session, chat.id)
            return chat_store.language(session, chat.id)

        return await self.tx(run)

    async def left(self, chat_id: int, state: ChatState, reason: str) -> None:
        """The bot was removed (KICKED) or blocked (BLOCKED): no more digests."""
        await self.tx(chat_store.deactivate, chat_id, state, reason, self.clock())

    async def migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: everything moves to the new id (idempotent). Should another writer have
        made the supergroup's row in the meantime, the move runs once more and merges into it."""
        try:
            await self.tx(chat_store.migrate, old_id, new_id)
        except IntegrityError:
            await self.tx(chat_store.migrate, old_id, new_id)
