"""one head again; deliveries.built_at: when the digest's content was chosen (the chat's "since" mark moves to it
only once the digest is sent)

Revision ID: 0005_built_at
Revises: 0003_digests, 0004_bot
Create Date: 2026-12-03 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005_built_at"
down_revision: str | Sequence[str] | None = ("0003_digests", "0004_bot")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("built_at", storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("built_at")
