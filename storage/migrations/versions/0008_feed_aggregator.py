"""feeds.aggregator: a feed whose items may name their outlet by their link (set from the OPML); any other feed's
items belong to the feed's own outlet

Revision ID: 0008_feed_aggregator
Revises: 0007_sections
Create Date: 2026-12-03 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_feed_aggregator"
down_revision: str | Sequence[str] | None = "0007_sections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aggregator", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("aggregator")
