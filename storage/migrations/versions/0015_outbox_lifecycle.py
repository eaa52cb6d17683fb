"""outbox lifecycle: the content of final digest rows is dropped (their `messages`, about 5 KB a digest), the
scheduling scan gets a partial index on active chats, and a chat's recent digests are read through an index on
deliveries (chat_id, created_at), which replaces the one on chat_id alone.

Safe on a big live PostgreSQL database: each index is built CONCURRENTLY outside the migration's transaction (an
invalid leftover of an interrupted build is dropped first), and an index is dropped only once its replacement is
valid. Dropping the content of the final rows already there is a batched UPDATE, one short transaction each.

Revision ID: 0015_outbox_lifecycle
Revises: 0014_chat_lifecycle
Create Date: 2026-12-07 02:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_outbox_lifecycle"
down_revision: str | Sequence[str] | None = "0014_chat_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE_INDEX = "ix_chats_next_digest_at_active"
OLD_SCHEDULE_INDEX = "ix_chats_next_digest_at"
RECENT_INDEX = "ix_deliveries_chat_id_created_at"
OLD_CHAT_INDEX = "ix_deliveries_chat_id"
FINAL = "('sent', 'failed', 'skipped', 'unknown')"
BATCH = 5000


def _create_concurrently(name: str, definition: str) -> None:
    invalid = op.get_bind().execute(sa.text(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :name AND NOT i.indisvalid"
    ), {"name": name}).first()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def _drop_final_content() -> None:
    """Final rows' parts, in batches (on PostgreSQL each its own transaction, inside the autocommit block)."""
    bind = op.get_bind()
    statement = sa.text(
        f"UPDATE deliveries SET messages = NULL WHERE id IN (SELECT id FROM deliveries "
        f"WHERE messages IS NOT NULL AND status IN {FINAL} LIMIT {BATCH})")
    while bind.execute(statement).rowcount:
        pass


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            _create_concurrently(ACTIVE_INDEX, "chats (next_digest_at) WHERE active")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_SCHEDULE_INDEX}")
            _create_concurrently(RECENT_INDEX, "deliveries (chat_id, created_at)")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_CHAT_INDEX}")
            _drop_final_content()
    else:
        op.create_index(ACTIVE_INDEX, "chats", ["next_digest_at"], sqlite_where=sa.text("active = 1"))
        op.drop_index(OLD_SCHEDULE_INDEX, table_name="chats")
        op.create_index(RECENT_INDEX, "deliveries", ["chat_id", "created_at"])
        op.drop_index(OLD_CHAT_INDEX, table_name="deliveries")
        _drop_final_content()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            _create_concurrently(OLD_SCHEDULE_INDEX, "chats (next_digest_at)")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {ACTIVE_INDEX}")
            _create_concurrently(OLD_CHAT_INDEX, "deliveries (chat_id)")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {RECENT_INDEX}")
    else:
        op.create_index(OLD_SCHEDULE_INDEX, "chats", ["next_digest_at"])
        op.drop_index(ACTIVE_INDEX, table_name="chats")
        op.create_index(OLD_CHAT_INDEX, "deliveries", ["chat_id"])
        op.drop_index(RECENT_INDEX, table_name="deliveries")
