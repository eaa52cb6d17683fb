"""articles.byline: who the feed says wrote the entry (<author>, <dc:creator>, an Atom author), so a wire's copy
printed by another outlet is known by its byline too (news.originals).

Cheap on a big database: SQLite adds the column in place (no table copy: batch mode only copies for what ALTER
TABLE can't do), PostgreSQL 11+ stores the constant default without rewriting the table.

Revision ID: 0017_article_byline
Revises: 0016_followed_stories
Create Date: 2026-12-07 05:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_article_byline"
down_revision: str | Sequence[str] | None = "0016_followed_stories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("byline", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("byline")
