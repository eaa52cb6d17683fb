"""refresh_feed: fetch -> (304 stop) -> parse -> normalize -> idempotent insert -> record outcome.

Failures are rows, not crashes: every FetchError/parse error is stored on the feed and the batch goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from news.fetch import Fetcher, FetchError, FetchResult
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


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    feed_id: int
    new_articles: int = 0
    not_modified: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchSummary:
    feeds: int
    ok: int
    not_modified: int
    failed: int
    new_articles: int

    def line(self) -> str:
        return (f"fetched {self.feeds} feeds: {self.ok} ok ({self.not_modified} not modified), "
                f"{self.failed} failed, {self.new_articles} new articles")


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    interval_minutes: int = 15
    min_minutes: int = 5
    max_minutes: int = 24 * 60
    pause_after_hours: float = 48.0


class Ingestor:
    def __init__(
        self, db: Database, fetcher: Fetcher, outlets: OutletDirectory, policy: IngestPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.outlets = outlets
        self.policy = policy
        self.clock = clock

    async def fetch_due(self, on_done: Callable[[FeedOutcome], None] | None = None) -> FetchSummary:
        feeds = await asyncio.to_thread(self._due)
        outcomes: list[FeedOutcome] = []

        async def one(feed: FeedRef) -> None:
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
        )

    def _due(self) -> list[FeedRef]:
        with self.db.session() as session:
            return feed_store.due_feeds(session, self.clock())

    async def refresh_feed(self, feed: FeedRef) -> FeedOutcome:
        try:
            result = await self.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
            parsed = None if result.not_modified else await asyncio.to_thread(parse_feed, result.body,
                                                                               result.content_type)
        except (FetchError, FeedParseError) as exc:
            return await asyncio.to_thread(self._failed, feed, exc)
        except Exception as exc:  # a bug must not stop the batch; it is recorded like any failure
            log.exception("unexpected error refreshing feed %s", feed.url)
            return await asyncio.to_thread(self._failed, feed, exc)
        now = self.clock()
        articles: list[ArticleIn] = []
        if parsed is not None:
            articles = [a for e in parsed.entries if (a := normalize_entry(e, feed.url, now)) is not None]
        return await asyncio.to_thread(self._store, feed, result, articles, parsed.ttl_minutes if parsed else None,
                                       parsed.title if parsed else None)

    def _store(self, feed: FeedRef, result: FetchResult, articles: Sequence[ArticleIn], ttl: int | None,
               title: str | None) -> FeedOutcome:
        now = self.clock()
        with self.db.session() as session:
            source_ids = {
                domain: article_store.source_id_for(session, domain, self.outlets.by_domain(domain))
                for domain in {a.domain for a in articles}
            }
            new = article_store.insert_articles(session, feed.id, articles, source_ids)
            feed_store.record_success(
                session, feed.id, now=now,
                next_check_at=next_check_after_success(now, self.policy, result.cache_control, result.expires, ttl),
                etag=result.etag if not result.not_modified else result.etag or feed.etag,
                last_modified=result.last_modified or (feed.last_modified if result.not_modified else None),
                title=title, new_url=result.permanent_redirect,
            )
        return FeedOutcome(feed.id, new_articles=new, not_modified=result.not_modified)

    def _failed(self, feed: FeedRef, exc: Exception) -> FeedOutcome:
        now = self.clock()
        message = f"{type(exc).__name__}: {exc}"[:1000]
        next_at, pause = next_check_after_failure(now, self.policy, exc, feed.error_count + 1, feed.failing_since)
        with self.db.session() as session:
            feed_store.record_failure(session, feed.id, now=now, error=message, next_check_at=next_at, pause=pause)
        log.info("feed %s failed: %s", feed.url, message)
        return FeedOutcome(feed.id, error=message)
