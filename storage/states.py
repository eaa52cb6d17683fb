"""What learning models have learned, kept across restarts: one row of bytes per model."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import ModelState

__all__ = ["load_state", "save_state"]


def load_state(session: Session, name: str) -> bytes | None:
    row = session.get(ModelState, name)
    return row.data if row is not None else None


def save_state(session: Session, name: str, data: bytes, now: datetime) -> None:
    row = session.get(ModelState, name)
    if row is None:
        session.add(ModelState(name=name, data=data, updated_at=now))
    else:
        row.data, row.updated_at = data, now
