"""inactive chats: the retention job's scan for chats inactive longer than INACTIVE_CHAT_DAYS reads a partial index
on (inactive_since) of inactive chats, instead of every chat (a sequential scan of 100,000 chats took 31 ms on
PostgreSQL, growing with the chats; bench/scale.py --explain).

Built CONCURRENTLY on PostgreSQL, outside the migration's transaction, as 0015's indexes are.

Revision ID: 0024_inactive_chats_index
Revises: 0017_article_byline
Create Date: 2026-12-07 05:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_inactive_chats_index"
down_revision: str | Sequence[str] | None = "0017_article_byline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_chats_inactive_since"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            invalid = op.get_bind().execute(sa.text(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = :name AND NOT i.indisvalid"), {"name": INDEX}).first()
            if invalid:
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON chats (inactive_since) "
                       "WHERE active IS false")
    else:
        op.create_index(INDEX, "chats", ["inactive_since"], sqlite_where=sa.text("active IS 0"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    else:
        op.drop_index(INDEX, table_name="chats")
