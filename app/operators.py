"""What operators ask for: counts, each feed's health, resuming paused feeds, the feed list as OPML."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from app.tx import Transactions
from news.opml import FeedSpec, export_opml
from storage import feeds as feed_store
from storage import stats as stats_store
from storage.feeds import FeedHealth

__all__ = ["FeedHealth", "Operators"]


class Operators:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime]) -> None:
        self.tx, self.clock = tx, clock

    async def stats(self) -> dict[str, Any]:
        return await self.tx(stats_store.counts)

    async def feed_states(self) -> dict[str, int]:
        return await self.tx(stats_store.feed_states)

    async def ping(self) -> None:
        """Raises when the database can't be read (for /readyz)."""
        await self.tx(stats_store.ping)

    async def health(self) -> Sequence[FeedHealth]:
        return await self.tx(feed_store.feed_health, self.clock())

    async def add_feeds(self, specs: Sequence[FeedSpec]) -> int:
        """Follow the feeds not followed yet; how many were new."""
        return await self.tx(feed_store.upsert_feeds, [(f.url, f.title, f.category, f.aggregator) for f in specs])

    async def export(self) -> str:
        rows = await self.tx(feed_store.all_feeds)
        return export_opml(FeedSpec(*row) for row in rows)

    async def resume(self, ids: Sequence[int] | None) -> int:
        """Poll paused feeds again (all of them when `ids` is None); how many were paused."""
        return await self.tx(feed_store.resume, ids)
