"""Leadership through a PostgreSQL session-level advisory lock (SQLite: one process, always the leader).

`SessionLock.hold()` takes `pg_try_advisory_lock(key)` on a connection of its own, kept open (outside the pool)
for as long as this process leads. PostgreSQL releases the lock when that connection ends, however the process
ended (exit, crash, SIGKILL), so the next process to ask becomes the leader. A held connection is checked on
every call; a lost one (the database restarted) means leadership was lost, and is asked for again.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

__all__ = ["CLUSTER_LOCK", "SessionLock"]

log = logging.getLogger(__name__)
CLUSTER_LOCK = 0x5370_7279_0001  # storybot's clustering leader (one bigint key per role)


class SessionLock:
    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self.alone = engine.dialect.name != "postgresql"
        self._conn: Connection | None = None
        self._guard = threading.Lock()

    def hold(self) -> tuple[bool, bool]:
        """(held, newly): whether this process holds the lock now, and whether it got it in this call."""
        if self.alone:
            return True, False
        with self._guard:
            if self._conn is not None:
                try:
                    self._conn.exec_driver_sql("SELECT 1")
                    self._conn.commit()
                    return True, False
                except DBAPIError:
                    log.warning("lost the connection holding advisory lock %#x; asking again", self.key)
                    self._close()
            return self._try(), True

    def _try(self) -> bool:
        conn = self.engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        conn.detach()  # never back to the pool holding the lock: closing it really ends the session
        self._conn = conn
        return True

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        with self._guard:
            self._close()
