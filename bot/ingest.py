"""refresh_feed: fetch -> (304 stop) -> parse -> normalize -> idempotent insert -> record outcome.

Failures are rows, not crashes: every FetchError/parse error is stored on the feed and the batch goes on.
Work is split by kind: HTTP on the event loop, parsing (CPU) on worker threads, and every database write on one
writer thread, so SQLite never sees two writers and PostgreSQL never sees a burst of connections.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from news.fetch import Fetcher, FetchError, FetchResult, HTTPStatusError, URLCheck
from news.normalize import normalize_entry
from news.parse import FeedParseError, parse_feed
from news.schedule import next_check_after_failure, next_check_after_success
from news.sources import OutletDirectory
from news.types import ArticleIn
from storage import articles as article_store
from storage import feeds as feed_store
from storage.db import Database
from storage.feeds import FeedRef

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    feed_id: int
    url: str = ""
    new_articles: int = 0
    not_modified: bool = False
    error: str | None = None
    paused: bool = False


@dataclass(frozen=True, slots=True)
class FetchSummary:
    feeds: int
    ok: int
    not_modified: int
    failed: int
    new_articles: int
    paused: int = 0

    def line(self) -> str:
        paused = f" ({self.paused} paused)" if self.paused else ""
        return (f"fetched {self.feeds} feeds: {self.ok} ok ({self.not_modified} not modified), "
                f"{self.failed} failed{paused}, {self.new_articles} new articles")


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    interval_minutes: int = 15
    min_minutes: int = 5
    max_minutes: int = 24 * 60
    pause_after_hours: float = 48.0


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    """A fetched body turned into articles, plus what the feed said about itself."""

    articles: tuple[ArticleIn, ...]
    title: str
    ttl_minutes: int | None
    warning: str | None  # recovered from broken XML / wrong charset, or entries skipped


def prepare(result: FetchResult, feed_url: str, fetched_at: datetime) -> PreparedFeed:
    """Parse and normalize (pure, CPU-bound: runs on a worker thread)."""
    parsed = parse_feed(result.body, result.content_type)
    articles = tuple(a for e in parsed.entries if (a := normalize_entry(e, feed_url, fetched_at)) is not None)
    notes = [f"recovered: {parsed.warning}"] if parsed.warning else []
    if skipped := len(parsed.entries) - len(articles):
        notes.append(f"{skipped} of {len(parsed.entries)} entries skipped (no link, or no title and no text)")
    return PreparedFeed(articles, parsed.title, parsed.ttl_minutes, "; ".join(notes) or None)


def interleave_by_host(feeds: Sequence[FeedRef]) -> list[FeedRef]:
    """Round-robin over hosts, so a host with many feeds does not queue everyone else behind its per-host limit."""
    by_host: defaultdict[str, list[FeedRef]] = defaultdict(list)
    for feed in feeds:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    return [f for row in zip_longest(*by_host.values()) for f in row if f is not None]


class Ingestor:
    def __init__(
        self, db: Database, fetcher: Fetcher, outlets: OutletDirectory, policy: IngestPolicy,
        clock: Callable[[], datetime], *, in_flight: int = 40,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.outlets = outlets
        self.policy = policy
        self.clock = clock
        self.in_flight = in_flight  # feeds between "fetch started" and "stored": bounds memory held in bodies
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-db")
        self._source_ids: dict[str, int | None] = {}  # domain -> sources.id, filled after each commit

    async def fetch_due(
        self, on_done: Callable[[FeedOutcome], None] | None = None, *, on_start: Callable[[int], None] | None = None
    ) -> FetchSummary:
        """Refresh every due feed; `on_start(total)` is called before the first fetch, `on_done` after each feed."""
        feeds = interleave_by_host(await self._write(self._due))
        if on_start:
            on_start(len(feeds))
        slots = asyncio.Semaphore(self.in_flight)
        outcomes: list[FeedOutcome] = []

        async def one(feed: FeedRef) -> None:
            async with slots:
                outcome = await self.refresh_feed(feed)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)

        await asyncio.gather(*(one(f) for f in feeds))
        return FetchSummary(
            feeds=len(feeds),
            ok=sum(o.error is None for o in outcomes),
            not_modified=sum(o.not_modified for o in outcomes),
            failed=sum(o.error is not None for o in outcomes),
            new_articles=sum(o.new_articles for o in outcomes),
            paused=sum(o.paused for o in outcomes),
        )

    async def refresh_feed(self, feed: FeedRef, *, check: URLCheck | None = None) -> FeedOutcome:
        """One feed, start to finish; never raises for a feed's own faults. `check` vets user-given URLs."""
        try:
            result = await self.fetcher.fetch(feed.url, feed.etag, feed.last_modified, check=check)
            prepared = None
            if not result.not_modified:  # a 304 costs no parsing
                prepared = await asyncio.to_thread(prepare, result, feed.url, self.clock())
        except (FetchError, FeedParseError) as exc:
            return await self._write(self._failed, feed, exc)
        except Exception as exc:  # a bug must not stop the batch; it is recorded like any failure
            log.exception("unexpected error refreshing feed %s", feed.url)
            return await self._write(self._failed, feed, exc)
        try:
            return await self._write(self._store, feed, result, prepared)
        except SQLAlchemyError as exc:
            log.exception("could not store feed %s", feed.url)
            return FeedOutcome(feed.id, feed.url, error=f"database: {type(exc).__name__}")

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    async def _write(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, functools.partial(fn, *args))

    def _due(self) -> list[FeedRef]:
        with self.db.session() as session:
            return feed_store.due_feeds(session, self.clock())

    def _store(self, feed: FeedRef, result: FetchResult, prepared: PreparedFeed | None) -> FeedOutcome:
        now = self.clock()
        articles = prepared.articles if prepared else ()
        ttl = prepared.ttl_minutes if prepared else None
        created: dict[str, int | None] = {}
        with self.db.session() as session:
            for domain in {a.domain for a in articles} - self._source_ids.keys():
                created[domain] = article_store.source_id_for(session, domain, self.outlets.by_domain(domain))
            source_ids = {**self._source_ids, **created}
            new = article_store.insert_articles(session, feed.id, articles, source_ids)
            feed_store.record_success(
                session, feed.id, now=now,
                next_check_at=next_check_after_success(now, self.policy, result.cache_control, result.expires, ttl),
                etag=result.etag or (feed.etag if result.not_modified else None),
                last_modified=result.last_modified or (feed.last_modified if result.not_modified else None),
                title=prepared.title if prepared else None, new_url=result.permanent_redirect,
                warning=prepared.warning if prepared else None, not_modified=result.not_modified,
            )
        self._source_ids.update(created)  # only once committed: a rolled-back id must not be reused
        return FeedOutcome(feed.id, feed.url, new_articles=new, not_modified=result.not_modified)

    def _failed(self, feed: FeedRef, exc: Exception) -> FeedOutcome:
        now = self.clock()
        message = f"{type(exc).__name__}: {exc}"[:900]
        next_at, pause = next_check_after_failure(now, self.policy, exc, feed.error_count + 1, feed.failing_since)
        if pause:
            gone = isinstance(exc, HTTPStatusError) and exc.status == 410
            reason = "gone for good" if gone else f"failing for over {self.policy.pause_after_hours:g} h"
            message = f"{message} (paused: {reason})"[:1000]
        with self.db.session() as session:
            feed_store.record_failure(session, feed.id, now=now, error=message, next_check_at=next_at, pause=pause)
        log.info("feed %s failed: %s", feed.url, message)
        return FeedOutcome(feed.id, feed.url, error=message, paused=pause)
