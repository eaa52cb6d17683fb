"""several processes on one database: deliveries.lease_owner/lease_until (a digest row is held by one live
process), send_pace (the shared Telegram send budget on PostgreSQL)

Revision ID: 0010_leases
Revises: 0009_article_vectors
Create Date: 2026-12-03 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010_leases"
down_revision: str | Sequence[str] | None = "0009_article_vectors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns without a default: on PostgreSQL a metadata-only change, no table rewrite.
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", storage.models.UTCDateTime(), nullable=True))
    op.create_table(
        "send_pace",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("next_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("send_pace")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
