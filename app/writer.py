"""All ingest writes on one thread, grouped into shared transactions.

SQLite allows one writer at a time; a thousand feeds written one transaction each would cost a thousand commits.
The jobs that queue up while one transaction runs share the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.db import Database

__all__ = ["GroupWriter"]

T = TypeVar("T")
Job = Callable[[Session], Any]


class GroupWriter:
    """Every write on one thread, grouped: the jobs that queue up while one transaction runs share the next one.

    A job is fn(session) -> value. When a shared transaction fails, its jobs are redone one transaction each, so
    one feed's bad row cannot undo the others' work (every job is safe to redo after a rollback).
    """

    def __init__(self, db: Database, *, max_jobs: int = 100, on_commit: Callable[[], None] = lambda: None,
                 on_rollback: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._max_jobs = max_jobs
        self._on_commit = on_commit
        self._on_rollback = on_rollback
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-db")
        self._queue: list[tuple[Job, asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def run(self, job: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.append((job, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = loop.create_task(self._drain())
        return await future

    def close(self) -> None:
        self._thread.shutdown(wait=True)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[: self._max_jobs], self._queue[self._max_jobs :]
            try:
                results = await loop.run_in_executor(self._thread, self._commit, [job for job, _ in batch])
            except BaseException as exc:  # the thread is gone (shutdown, cancelled): nobody may wait forever
                results = [(False, exc)] * len(batch)
            for (_, future), (ok, value) in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(value) if ok else future.set_exception(value)

    def _commit(self, jobs: list[Job]) -> list[tuple[bool, Any]]:
        try:
            with self._db.session() as session:
                values = [job(session) for job in jobs]
        except Exception as exc:
            self._on_rollback()
            if len(jobs) == 1:
                return [(False, exc)]
            return [self._commit([job])[0] for job in jobs]
        self._on_commit()
        return [(True, value) for value in values]
