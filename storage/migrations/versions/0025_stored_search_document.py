"""search document stored (PostgreSQL): each article's `to_tsvector` is kept in `articles.document`, filled by a
trigger on insert and on a change of title or summary, and the search index is over (document, fetched_at).

Why: when the planner reads a window's articles by fetched_at and filters them by the text (it does when it
expects few matches), `to_tsvector` was computed for every row of the window: 2.4 s for one word at 1M articles
(24,840 in the window; bench/scale.py --explain). With the document stored the same plan costs a read of it.

Safe on a big live database: the column is added without a default (no rewrite), filled in batches of ids (each
its own short transaction, inside the autocommit block), and the new index is built CONCURRENTLY before the old
one is dropped. SQLite keeps its FTS5 table (migration 0006): nothing changes there.

Revision ID: 0025_stored_search_document
Revises: 0024_inactive_chats_index
Create Date: 2026-12-07 06:15:00
"""
import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_stored_search_document"
down_revision: str | Sequence[str] | None = "0024_inactive_chats_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# Must stay identical to storage.search's documents (and to migration 0006's expression).
EXPRESSION = "to_tsvector('english'::regconfig, {row}title || ' ' || {row}summary)"
NEW_INDEX = "ix_articles_document_recent"
PLAIN_INDEX = "ix_articles_document"  # without btree_gin: the document alone
OLD_INDEXES = ("ix_articles_search_recent", "ix_articles_search_english")
BATCH = 5000


def _create_concurrently(name: str, definition: str) -> None:
    invalid = op.get_bind().execute(sa.text(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :name AND NOT i.indisvalid"
    ), {"name": name}).first()
    if invalid:
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def _has_btree_gin() -> bool:
    return op.get_bind().execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'")).first() is not None


def _backfill() -> None:
    bind = op.get_bind()
    top = int(bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM articles")).scalar_one())
    statement = sa.text(f"UPDATE articles SET document = {EXPRESSION.format(row='')} "
                        "WHERE id > :lo AND id <= :hi AND document IS NULL")
    for lo in range(0, top, BATCH):
        bind.execute(statement, {"lo": lo, "hi": lo + BATCH})


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS document tsvector")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION articles_document() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.document := {EXPRESSION.format(row='NEW.')};
            RETURN NEW;
        END $$""")
    op.execute("DROP TRIGGER IF EXISTS articles_document ON articles")
    op.execute("CREATE TRIGGER articles_document BEFORE INSERT OR UPDATE OF title, summary ON articles "
               "FOR EACH ROW EXECUTE FUNCTION articles_document()")
    with op.get_context().autocommit_block():
        _backfill()
        if _has_btree_gin():
            _create_concurrently(NEW_INDEX, "articles USING gin (document, fetched_at)")
        else:
            log.warning("btree_gin is not available: the search index is over the document alone")
            _create_concurrently(PLAIN_INDEX, "articles USING gin (document)")
        for old in OLD_INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {old}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        if _has_btree_gin():
            _create_concurrently(OLD_INDEXES[0], f"articles USING gin (({EXPRESSION.format(row='')}), fetched_at)")
        else:
            _create_concurrently(OLD_INDEXES[1], f"articles USING gin (({EXPRESSION.format(row='')}))")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEW_INDEX}")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {PLAIN_INDEX}")
    op.execute("DROP TRIGGER IF EXISTS articles_document ON articles")
    op.execute("DROP FUNCTION IF EXISTS articles_document()")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS document")
