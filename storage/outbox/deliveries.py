"""The digest outbox and the claim of due chats (SQL only: the bot computes schedules and content).

A delivery row is written, unique per (chat, period), before anything is sent; each part of a digest goes
through one compare-and-set, so a part is sent at most once even with two senders. A row is held by one process
through its lease (`lease_owner`, `lease_until`, renewed while the process works on it); only a row whose lease
has expired (its process died) is taken over, by storage.outbox.leases.recover:

    PENDING ──begin_part──► SENDING ──part_sent──► PENDING (parts left) ──► … ──► SENT
       │                       ├── release (429, 5xx: surely not sent) ──► PENDING
       │                       └── crash (lease expired), or the connection broke mid-request ──► UNKNOWN
       ├── too late, nothing new, no topics ──► SKIPPED
       └── chat gone, message refused, could not be built (3 tries) ──► FAILED

A final row (SENT, FAILED, SKIPPED, UNKNOWN) drops its parts' content (FINAL); the retention job deletes it after
RETENTION_DAYS (storage.lifecycle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Chat, Delivery, DeliveryKind, DeliveryStatus, Mute, Subscription
from storage.outbox.leases import Lease
from storage.stories import live_story_ids

__all__ = [
    "FINAL",
    "TERMINAL",
    "DigestChat",
    "DueChat",
    "OutboxItem",
    "add_deliveries",
    "begin_part",
    "claim_chat",
    "claim_chats",
    "count_attempt",
    "digest_chat",
    "due_chats",
    "finish",
    "insert_deliveries",
    "load",
    "part_sent",
    "release",
    "save_content",
    "unscheduled_chats",
]

TERMINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED, DeliveryStatus.UNKNOWN)
# What a row becoming final drops: its parts' HTML (about 5 KB a digest), needed only until the last part is sent.
# A final row keeps what later digests read (story_ids of SENT rows: "already sent") and the parts' message ids;
# the retention job deletes the row itself later (app.retention).
FINAL: dict[str, None] = {"messages": None}


@dataclass(frozen=True, slots=True)
class DueChat:
    id: int
    timezone: str
    digest_times: str
    due_at: datetime | None  # None: never scheduled


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    chat_id: int
    period: str
    status: DeliveryStatus
    messages: tuple[str, ...] | None  # None until the digest is built
    sent: tuple[int, ...]  # Telegram message ids of the parts already sent, in order
    attempts: int
    created_at: datetime
    kind: DeliveryKind = DeliveryKind.DIGEST
    reply_to: int | None = None  # the message this one answers (a FOLLOW row: the card followed from)
    thread_id: int | None = None  # a FOLLOW row's forum topic (its card's); a digest goes to its chat's

    @property
    def failures(self) -> int:
        return self.attempts - len(self.sent)


@dataclass(frozen=True, slots=True)
class DigestChat:
    id: int
    active: bool
    timezone: str
    thread_id: int | None
    send_empty: bool
    last_digest_at: datetime | None
    topics: tuple[str, ...]
    sent_story_ids: frozenset[int] = frozenset()  # stories this chat's recent digests held
    muted_words: tuple[str, ...] = ()  # stories about these are left out
    muted_outlets: frozenset[str] = frozenset()  # case-folded outlet names whose links are hidden
    blindspot_weekly: bool = False  # a Blindspot section once a week
    language: str | None = None  # the chat's language code; None: not known (the bot's default)
    told: tuple[tuple[int, datetime], ...] = ()  # (story id, when): followed stories' updates sent (app.follows)
    new_topics: frozenset[str] = frozenset()  # topics followed since the last digest

# --- claiming due chats ----------------------------------------------------------------------------


def due_chats(session: Session, now: datetime, limit: int = 500) -> list[DueChat]:
    """Due chats, locked until the transaction ends; on PostgreSQL a chat another process is claiming right now is
    skipped (FOR UPDATE SKIP LOCKED), so two processes claim disjoint batches. SQLite has one process."""
    query = (
        select(Chat.id, Chat.timezone, Chat.digest_times, Chat.next_digest_at)
        .where(Chat.active, Chat.next_digest_at <= now)  # `active` as the partial index has it (0015)
        .order_by(Chat.next_digest_at, Chat.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Chat)
    )
    return [DueChat(*row) for row in session.execute(query)]


def unscheduled_chats(session: Session, limit: int = 1000) -> list[DueChat]:
    """Active chats without a next digest (made before scheduling existed, or by a caller that left it out)."""
    query = (
        select(Chat.id, Chat.timezone, Chat.digest_times, Chat.next_digest_at)
        .where(Chat.active, Chat.next_digest_at.is_(None))
        .order_by(Chat.id)
        .limit(limit)
    )
    return [DueChat(*row) for row in session.execute(query)]


def claim_chat(session: Session, chat: DueChat, next_at: datetime) -> bool:
    """Advance the chat's schedule if nobody else did: only one claimer of (chat, due_at) gets True."""
    current = Chat.next_digest_at.is_(None) if chat.due_at is None else Chat.next_digest_at == chat.due_at
    result = session.execute(
        update(Chat).where(Chat.id == chat.id, Chat.active.is_(True), current).values(next_digest_at=next_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_chats(session: Session, chat_ids: Sequence[int], due_at: datetime, next_at: datetime) -> set[int]:
    """claim_chat for many chats due at the same instant with the same next one: the ids this claimer got."""
    result = session.execute(
        update(Chat)
        .where(Chat.id.in_(chat_ids), Chat.active.is_(True), Chat.next_digest_at == due_at)
        .values(next_digest_at=next_at)
        .returning(Chat.id),
        execution_options={"synchronize_session": False},
    )
    return set(result.scalars())


def add_deliveries(
    session: Session, rows: Sequence[tuple[int, str]], now: datetime, status: DeliveryStatus = DeliveryStatus.PENDING,
    error: str | None = None, lease: Lease | None = None,
) -> list[int]:
    """An outbox row for each (chat id, period) pair, in one statement: the ids of the rows made, held by `lease`.
    A pair that has a row already is left alone (see `insert_deliveries` for which)."""
    return sorted(made for made, _chat_id, _period in insert_deliveries(session, rows, now, status, error, lease))


def insert_deliveries(
    session: Session, rows: Sequence[tuple[int, str]], now: datetime, status: DeliveryStatus = DeliveryStatus.PENDING,
    error: str | None = None, lease: Lease | None = None,
) -> list[tuple[int, int, str]]:
    """add_deliveries, returning (id, chat id, period) of each row made: a pair missing had a row already."""
    if not rows:
        return []
    owner, until = (lease.owner, lease.until) if lease else (None, None)
    values = [{"chat_id": chat_id, "period": period, "status": status, "error": error, "created_at": now,
               "story_ids": "", "message_ids": "", "attempts": 0, "lease_owner": owner, "lease_until": until}
              for chat_id, period in rows]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # One cached statement, many parameter sets (batched as multi-row INSERTs by SQLAlchemy): a statement with the
    # rows inlined is compiled anew on every claim, 0.1 s of CPU for 100 chats (bench/scale.py).
    statement = (
        insert(Delivery)
        .on_conflict_do_nothing(index_elements=["chat_id", "period"])
        .returning(Delivery.id, Delivery.chat_id, Delivery.period)
    )
    return [(made, chat_id, period) for made, chat_id, period in session.execute(statement, values)]


# --- the outbox ------------------------------------------------------------------------------------


def _item(row: Delivery) -> OutboxItem:
    messages = tuple(json.loads(row.messages)) if row.messages is not None else None
    sent = tuple(int(m) for m in row.message_ids.split(",") if m)
    return OutboxItem(row.id, row.chat_id, row.period, row.status, messages, sent, row.attempts, row.created_at,
                      row.kind, row.reply_to, row.thread_id)


def load(session: Session, delivery_id: int) -> OutboxItem | None:
    row = session.get(Delivery, delivery_id)
    return _item(row) if row is not None else None


def digest_chat(session: Session, chat_id: int, sent_since: datetime | None = None) -> DigestChat | None:
    """The chat as a digest sees it; `sent_story_ids` are the stories of its digests sent since `sent_since`."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        return None
    query = select(Subscription.topic, Subscription.created_at).where(
        Subscription.chat_id == chat_id).order_by(Subscription.id)
    followed = session.execute(query).all()
    topics = tuple(topic for topic, _ in followed)
    last = chat.last_digest_at
    new = frozenset(topic for topic, since in followed if last is not None and since > last)
    sent: set[int] = set()
    told: dict[int, datetime] = {}
    if sent_since is not None:
        rows = session.execute(select(Delivery.story_ids, Delivery.kind, Delivery.sent_at).where(
            Delivery.chat_id == chat_id, Delivery.status == DeliveryStatus.SENT, Delivery.created_at >= sent_since)
        ).all()
        # A story sent before it was merged into another counts the survivor as sent too.
        sent = live_story_ids(session, {int(s) for ids, _kind, _at in rows for s in ids.split(",") if s})
        for ids, kind, sent_at in rows:  # an update said how the story grew until then
            if kind == DeliveryKind.FOLLOW and sent_at is not None:
                told.update({int(s): max(sent_at, told.get(int(s), sent_at)) for s in ids.split(",") if s})
    mutes = session.execute(select(Mute.kind, Mute.value).where(Mute.chat_id == chat_id).order_by(Mute.id)).all()
    return DigestChat(chat.id, chat.active, chat.timezone, chat.thread_id, chat.send_empty_digest,
                      chat.last_digest_at, topics, frozenset(sent),
                      tuple(value for kind, value in mutes if kind == "word"),
                      frozenset(value for kind, value in mutes if kind == "source"), chat.blindspot_weekly,
                      chat.language, tuple(sorted(told.items())), new)


def save_content(
    session: Session, delivery_id: int, messages: Sequence[str], story_ids: Sequence[int], built_at: datetime
) -> OutboxItem | None:
    """Store the parts before the first is sent. Once the last part is sent, the chat's next digest counts news
    from `built_at` (a digest that failed or was never sent leaves its stories to be offered again)."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.status != DeliveryStatus.PENDING or row.messages is not None:
        return None
    row.messages = json.dumps(list(messages), ensure_ascii=False)
    row.story_ids = ",".join(str(s) for s in story_ids)
    row.built_at = built_at
    session.flush()
    return _item(row)


def begin_part(session: Session, delivery_id: int, sent: Sequence[int], owner: str | None = None) -> bool:
    """PENDING with exactly `sent` parts done (and held by `owner`, when given) -> SENDING; False when another
    sender got there first, or the row was taken over after this process's lease expired."""
    held = or_(Delivery.lease_owner == owner, Delivery.lease_owner.is_(None)) if owner is not None else true()
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.PENDING, held,
               Delivery.message_ids == ",".join(str(m) for m in sent))
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def part_sent(session: Session, delivery_id: int, message_id: int, now: datetime) -> OutboxItem | None:
    """Record a sent part: SENT after the last one, else PENDING for the next."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.status != DeliveryStatus.SENDING:
        return None
    row.message_ids = f"{row.message_ids},{message_id}" if row.message_ids else str(message_id)
    done = len(row.message_ids.split(",")) >= len(json.loads(row.messages or "[]"))
    row.status = DeliveryStatus.SENT if done else DeliveryStatus.PENDING
    row.sent_at = now
    row.error = None
    item = _item(row)
    if done and row.kind != DeliveryKind.FOLLOW:  # a followed story's update is not the chat's digest
        session.execute(update(Chat).where(Chat.id == row.chat_id).values(last_digest_at=row.built_at or now))
    if done:
        row.messages = None  # sent: the parts are in the chat now; the row keeps their ids and story ids
    session.flush()
    return item


def release(session: Session, delivery_id: int, error: str) -> None:
    """SENDING -> PENDING: Telegram said no before sending (429, 5xx), so the part may go again."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.PENDING, error=error[:500])
    )


def count_attempt(session: Session, delivery_id: int, error: str) -> int | None:
    """A PENDING row's try that failed before anything was sent (its digest could not be built): its attempts
    after this one, or None when the row is not PENDING any more."""
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.PENDING)
        .values(attempts=Delivery.attempts + 1, error=error[:500]).returning(Delivery.attempts)
    )
    return result.scalar_one_or_none()


def finish(session: Session, delivery_id: int, status: DeliveryStatus, error: str | None = None) -> None:
    """A final state (FAILED, SKIPPED, UNKNOWN) for a row that is not final yet; its content goes (see FINAL)."""
    assert status in TERMINAL
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status.not_in(TERMINAL))
        .values(status=status, error=error[:500] if error else None, **FINAL)
    )
