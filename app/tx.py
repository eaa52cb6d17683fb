"""One use case, one transaction, off the event loop.

`Transactions` runs `fn(session, *args)` in one database transaction on a thread pool of its own. The runtime
makes two: one for what users wait on (commands, buttons, inline queries) and one for background work (digest
building and sending), so a 10,000-chat fan-out never makes a `/help` wait for a database thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from storage.db import Database

__all__ = ["Transactions"]

P = ParamSpec("P")
T = TypeVar("T")


class Transactions:
    def __init__(self, db: Database, *, threads: int = 4, name: str = "db") -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    def sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run in one transaction on the calling thread (the CLI, and the pool's own threads)."""
        with self.db.session() as session:
            return fn(session, *args, **kwargs)

    async def __call__(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run in one transaction on this pool's threads; commit on success, roll back on error."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: self.sync(fn, *args, **kwargs))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
