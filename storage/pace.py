"""The Telegram send budget shared by every process on one PostgreSQL database: paces held in rows (send_pace).

A pace is one row: the next free slot, in seconds since the epoch. Reserving slots is one atomic upsert, so the
row lock orders the processes and no two ever get the same slot. "global" is the bot's overall pace; "chat:<id>"
a group's own. PostgreSQL only: a SQLite database has one process, which paces in memory (bot.pace).
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import SendPace

__all__ = ["GLOBAL", "chat_key", "next_free", "prune", "reserve"]

GLOBAL = "global"


def chat_key(chat_id: int | str) -> str:
    return f"chat:{chat_id}"[:64]


def reserve(session: Session, key: str, now: float, step: float, count: int = 1) -> float:
    """`count` consecutive slots `step` apart, none before `now`: the first one's time."""
    span = count * step
    # A pace is worth nothing after a crash: no need to wait for the disk (PostgreSQL's own, per transaction).
    session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    statement = (
        insert(SendPace).values(key=key, next_at=now + span)
        .on_conflict_do_update(index_elements=["key"], set_={"next_at": func.greatest(SendPace.next_at, now) + span})
        .returning(SendPace.next_at)
    )
    end = float(session.scalars(statement).one())
    return end - span


def next_free(session: Session, key: str) -> float:
    """When the pace's next slot is (0: any time)."""
    return float(session.scalar(select(SendPace.next_at).where(SendPace.key == key)) or 0.0)


def prune(session: Session, before: float) -> int:
    """Forget the chats' paces that ended before `before` (the global pace stays)."""
    result = session.execute(delete(SendPace).where(SendPace.key != GLOBAL, SendPace.next_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
