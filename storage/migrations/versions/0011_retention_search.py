"""retention: stories.archived_at and stories.archive (the card a story keeps once its articles are pruned), and
the index the retention job walks (not yet archived, oldest first); search by recency: an index on
articles.fetched_at (SQLite finds the window's first article with it), and on PostgreSQL one GIN index over
(document, fetched_at) replaces the one over the document alone.

Safe on a big live PostgreSQL database: adding two nullable columns without a default only touches the catalog;
each index is built CONCURRENTLY outside the migration's transaction (writes go on meanwhile), an invalid one
left by an interrupted build is dropped and built again, and the old search index is dropped only once the new
one is valid. The (document, fetched_at) index needs the btree_gin extension (in contrib, and trusted: a database
owner may create it); where it can't be created, search keeps the old index and works as before, only slower on
a big archive (bench/scale.py).

Revision ID: 0011_retention
Revises: 0010_leases
Create Date: 2026-12-03 14:00:00
"""
import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011_retention"
down_revision: str | Sequence[str] | None = "0010_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
RETENTION_INDEX = "ix_stories_archived_at_last_updated"
FETCHED_INDEX = "ix_articles_fetched_at"  # search's window: the first article fetched since (storage.search)
SEARCH_INDEX = "ix_articles_search_recent"
OLD_SEARCH_INDEX = "ix_articles_search_english"
# Must stay identical to storage.search.PG_DOCUMENT, or PostgreSQL won't use the index.
PG_DOCUMENT = "to_tsvector('english'::regconfig, title || ' ' || summary)"


def _create_concurrently(name: str, definition: str) -> None:
    """CREATE INDEX CONCURRENTLY, run inside an autocommit block; an invalid leftover of the same name goes first."""
    invalid = op.get_bind().execute(sa.text(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :name AND NOT i.indisvalid"
    ), {"name": name}).first()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def _btree_gin() -> bool:
    bind = op.get_bind()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gin"))
    except sa.exc.DBAPIError as exc:
        log.warning("btree_gin is not available (%s): search keeps its old index", str(exc.orig).strip()[:200])
        return False
    return True


def _postgres_up() -> None:
    with op.get_context().autocommit_block():
        _create_concurrently(RETENTION_INDEX, "stories (archived_at, last_updated)")
        _create_concurrently(FETCHED_INDEX, "articles (fetched_at)")
        if _btree_gin():
            _create_concurrently(SEARCH_INDEX, f"articles USING gin (({PG_DOCUMENT}), fetched_at)")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_SEARCH_INDEX}")


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("archive", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        _postgres_up()
    else:
        op.create_index(RETENTION_INDEX, "stories", ["archived_at", "last_updated"])
        op.create_index(FETCHED_INDEX, "articles", ["fetched_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            _create_concurrently(OLD_SEARCH_INDEX, f"articles USING gin ({PG_DOCUMENT})")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {SEARCH_INDEX}")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {RETENTION_INDEX}")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {FETCHED_INDEX}")
    else:
        op.drop_index(RETENTION_INDEX, table_name="stories")
        op.drop_index(FETCHED_INDEX, table_name="articles")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("archive")
        batch_op.drop_column("archived_at")
