"""mutes (a chat's muted words and outlets), chats.blindspot_weekly (a weekly Blindspot section in its digest),
sources.owner (who owns the outlet, where known), articles.image_url (the entry's picture from its feed)

Revision ID: 0012_features
Revises: 0011_retention
Create Date: 2026-12-03 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0012_features"
down_revision: str | Sequence[str] | None = "0011_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name=op.f("fk_mutes_chat_id_chats"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutes")),
        sa.UniqueConstraint("chat_id", "kind", "value", name=op.f("uq_mutes_chat_id_kind_value")),
    )
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mutes_chat_id"), ["chat_id"], unique=False)
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blindspot_weekly", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=255), server_default="", nullable=False))
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_url", sa.String(length=2048), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("image_url")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("owner")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("blindspot_weekly")
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mutes_chat_id"))
    op.drop_table("mutes")
