"""search by word stems: SQLite FTS5 with the Porter tokenizer, PostgreSQL GIN over an 'english' tsvector

"raises" now finds "raise", "deport" finds "deportation" (measured on the AllSides dev pool with
bench/search_quality.py). On PostgreSQL the new index is built CONCURRENTLY, so a big live database keeps
answering while it is built; the old one is dropped afterwards.

Revision ID: 0006_search_stems
Revises: 0005_built_at
Create Date: 2026-12-03 12:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0006_search_stems"
down_revision: str | Sequence[str] | None = "0005_built_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay identical to storage.search.PG_DOCUMENT, or PostgreSQL won't use the index.
PG_DOCUMENT = "to_tsvector('english'::regconfig, title || ' ' || summary)"
OLD_PG_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || summary)"


def _sqlite_table(tokenizer: str) -> tuple[str, ...]:
    return (
        "DROP TRIGGER IF EXISTS article_search_au",
        "DROP TRIGGER IF EXISTS article_search_ad",
        "DROP TRIGGER IF EXISTS article_search_ai",
        "DROP TABLE IF EXISTS article_search",
        "CREATE VIRTUAL TABLE article_search USING fts5("
        f"title, summary, content='articles', content_rowid='id', tokenize='{tokenizer}')",
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


def _postgres(create: str, drop: str, name: str, old_name: str) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON articles USING gin ({create})")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {old_name}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _sqlite_table("porter unicode61 remove_diacritics 2"):
            op.execute(statement)
    elif dialect == "postgresql":
        _postgres(PG_DOCUMENT, OLD_PG_DOCUMENT, "ix_articles_search_english", "ix_articles_search")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _sqlite_table("unicode61 remove_diacritics 2"):
            op.execute(statement)
    elif dialect == "postgresql":
        _postgres(OLD_PG_DOCUMENT, PG_DOCUMENT, "ix_articles_search", "ix_articles_search_english")
