"""`storybot backup FILE`: a consistent copy of the SQLite database while the bot runs (sqlite3's online backup).

The copy is taken in one step of the backup API: one read transaction, which in WAL mode never blocks the bot's
writers, and which sees one consistent state of the database (a stepped backup restarts each time another
connection writes, and may never finish under steady writes). It is written to a hidden file beside FILE, checked
(`PRAGMA quick_check`), then linked into place only if FILE still does not exist: nothing is ever overwritten, and a
failed backup leaves no half-written FILE. PostgreSQL has its own tool for this (pg_dump; see the README).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

__all__ = ["BackupError", "backup_sqlite"]

PG_DUMP_HINT = ("storybot backup copies SQLite databases only; for PostgreSQL use pg_dump: "
                "pg_dump -Fc -f FILE \"$DATABASE_URL\" (restore with pg_restore; see the README, Backups)")


class BackupError(Exception):
    """Why no backup was made, in one line."""


def _source(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(PG_DUMP_HINT)
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"DATABASE_URL names no database file to back up ({database or 'in memory'})")
    path = Path(database)
    if not path.is_file():
        raise BackupError(f"no database at {path} (run `storybot migrate` or start the bot first)")
    return path


def _check_target(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists; give a new file name (nothing was overwritten)")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")


def _copy(source: Path, partial: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: everything in one step, one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            problem = dst.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"the copy failed its integrity check: {problem}")
        finally:
            dst.close()
    finally:
        src.close()


def _place(partial: Path, target: Path) -> None:
    """Move the finished copy to `target` unless something appeared there meanwhile."""
    try:
        os.link(partial, target)  # atomic, and fails if target exists
    except FileExistsError:
        raise BackupError(f"{target} already exists; give a new file name (nothing was overwritten)") from None
    except OSError:  # a filesystem without hard links
        if target.exists():
            raise BackupError(f"{target} already exists; give a new file name (nothing was overwritten)") from None
        os.replace(partial, target)


def backup_sqlite(url: str, target: Path) -> int:
    """Copy the SQLite database of `url` to `target` (a new file); its size in bytes."""
    source = _source(url)
    _check_target(target)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise BackupError(f"cannot write in {target.parent}: {exc.strerror or exc}") from None
    os.close(handle)
    partial = Path(name)
    try:
        _copy(source, partial)
        _place(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {source} failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target.stat().st_size
