"""Chats and their topic subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import Chat, Delivery, Mute, Subscription

__all__ = [
    "TooManyTopics",
    "blindspot_weekly",
    "deactivate",
    "ensure_chat",
    "language",
    "migrate",
    "schedule",
    "set_blindspot_weekly",
    "set_language",
    "set_schedule",
    "set_thread",
    "subscribe",
    "subscriptions",
    "topics",
    "unsubscribe",
    "unsubscribe_all",
    "unsubscribe_id",
]


class TooManyTopics(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} topics per chat")
        self.limit = limit


def ensure_chat(
    session: Session, chat_id: int, *, type: str = "private", title: str = "", timezone: str = "UTC",
    digest_times: str = "08:00", next_digest_at: datetime | None = None, language: str | None = None,
) -> Chat:
    """The chat, made on first contact; a chat that had stopped is active again. `language` (the language of
    whoever wrote) is kept only while the chat has none: a chat's language changes with `set_language` alone.

    `next_digest_at` is the first digest instant, computed by the caller (app.digest_time) from the times and
    zone. Left None, the digest tick schedules the chat on its next run.
    """
    chat = session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=type, title=title[:255], timezone=timezone, digest_times=digest_times,
                    next_digest_at=next_digest_at, language=language)
        session.add(chat)
        session.flush()
        return chat
    if chat.language is None and language is not None:
        chat.language = language
    if not chat.active:
        chat.active = True
        chat.inactive_reason = None
        chat.next_digest_at = next_digest_at
    return chat


def set_schedule(session: Session, chat_id: int, digest_times: str, timezone: str, next_digest_at: datetime) -> None:
    """New digest times and zone; `next_digest_at` is their next instant (app.digest_time.next_digest_at)."""
    session.execute(
        update(Chat).where(Chat.id == chat_id).values(
            digest_times=digest_times, timezone=timezone, next_digest_at=next_digest_at
        )
    )


def language(session: Session, chat_id: int) -> str | None:
    """The chat's language code, None for a chat unknown or whose language is not known yet."""
    return session.scalar(select(Chat.language).where(Chat.id == chat_id))


def set_language(session: Session, chat_id: int, code: str) -> None:
    session.execute(update(Chat).where(Chat.id == chat_id).values(language=code))


def subscribe(session: Session, chat_id: int, topic: str, max_topics: int = 30) -> bool:
    """True when added, False when the chat already had it."""
    exists = session.scalar(select(Subscription.id).where(Subscription.chat_id == chat_id, Subscription.topic == topic))
    if exists is not None:
        return False
    count = session.scalar(select(func.count()).where(Subscription.chat_id == chat_id)) or 0
    if count >= max_topics:
        raise TooManyTopics(max_topics)
    session.add(Subscription(chat_id=chat_id, topic=topic))
    session.flush()
    return True


def unsubscribe(session: Session, chat_id: int, topic: str) -> bool:
    result = session.execute(delete(Subscription).where(Subscription.chat_id == chat_id, Subscription.topic == topic))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def unsubscribe_all(session: Session, chat_id: int) -> int:
    result = session.execute(delete(Subscription).where(Subscription.chat_id == chat_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def topics(session: Session, chat_id: int) -> list[str]:
    query = select(Subscription.topic).where(Subscription.chat_id == chat_id).order_by(Subscription.id)
    return list(session.scalars(query))


def subscriptions(session: Session, chat_id: int) -> list[tuple[int, str]]:
    """(subscription id, topic) pairs: the ids are short enough for a remove button's callback data."""
    query = select(Subscription.id, Subscription.topic).where(Subscription.chat_id == chat_id).order_by(Subscription.id)
    return [(sub_id, topic) for sub_id, topic in session.execute(query)]


def unsubscribe_id(session: Session, chat_id: int, subscription_id: int) -> str | None:
    """Remove one subscription of this chat by id; its topic, or None when it was already gone."""
    query = select(Subscription).where(Subscription.id == subscription_id, Subscription.chat_id == chat_id)
    subscription = session.scalar(query)
    if subscription is None:
        return None
    session.delete(subscription)
    return subscription.topic


def schedule(session: Session, chat_id: int) -> tuple[str, str, datetime | None] | None:
    """(digest_times, timezone, next_digest_at) of a known chat."""
    row = session.execute(select(Chat.digest_times, Chat.timezone, Chat.next_digest_at).where(Chat.id == chat_id))
    found = row.first()
    return (found[0], found[1], found[2]) if found else None


def set_blindspot_weekly(session: Session, chat_id: int, on: bool) -> None:
    """Whether the chat's digest carries a weekly Blindspot section."""
    session.execute(update(Chat).where(Chat.id == chat_id).values(blindspot_weekly=on))


def blindspot_weekly(session: Session, chat_id: int) -> bool:
    return bool(session.scalar(select(Chat.blindspot_weekly).where(Chat.id == chat_id)))


def set_thread(session: Session, chat_id: int, thread_id: int | None) -> None:
    """The forum topic digests go to (None: the chat itself, or a forum's General topic)."""
    session.execute(update(Chat).where(Chat.id == chat_id).values(thread_id=thread_id))


def deactivate(session: Session, chat_id: int, reason: str) -> None:
    session.execute(
        update(Chat).where(Chat.id == chat_id).values(active=False, inactive_reason=reason[:255], next_digest_at=None)
    )


def migrate(session: Session, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move everything to the new id.

    The supergroup may exist already (its first update registered it before the migration was handled): it then
    takes the group's settings, topics and outbox, since it is the same chat.
    """
    old = session.get(Chat, old_id)
    if old is None:
        return
    new = session.get(Chat, new_id)
    if new is None:
        new = Chat(id=new_id, created_at=old.created_at)
        session.add(new)
    new.type, new.title, new.thread_id, new.active = "supergroup", old.title, old.thread_id, old.active
    new.inactive_reason, new.timezone, new.digest_times = old.inactive_reason, old.timezone, old.digest_times
    new.send_empty_digest, new.next_digest_at, new.last_digest_at = (
        old.send_empty_digest, old.next_digest_at, old.last_digest_at)
    new.language = old.language or new.language
    new.blindspot_weekly = old.blindspot_weekly
    session.flush()
    have_mutes = select(Mute.kind + ":" + Mute.value).where(Mute.chat_id == new_id)
    session.execute(update(Mute).where(Mute.chat_id == old_id, (Mute.kind + ":" + Mute.value).not_in(have_mutes))
                    .values(chat_id=new_id))
    session.execute(delete(Mute).where(Mute.chat_id == old_id))
    have = select(Subscription.topic).where(Subscription.chat_id == new_id)
    moving = update(Subscription).where(Subscription.chat_id == old_id, Subscription.topic.not_in(have))
    session.execute(moving.values(chat_id=new_id))
    periods = select(Delivery.period).where(Delivery.chat_id == new_id)
    session.execute(
        update(Delivery).where(Delivery.chat_id == old_id, Delivery.period.not_in(periods)).values(chat_id=new_id)
    )
    session.execute(delete(Subscription).where(Subscription.chat_id == old_id))
    session.execute(delete(Delivery).where(Delivery.chat_id == old_id))
    session.delete(old)
