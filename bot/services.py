"""The typed services object handlers and jobs reach everything through (no bot_data["x"])."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

from bot.clustering import StoryEngine
from bot.config import Settings
from bot.ingest import Ingestor
from news.sources import OutletDirectory
from storage.db import Database

P = ParamSpec("P")
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: Database
    outlets: OutletDirectory
    ingestor: Ingestor
    engine: StoryEngine
    clock: Callable[[], datetime] = field(default=utc_now)

    async def query(self, fn: Callable[..., T], *args: object) -> T:
        """Run fn(session, *args) in one transaction on a worker thread, off the event loop."""

        def run() -> T:
            with self.db.session() as session:
                return fn(session, *args)

        return await asyncio.to_thread(run)

    def run_sync(self, fn: Callable[[Session], T]) -> T:
        with self.db.session() as session:
            return fn(session)
