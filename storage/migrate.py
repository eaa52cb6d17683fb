"""Apply Alembic migrations programmatically (`storybot migrate`, and at start of `storybot run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from storage.db import Database

__all__ = ["MIGRATIONS", "alembic_config", "revision", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x5370_7279_0000  # processes starting together on one PostgreSQL database migrate one at a time


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "heads") -> None:
    """Up to the head. Alembic runs each migration in a transaction of its own; a migration may step out of it
    (`autocommit_block`) for work PostgreSQL can't do in one, such as CREATE INDEX CONCURRENTLY. On PostgreSQL a
    session-level advisory lock makes processes started together migrate one after the other (the later ones find
    nothing left to do)."""
    db.ping()  # a database that can't be opened says so in one line (DatabaseUnavailable), not in Alembic's words
    config = alembic_config(db.url)
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as connection:
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        finally:
            if postgres:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()


def revision(db: Database, message: str) -> None:
    """Developer helper: autogenerate a migration from the models."""
    config = alembic_config(db.url)
    command.revision(config, message=message, autogenerate=True)
