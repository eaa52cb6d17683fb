"""article_vectors: each clustered article's sentence embedding as float16 bytes (CLUSTER_EMBEDDINGS), so a restart
loads the open stories' vectors instead of encoding them again

Revision ID: 0009_article_vectors
Revises: 0008_feed_aggregator
Create Date: 2026-12-03 14:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_article_vectors"
down_revision: str | Sequence[str] | None = "0008_feed_aggregator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_vectors",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_vectors_article_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_vectors")),
    )


def downgrade() -> None:
    op.drop_table("article_vectors")
