"""Engine and sessions from a URL; SQLite gets WAL, foreign keys and a busy timeout.

`url_problem(url)` says in one line why a DATABASE_URL can't be used before anything opens it (Settings checks
it, so every subcommand refuses the same way); `Database.ping()` turns a refused first connection into
`DatabaseUnavailable`, the one error the CLI reports for what only connecting can tell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "DatabaseUnavailable", "make_engine", "normalize_url", "url_problem"]

EXAMPLES = "sqlite:///data/storybot.db or postgresql://user:password@host/storybot"
BACKENDS = ("sqlite", "postgresql")  # what the migrations and the queries are written for
DRIVERS = {"pysqlite": "the sqlite3 module of a Python built with SQLite",  # the synchronous drivers storybot uses
           "psycopg": "pip install 'storybot[postgres]' (psycopg 3)", "psycopg2": "pip install psycopg2-binary"}


class DatabaseUnavailable(Exception):
    """The database refused the first connection (unreachable, wrong password, a file SQLite can't open)."""


def url_problem(url: str) -> str | None:
    """Why `url` can't be storybot's database, in one line; None when it looks usable (connecting may still fail)."""
    try:
        parsed = make_url(normalize_url(url))
    except (ArgumentError, ValueError):
        shown = re.sub(r"(//[^/@]*?:)[^/@]*@", r"\1***@", url)[:80]  # never a password on the terminal or in a log
        return f"{shown!r} is not a database URL (e.g. {EXAMPLES})"
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        return f"{backend!r} is not a database storybot supports: use SQLite or PostgreSQL (e.g. {EXAMPLES})"
    try:
        driver = parsed.get_driver_name()
    except NoSuchModuleError:
        driver = parsed.drivername
    if driver not in DRIVERS:
        return f"storybot can't use the driver {driver!r} (e.g. {EXAMPLES})"
    try:
        parsed.get_dialect().import_dbapi()
    except ImportError:
        return f"the driver {driver!r} for {backend} is not installed: {DRIVERS[driver]}"
    return _sqlite_path_problem(parsed) if backend == "sqlite" else None


def _sqlite_path_problem(parsed: URL) -> str | None:
    """The file must be creatable or writable, in a folder that exists or can be made."""
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    if path.is_dir():
        return f"{database!r} is a directory, not a database file"
    if path.exists():
        return None if os.access(path, os.R_OK | os.W_OK) else f"{database!r} is not writable by this user"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{database!r} can't be created: {str(folder)!r} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{database!r} can't be created: the folder {str(folder)!r} is not writable by this user"
    return None


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # psycopg prepares a statement run five times, and PostgreSQL may then switch to a generic plan that can't see
    # the parameters: for the full-text search that is a sequential scan (1 s instead of 5 ms per word, measured
    # with bench/search_quality.py). Plan each execution with its real parameters.
    options = {"options": "-c plan_cache_mode=force_custom_plan"}
    return create_engine(url, pool_pre_ping=True, connect_args=options, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """Owns the engine; hands out short transactions."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error."""
        with self._sessions.begin() as session:
            yield session

    def ping(self) -> None:
        """Open one connection now; raises DatabaseUnavailable with the driver's reason, in one line."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())[:300]
            where = self.engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"cannot open the database {where}: {reason}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
