"""Chats and their topic subscriptions; a chat's state (storage.models.ChatState) and its version.

Every write of what a chat reads back (its settings, topics, mutes, state) bumps `Chat.version` in the same
transaction: the cache of app.chat_view compares that one column to know whether what it holds is current.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import Chat, ChatState, Delivery, Mute, Subscription, utcnow

__all__ = [
    "ChatRow",
    "TooManyTopics",
    "blindspot_weekly",
    "bump",
    "chat_row",
    "deactivate",
    "delete_inactive",
    "ensure_chat",
    "gone",
    "language",
    "migrate",
    "resume",
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

ChatRow = tuple[int, ChatState, str | None, str, str, bool]  # version, state, language, timezone, times, blindspot


class TooManyTopics(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} topics per chat")
        self.limit = limit


def ensure_chat(
    session: Session, chat_id: int, *, type: str = "private", title: str = "", timezone: str = "UTC",
    digest_times: str = "08:00", next_digest_at: datetime | None = None, language: str | None = None,
) -> Chat:
    """The chat, made (active) on first contact; a chat that stopped stays stopped (`resume` brings it back).
    `language` (the language of whoever wrote) is kept only while the chat has none: a chat's language changes
    with `set_language` alone.

    `next_digest_at` is the first digest instant, computed by the caller (app.digest_time) from the times and
    zone. Left None, the digest tick schedules the chat on its next run.
    """
    chat = session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=type, title=title[:255], timezone=timezone, digest_times=digest_times,
                    next_digest_at=next_digest_at, language=language, state=ChatState.ACTIVE, version=0)
        session.add(chat)
        session.flush()
        return chat
    if chat.language is None and language is not None:
        chat.language = language
        chat.version += 1
    return chat


def resume(session: Session, chat_id: int, next_digest_at: datetime) -> bool:
    """A chat that was not getting digests gets them again, from `next_digest_at` (computed by the caller from the
    chat's own times and zone); False when it was active already (or is unknown)."""
    result = session.execute(
        update(Chat).where(Chat.id == chat_id, Chat.active.is_(False)).values(
            active=True, state=ChatState.ACTIVE, inactive_reason=None, inactive_since=None,
            next_digest_at=next_digest_at, version=Chat.version + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def bump(session: Session, chat_id: int) -> None:
    """Something the chat reads back changed (its topics, its mutes): caches of it are stale."""
    session.execute(update(Chat).where(Chat.id == chat_id).values(version=Chat.version + 1))


def chat_row(session: Session, chat_id: int) -> ChatRow | None:
    """What a chat's readers need of its row (app.chat_view), None for a chat unknown."""
    found = session.execute(select(Chat.version, Chat.state, Chat.language, Chat.timezone, Chat.digest_times,
                                   Chat.blindspot_weekly).where(Chat.id == chat_id)).first()
    return (found[0], found[1], found[2], found[3], found[4], found[5]) if found else None


def set_schedule(session: Session, chat_id: int, digest_times: str, timezone: str, next_digest_at: datetime) -> None:
    """New digest times and zone; `next_digest_at` is their next instant (app.digest_time.next_digest_at)."""
    session.execute(
        update(Chat).where(Chat.id == chat_id).values(
            digest_times=digest_times, timezone=timezone, next_digest_at=next_digest_at, version=Chat.version + 1
        )
    )


def language(session: Session, chat_id: int) -> str | None:
    """The chat's language code, None for a chat unknown or whose language is not known yet."""
    return session.scalar(select(Chat.language).where(Chat.id == chat_id))


def set_language(session: Session, chat_id: int, code: str) -> None:
    session.execute(update(Chat).where(Chat.id == chat_id).values(language=code, version=Chat.version + 1))


def subscribe(session: Session, chat_id: int, topic: str, max_topics: int = 30, now: datetime | None = None) -> bool:
    """True when added, False when the chat already had it. `now`: the application's clock (a digest tells a topic
    followed since the last digest by it)."""
    exists = session.scalar(select(Subscription.id).where(Subscription.chat_id == chat_id, Subscription.topic == topic))
    if exists is not None:
        return False
    count = session.scalar(select(func.count()).where(Subscription.chat_id == chat_id)) or 0
    if count >= max_topics:
        raise TooManyTopics(max_topics)
    session.add(Subscription(chat_id=chat_id, topic=topic, created_at=now or utcnow()))
    session.flush()
    bump(session, chat_id)
    return True


def unsubscribe(session: Session, chat_id: int, topic: str) -> bool:
    result = session.execute(delete(Subscription).where(Subscription.chat_id == chat_id, Subscription.topic == topic))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    bump(session, chat_id)
    return True


def unsubscribe_all(session: Session, chat_id: int) -> int:
    result = session.execute(delete(Subscription).where(Subscription.chat_id == chat_id))
    bump(session, chat_id)
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
    bump(session, chat_id)
    return subscription.topic


def schedule(session: Session, chat_id: int) -> tuple[str, str, datetime | None] | None:
    """(digest_times, timezone, next_digest_at) of a known chat."""
    row = session.execute(select(Chat.digest_times, Chat.timezone, Chat.next_digest_at).where(Chat.id == chat_id))
    found = row.first()
    return (found[0], found[1], found[2]) if found else None


def set_blindspot_weekly(session: Session, chat_id: int, on: bool) -> None:
    """Whether the chat's digest carries a weekly Blindspot section."""
    session.execute(update(Chat).where(Chat.id == chat_id).values(blindspot_weekly=on, version=Chat.version + 1))


def blindspot_weekly(session: Session, chat_id: int) -> bool:
    return bool(session.scalar(select(Chat.blindspot_weekly).where(Chat.id == chat_id)))


def set_thread(session: Session, chat_id: int, thread_id: int | None) -> None:
    """The forum topic digests go to (None: the chat itself, or a forum's General topic)."""
    session.execute(update(Chat).where(Chat.id == chat_id).values(thread_id=thread_id, version=Chat.version + 1))


def deactivate(session: Session, chat_id: int, state: ChatState, reason: str, now: datetime) -> None:
    """No more digests, for a reason with a name (`state`) and in words (`reason`); inactive since `now` (kept
    from the first time when it was inactive already)."""
    session.execute(
        update(Chat).where(Chat.id == chat_id).values(
            active=False, state=state, inactive_reason=reason[:255], next_digest_at=None,
            inactive_since=func.coalesce(Chat.inactive_since, now), version=Chat.version + 1)
    )


def gone(session: Session, chat_id: int, reason: str, now: datetime) -> None:
    """Telegram refused a send for good (403, chat not found): a private chat blocked the bot, any other chat
    removed it."""
    state = case((Chat.type == "private", ChatState.BLOCKED.value), else_=ChatState.KICKED.value)
    session.execute(
        update(Chat).where(Chat.id == chat_id).values(
            active=False, state=state, inactive_reason=reason[:255], next_digest_at=None,
            inactive_since=func.coalesce(Chat.inactive_since, now), version=Chat.version + 1)
    )


def delete_inactive(session: Session, before: datetime, limit: int) -> int:
    """Delete up to `limit` chats inactive since before `before` (their subscriptions, mutes and deliveries go
    with them, by ON DELETE CASCADE); how many."""
    ids = list(session.scalars(select(Chat.id).where(Chat.active.is_(False), Chat.inactive_since < before)
                               .order_by(Chat.inactive_since).limit(limit)))
    if ids:
        session.execute(delete(Chat).where(Chat.id.in_(ids), Chat.active.is_(False)))
    return len(ids)


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
    new.state, new.inactive_since, new.version = old.state, old.inactive_since, max(old.version, new.version or 0) + 1
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
