"""Migrations: one head, and safe on a big live PostgreSQL database (no index built under a write lock)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event

from storage.db import Database
from storage.migrate import alembic_config, upgrade

CREATE_TABLE = re.compile(r"^CREATE TABLE (\w+)", re.IGNORECASE)
CREATE_INDEX = re.compile(r"^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?\w+ ON (\w+)", re.IGNORECASE)


def test_one_alembic_head() -> None:
    """Branches are merged before release: `storybot migrate` upgrades to one known schema."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several Alembic heads, merge them: {heads}"


def _statements_by_migration(db: Database) -> list[list[str]]:
    """Every SQL statement the upgrade ran, grouped by migration (alembic_version is written after each one)."""
    groups: list[list[str]] = [[]]

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = " ".join(statement.split())
        if "alembic_version" in text and text.upper().startswith(("UPDATE", "INSERT")):
            groups.append([])
        else:
            groups[-1].append(text)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        upgrade(db)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return groups


def test_indexes_on_existing_tables_are_built_concurrently(db_url: str) -> None:
    """CREATE INDEX without CONCURRENTLY blocks every write to its table until it is built: minutes on a big
    articles table. Only a table the same migration creates (empty) may get a plain index."""
    if not db_url.startswith("postgresql"):
        pytest.skip("CONCURRENTLY is PostgreSQL's; SQLite has one writer anyway")
    db = Database(db_url)
    try:
        groups = _statements_by_migration(db)
    finally:
        db.dispose()
    assert len(groups) > 5
    blocking = []
    for statements in groups:
        created = {m.group(1).lower() for s in statements if (m := CREATE_TABLE.match(s))}
        for statement in statements:
            index = CREATE_INDEX.match(statement)
            if index and not index.group(1) and index.group(2).lower() not in created:
                blocking.append(statement)
    assert not blocking, f"indexes built under a write lock: {blocking}"
