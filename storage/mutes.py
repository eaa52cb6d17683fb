"""A chat's mutes: words or phrases whose stories it doesn't want, and outlets whose links it doesn't want."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.chats import bump
from storage.models import Mute

__all__ = ["SOURCE", "WORD", "TooManyMutes", "add", "mutes", "remove", "remove_id"]

WORD, SOURCE = "word", "source"


class TooManyMutes(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} mutes per chat")
        self.limit = limit


def add(session: Session, chat_id: int, kind: str, value: str, max_mutes: int) -> bool:
    """True when added, False when the chat had it already; TooManyMutes at the cap."""
    exists = session.scalar(select(Mute.id).where(Mute.chat_id == chat_id, Mute.kind == kind, Mute.value == value))
    if exists is not None:
        return False
    count = session.scalar(select(func.count()).where(Mute.chat_id == chat_id)) or 0
    if count >= max_mutes:
        raise TooManyMutes(max_mutes)
    session.add(Mute(chat_id=chat_id, kind=kind, value=value))
    session.flush()
    bump(session, chat_id)
    return True


def remove(session: Session, chat_id: int, kind: str, value: str) -> bool:
    result = session.execute(delete(Mute).where(Mute.chat_id == chat_id, Mute.kind == kind, Mute.value == value))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    bump(session, chat_id)
    return True


def remove_id(session: Session, chat_id: int, mute_id: int) -> tuple[str, str] | None:
    """Remove one of this chat's mutes by id: its (kind, value), or None when it was gone already."""
    mute = session.scalar(select(Mute).where(Mute.id == mute_id, Mute.chat_id == chat_id))
    if mute is None:
        return None
    session.delete(mute)
    bump(session, chat_id)
    return mute.kind, mute.value


def mutes(session: Session, chat_id: int) -> list[tuple[int, str, str]]:
    """(id, kind, value), oldest first."""
    query = select(Mute.id, Mute.kind, Mute.value).where(Mute.chat_id == chat_id).order_by(Mute.id)
    return [(mute_id, kind, value) for mute_id, kind, value in session.execute(query)]
