"""One process per SQLite database: an exclusive lock on a file beside it (`<database>.lock`).

SQLite is the embedded store for one process; several processes share a PostgreSQL database instead. The lock is
an fcntl `flock` held for the life of the process: the kernel drops it when the process ends however it ended,
so a crash never leaves a stale lock behind. The file holds the pid of the holder, for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from storage.db import DatabaseUnavailable

__all__ = ["AlreadyRunning", "SqliteLock"]


class AlreadyRunning(Exception):
    """Another process holds the database."""


class SqliteLock:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        database = parsed.database if parsed.get_backend_name() == "sqlite" else None
        file_db = bool(database) and database != ":memory:" and not str(database).startswith("file:")
        self.path = Path(f"{database}.lock") if file_db else None
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock (a no-op for PostgreSQL and in-memory databases); raises AlreadyRunning, or
        DatabaseUnavailable when the lock file can't be made."""
        if self.path is None or self._handle is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot lock the SQLite database: {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()[:20] or "unknown"
            handle.close()
            raise AlreadyRunning(f"another storybot process (pid {holder}) is running on this SQLite database "
                                 f"({self.path.with_suffix('')}); SQLite serves one process: stop that one, or "
                                 f"put several processes on PostgreSQL (DATABASE_URL=postgresql://...)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops the lock
            self._handle = None
