"""story search index: SQLite FTS5 over article titles and summaries; PostgreSQL GIN over a tsvector

Revision ID: 0004_bot
Revises: 0001
Create Date: 2026-11-25 23:50:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0004_bot"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay identical to storage.search.PG_DOCUMENT, or PostgreSQL won't use the index.
PG_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || summary)"

SQLITE_UP = (
    # External-content FTS5: the text lives in `articles`; triggers keep the index in step with every writer.
    "CREATE VIRTUAL TABLE article_search USING fts5("
    "title, summary, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_search_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO article_search(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER article_search_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO article_search(article_search, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); END",
    "CREATE TRIGGER article_search_au AFTER UPDATE OF title, summary ON articles BEGIN "
    "INSERT INTO article_search(article_search, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO article_search(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS article_search_au",
    "DROP TRIGGER IF EXISTS article_search_ad",
    "DROP TRIGGER IF EXISTS article_search_ai",
    "DROP TABLE IF EXISTS article_search",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        # CONCURRENTLY (outside the transaction): a database upgraded from 0003 with many articles keeps taking
        # writes while the index is built. Same index as before, so databases past this revision are unchanged.
        with op.get_context().autocommit_block():
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_articles_search ON articles USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
