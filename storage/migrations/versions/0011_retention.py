"""retention: stories.archived_at and stories.archive (the card a story keeps once its articles are pruned), and
the index the retention job walks (not yet archived, oldest first).

On PostgreSQL the index is built CONCURRENTLY, outside the migration's transaction, so a big live database keeps
answering while it is built; adding two nullable columns without a default only touches the catalog.

Revision ID: 0011_retention
Revises: 0008_feed_aggregator
Create Date: 2026-12-03 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011_retention"
down_revision: str | Sequence[str] | None = "0008_feed_aggregator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_stories_archived_at_last_updated"


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("archive", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON stories (archived_at, last_updated)")
    else:
        op.create_index(INDEX, "stories", ["archived_at", "last_updated"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    else:
        op.drop_index(INDEX, table_name="stories")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("archive")
        batch_op.drop_column("archived_at")
