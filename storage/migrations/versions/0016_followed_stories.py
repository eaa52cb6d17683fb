"""followed stories: a chat follows one story (followed_stories, deleted with its chat or story), and the outbox
carries a third kind of message beside replies and digests: a followed story's update, a reply to its card
(deliveries.kind, deliveries.reply_to, deliveries.thread_id)

Revision ID: 0016_followed_stories
Revises: 0015_outbox_lifecycle
Create Date: 2026-12-07 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0016_followed_stories"
down_revision: str | Sequence[str] | None = "0015_outbox_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New columns with a constant default: no table rewrite on PostgreSQL 11+.
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.Enum("digest", "follow", name="deliverykind", native_enum=False,
                                                      length=8), server_default="digest", nullable=False))
        batch_op.add_column(sa.Column("reply_to", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "followed_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("told_at", UTCDateTime(), nullable=False),
        sa.Column("told_articles", sa.Integer(), nullable=False),
        sa.Column("told_sources", sa.Integer(), nullable=False),
        sa.Column("told_sides", sa.String(length=32), nullable=False),
        sa.Column("told_headline", sa.Text(), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name=op.f("fk_followed_stories_chat_id_chats"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], name=op.f("fk_followed_stories_story_id_stories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_stories")),
        sa.UniqueConstraint("chat_id", "story_id", name=op.f("uq_followed_stories_chat_id_story_id")),
    )
    with op.batch_alter_table("followed_stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followed_stories_story_id"), ["story_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_followed_stories_ends_at"), ["ends_at"], unique=False)


def downgrade() -> None:
    op.drop_table("followed_stories")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("thread_id")
        batch_op.drop_column("reply_to")
        batch_op.drop_column("kind")
