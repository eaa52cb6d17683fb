"""chats.state (active / stopped / blocked / kicked / migrated, beside `active`, which keeps meaning "gets
digests"), chats.inactive_since (when it stopped getting digests: chats inactive long enough are deleted by the
retention job) and chats.version (bumped by every write of what a chat reads back: the chat cache's key).

Existing inactive chats get their state from the reason they stopped, and `inactive_since` the time of the upgrade.
On PostgreSQL, columns with a constant default only touch the catalog; the backfill touches inactive rows only.

Revision ID: 0014_chat_lifecycle
Revises: 0013_chat_language
Create Date: 2026-12-07 02:30:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0014_chat_lifecycle"
down_revision: str | Sequence[str] | None = "0013_chat_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

chats = sa.table("chats", sa.column("type", sa.String), sa.column("active", sa.Boolean), sa.column("state", sa.String),
                 sa.column("inactive_reason", sa.String),
                 sa.column("inactive_since", storage.models.UTCDateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="active"))
        batch_op.add_column(sa.Column("inactive_since", storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    reason = sa.func.lower(sa.func.coalesce(chats.c.inactive_reason, ""))
    state = sa.case(
        (reason.like("migrated%"), "migrated"),
        (reason.like("%blocked%"), "blocked"),
        (reason.like("bot %"), "kicked"),
        (reason.like("%kicked%"), "kicked"),
        (reason.like("%not found%") & (chats.c.type == "private"), "blocked"),
        (reason.like("%not found%"), "kicked"),
        else_="stopped",
    )
    op.execute(chats.update().where(chats.c.active.is_(False))
               .values(state=state, inactive_since=datetime.now(UTC)))


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("inactive_since")
        batch_op.drop_column("state")
