"""chats.language: the language the bot speaks in a chat (a shipped language code such as "en" or "es"); NULL until
known: the first user's Telegram language, or a /language choice, fills it

Revision ID: 0013_chat_language
Revises: 0012_features
Create Date: 2026-12-03 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_chat_language"
down_revision: str | Sequence[str] | None = "0012_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("language")
