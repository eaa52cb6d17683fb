"""The only package that speaks SQL: SQLAlchemy 2 typed models, Alembic migrations, one query module per aggregate.

    db.py          Database: the engine and short transactions (SQLite WAL or PostgreSQL)
    models.py      the schema; migrations/ and migrate.py apply it
    feeds.py       the feed list, what is due, each fetch's outcome
    articles.py    idempotent article inserts and their sources
    stories.py     the clusterer's assignments, and the articles a card is built from
    search.py      full-text story search (FTS5 / tsvector)
    chats.py       chats and their subscriptions
    deliveries.py  the digest outbox and the claim of due chats
    stats.py       counts for operators

It imports nothing of the project but news.types (an import-linter contract checks that).
"""
