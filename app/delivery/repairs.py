"""What a digest row's failure changes besides the row: each one step of app.delivery, in one transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from storage import chats as chat_store
from storage.models import ChatState, DeliveryStatus
from storage.outbox import deliveries as outbox
from storage.outbox import messages

__all__ = ["build_failed", "chat_gone", "follow_move", "to_main_thread"]

log = logging.getLogger(__name__)


def to_main_thread(session: Session, item: outbox.OutboxItem, reason: str) -> None:
    """The forum topic is gone: forget it (the row's own, a followed story's card's; else the chat's), and send the
    row again to the main thread."""
    outbox.release(session, item.id, reason)
    if item.thread_id is not None:
        messages.forget_thread(session, item.id)
    else:
        chat_store.set_thread(session, item.chat_id, None)


def chat_gone(session: Session, item: outbox.OutboxItem, reason: str, now: datetime) -> None:
    """The bot was blocked (a private chat) or removed: the chat stops, this row fails."""
    chat_store.gone(session, item.chat_id, reason, now)
    outbox.finish(session, item.id, DeliveryStatus.FAILED, reason)


def follow_move(session: Session, item: outbox.OutboxItem, new_chat_id: int, now: datetime) -> bool:
    """The group became a supergroup: move the chat (and this row) to the new id, then send there."""
    outbox.release(session, item.id, f"chat moved to {new_chat_id}")
    chat_store.migrate(session, item.chat_id, new_chat_id)
    moved = outbox.load(session, item.id)
    if moved is not None and moved.chat_id == new_chat_id:
        log.info("chat %d moved to %d: its digest follows", item.chat_id, new_chat_id)
        return True
    # The new id had a chat of its own already: it keeps its own schedule; the old one stops.
    chat_store.deactivate(session, item.chat_id, ChatState.MIGRATED, f"migrated to {new_chat_id}", now)
    outbox.finish(session, item.id, DeliveryStatus.FAILED, f"chat moved to {new_chat_id}, which has its own")
    return False


def build_failed(session: Session, item: outbox.OutboxItem, error: str, budget: int) -> int | None:
    """The row's digest could not be built: one more attempt counted, and FAILED once `budget` are spent. The
    attempts so far, or None when the row is not pending any more."""
    tries = outbox.count_attempt(session, item.id, f"could not build the digest: {error}")
    if tries is not None and tries >= budget:
        outbox.finish(session, item.id, DeliveryStatus.FAILED, f"could not build the digest ({tries} tries): {error}")
    return tries
