"""Outbox rows whose one part is built before the row is written: a followed story's update or last line
(app.follows). They go through the digest rows' states and sends (storage.outbox.deliveries), but their last part
never moves the chat's digest mark (`chats.last_digest_at`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryKind, DeliveryStatus
from storage.outbox.leases import Lease

__all__ = ["Message", "add_messages", "forget_thread"]


@dataclass(frozen=True, slots=True)
class Message:
    chat_id: int
    period: str  # unique per chat, as a digest's: "follow:<follow id>:<minute>" or "follow:<follow id>:end"
    text: str
    story_ids: tuple[int, ...]  # what the chat's next digest counts as sent
    reply_to: int | None
    thread_id: int | None = None  # the forum topic of the message it answers


def add_messages(session: Session, messages: Sequence[Message], now: datetime, kind: DeliveryKind,
                 lease: Lease | None = None) -> list[int]:
    """PENDING rows with their content, held by `lease`: the ids of the rows made; a (chat, period) that has a row
    already is left alone."""
    if not messages:
        return []
    owner, until = (lease.owner, lease.until) if lease else (None, None)
    values = [{"chat_id": m.chat_id, "period": m.period, "status": DeliveryStatus.PENDING, "created_at": now,
               "built_at": now, "story_ids": ",".join(map(str, m.story_ids)), "message_ids": "", "attempts": 0,
               "messages": json.dumps([m.text], ensure_ascii=False), "kind": kind, "reply_to": m.reply_to,
               "thread_id": m.thread_id,               "lease_owner": owner, "lease_until": until} for m in messages]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Delivery).on_conflict_do_nothing(index_elements=["chat_id", "period"]).returning(Delivery.id)
    return sorted(session.scalars(statement, values))


def forget_thread(session: Session, delivery_id: int) -> None:
    """The row's forum topic is gone: it goes to the chat's main thread."""
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(thread_id=None))
