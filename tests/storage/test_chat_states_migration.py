"""0014_chat_lifecycle: chats that had stopped before states existed get the state their reason names."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage.db import Database
from storage.migrate import upgrade
from storage.models import Chat, ChatState

CREATED = datetime(2026, 1, 1, tzinfo=UTC)
REASONS = {
    1: (True, None, ChatState.ACTIVE),
    2: (False, "stopped with /stop", ChatState.STOPPED),
    3: (False, "Forbidden: bot was blocked by the user", ChatState.BLOCKED),
    4: (False, "blocked the bot", ChatState.BLOCKED),
    -5: (False, "bot kicked", ChatState.KICKED),
    -6: (False, "bot left", ChatState.KICKED),
    -7: (False, "Forbidden: bot was kicked from the group chat", ChatState.KICKED),
    -8: (False, "migrated to -1008", ChatState.MIGRATED),
    9: (False, "Bad Request: chat not found", ChatState.BLOCKED),
    -10: (False, "Bad Request: chat not found", ChatState.KICKED),
}


def test_existing_chats_get_their_states(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db, "0013_chat_language")
        with db.session() as s:
            for chat_id, (active, reason, _state) in REASONS.items():
                kind = "private" if chat_id > 0 else "group"
                s.execute(text(
                    "INSERT INTO chats (id, type, title, active, inactive_reason, timezone, digest_times, "
                    "send_empty_digest, created_at) VALUES (:id, :type, '', :active, :reason, 'UTC', '08:00', "
                    ":empty, :created)"), {"id": chat_id, "type": kind, "active": active, "reason": reason,
                                          "empty": True, "created": CREATED})
        upgrade(db)
        with db.session() as s:
            chats = {chat.id: chat for chat in s.query(Chat)}
        assert {i: c.state for i, c in chats.items()} == {i: state for i, (_a, _r, state) in REASONS.items()}
        assert {i for i, c in chats.items() if c.inactive_since is not None} == {i for i in REASONS if i != 1}
        assert {c.version for c in chats.values()} == {0}
    finally:
        db.dispose()
