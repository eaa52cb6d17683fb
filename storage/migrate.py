"""Apply Alembic migrations programmatically (`storybot migrate`, and at start of `storybot run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import Database

__all__ = ["MIGRATIONS", "alembic_config", "revision", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "heads") -> None:
    """Up to the head. Alembic runs each migration in a transaction of its own; a migration may step out of it
    (`autocommit_block`) for work PostgreSQL can't do in one, such as CREATE INDEX CONCURRENTLY."""
    config = alembic_config(db.url)
    with db.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def revision(db: Database, message: str) -> None:
    """Developer helper: autogenerate a migration from the models."""
    config = alembic_config(db.url)
    command.revision(config, message=message, autogenerate=True)
