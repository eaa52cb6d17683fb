"""stories.sections: the sections a story is listed under (the section classifier's, news.sections);
model_states: what a learning model has learned, so a restart keeps it

Revision ID: 0007_sections
Revises: 0006_search_stems
Create Date: 2026-12-03 12:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0007_sections"
down_revision: str | Sequence[str] | None = "0006_search_stems"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sections", sa.String(length=128), server_default="", nullable=False))
    op.create_table(
        "model_states",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_model_states")),
    )


def downgrade() -> None:
    op.drop_table("model_states")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("sections")
