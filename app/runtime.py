"""The application's own composition root: Settings -> database, feed client, workers and use cases.

`Core.build(settings)` wires everything that has nothing to do with Telegram; the CLI's offline commands use it
as it is, and bot.runtime.Runtime wraps it with the Telegram side. `prepare()` migrates the database and adds the
configured feeds; `close()` releases the clients and threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from app.cards import CardCache
from app.chats import Chats, ScheduleDefaults
from app.clustering import (
    ClusterSummary,
    RefineSummary,
    StoryEngine,
    cluster_encoder,
    cluster_params,
    vector_model,
)
from app.compare import Compare
from app.digests import Digests
from app.feeds import Ingestor, IngestPolicy
from app.follows import Follows
from app.headlines import Headlines
from app.mutes import Mutes
from app.operators import Operators
from app.outlets import Outlets
from app.parsing import ParserPool
from app.retention import Retention
from app.search import Searcher
from app.sections import SectionTagger
from app.settings import Settings
from app.stories import Stories
from app.tx import Transactions
from news.fetch import Fetcher
from news.opml import OpmlError, load_default_feeds, parse_opml
from news.sources import OutletDirectory, OutletFileError, load_outlets
from news.urlguard import AddressGuard
from storage import feeds as feed_store
from storage.db import Database
from storage.migrate import upgrade

__all__ = ["PARSE_WORKERS", "Core", "StartupError", "utc_now"]

PARSE_WORKERS = 2  # processes parsing feeds (app.parsing); the machine this was tuned on has 2 cores


def utc_now() -> datetime:
    return datetime.now(UTC)


class StartupError(Exception):
    """A problem the operator must fix before storybot can start, said in one line."""


def _ingestor(settings: Settings, db: Database, outlets: OutletDirectory, clock: Callable[[], datetime],
              client: httpx.AsyncClient | None, guard: AddressGuard | None) -> Ingestor:
    client = client or Fetcher.make_client(
        connect_timeout=settings.fetch_connect_timeout_seconds, total_timeout=settings.fetch_timeout_seconds
    )
    fetcher = Fetcher(client, max_bytes=settings.fetch_max_bytes, concurrency=settings.fetch_concurrency,
                      per_host=settings.fetch_per_host, timeout=settings.fetch_timeout_seconds,
                      guard=guard or AddressGuard())
    policy = IngestPolicy(
        interval_minutes=settings.fetch_interval_minutes, min_minutes=settings.fetch_min_interval_minutes,
        max_minutes=settings.fetch_max_interval_minutes, pause_after_hours=settings.fetch_pause_after_hours,
        max_entries=settings.fetch_max_entries,
    )
    parser = ParserPool(PARSE_WORKERS, timeout=settings.fetch_timeout_seconds)
    # In flight: the fetches, plus a body per parse worker waiting its turn. Each holds up to FETCH_MAX_BYTES,
    # so this, not the number of due feeds, bounds the memory bodies take.
    return Ingestor(db, fetcher, outlets, policy, clock, parser=parser,
                    in_flight=settings.fetch_concurrency + 2 * PARSE_WORKERS)


@dataclass
class Core:
    settings: Settings
    db: Database
    outlets: OutletDirectory
    ingestor: Ingestor
    engine: StoryEngine
    sections: SectionTagger
    chats: Chats
    stories: Stories
    digests: Digests
    operators: Operators
    retention: Retention
    interactive: Transactions  # what users wait on: commands, buttons, inline queries
    background: Transactions  # digest building and sending
    clock: Callable[[], datetime]
    mutes: Mutes
    headlines: Headlines
    profiles: Outlets  # outlet profiles (`outlets` is the outlet table)
    follows: Follows
    cards: CardCache
    compare: Compare  # a card's "Compare sides" view

    @classmethod
    def build(cls, settings: Settings, *, client: httpx.AsyncClient | None = None,
              clock: Callable[[], datetime] = utc_now, guard: AddressGuard | None = None) -> Core:
        """`client` and `guard` replace the feed client and the redirect address rules (tests, bench)."""
        try:
            outlets = load_outlets(settings.outlets_file)
        except OutletFileError as exc:
            raise StartupError(f"invalid setting OUTLETS_FILE: {exc}") from None
        db = Database(settings.database_url)
        interactive = Transactions(db, threads=4, name="db-interactive")
        background = Transactions(db, threads=4, name="db-background")
        defaults = ScheduleDefaults.parse(settings.digest_time.strftime("%H:%M"), settings.digest_timezone)
        cards = CardCache()
        chats = Chats(interactive, defaults, clock)
        digests = Digests(interactive, background, clock, settings.digest_stories_per_topic, cards)
        encoder = cluster_encoder(settings)  # one model in memory: search compares queries with the stored vectors
        searcher = Searcher(encoder, vector_model(encoder) if encoder is not None else "")
        return cls(
            settings=settings, db=db, outlets=outlets,
            ingestor=_ingestor(settings, db, outlets, clock, client, guard),
            engine=StoryEngine(db, cluster_params(settings), clock, encoder),
            sections=SectionTagger(background, clock),
            chats=chats,
            stories=Stories(interactive, clock, cards, settings.digest_timezone, searcher),
            digests=digests,
            operators=Operators(interactive, clock),
            retention=Retention(background, clock, cards, days=settings.retention_days,
                                cluster_window=timedelta(hours=settings.cluster_window_hours)),
            interactive=interactive, background=background, clock=clock, mutes=Mutes(chats),
            headlines=Headlines(digests, clock, settings.digest_timezone),
            profiles=Outlets(interactive, digests, outlets, clock),
            follows=Follows(interactive, chats, cards, clock), cards=cards,
            compare=Compare(interactive, clock, cards),
        )

    def prepare(self) -> int:
        """Migrate the database and add the configured feeds (FEEDS_FILE, else the bundled list); how many new."""
        upgrade(self.db)
        feeds_file = self.settings.feeds_file
        try:
            specs = parse_opml(feeds_file.read_bytes()) if feeds_file else load_default_feeds()
        except (OSError, OpmlError) as exc:
            raise StartupError(f"invalid setting FEEDS_FILE: {feeds_file}: {exc}") from None
        rows = [(f.url, f.title, f.category, f.aggregator) for f in specs]
        return self.interactive.sync(feed_store.upsert_feeds, rows)

    def cluster(self) -> ClusterSummary:
        """One clustering pass, then the touched stories' sections (blocking: the clustering worker's thread)."""
        summary = self.engine.cluster_pending()
        self.sections.after_pass(summary)
        return summary

    def refine(self) -> RefineSummary:
        """One refinement pass, then the sections of the stories it changed (blocking: the clustering worker's thread;
        nothing is learned again from articles that only moved)."""
        summary = self.engine.refine()
        self.sections.after_pass(ClusterSummary(0, len(summary.story_ids), 0, (), summary.story_ids))
        return summary

    async def close(self) -> None:
        await asyncio.to_thread(self.sections.save)
        self.engine.leadership.release()
        await self.ingestor.fetcher.aclose()
        await self.ingestor.aclose()
        self.interactive.close()
        self.background.close()
        self.db.dispose()
