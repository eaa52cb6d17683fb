"""refresh_feed: fetch -> (304 stop) -> parse -> normalize -> idempotent insert -> record outcome.

Failures are rows, not crashes: whatever goes wrong in one feed's fetch, parse or store (a FetchError, a refused
body, a number that overflows, a value the database rejects, a bug) is caught at that feed's boundary and stored
as its failure with its back-off; the other feeds go on, and none is left running unattended.
Work is split by kind: HTTP on the event loop, parsing in worker processes with time and memory limits
(app.parsing), and every database write through one GroupWriter thread, so SQLite never sees two writers and a
thousand feeds cost a few dozen commits, not a thousand.

An article is credited to the outlet of the feed it came from (news.sources.OutletDirectory.attribute): a feed
cannot add Reuters to a story by linking to reuters.com, unless the operator marked it an aggregator.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import zip_longest
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.parsing import ParserPool
from app.writer import GroupWriter
from news.fetch import Fetcher, FetchError, FetchResult, HTTPStatusError
from news.normalize import NormalizedFeed
from news.parse import FeedParseError
from news.schedule import next_check_after_failure, next_check_after_success
from news.sources import OutletDirectory
from storage import articles as article_store
from storage import feeds as feed_store
from storage.db import Database
from storage.feeds import FeedRef

__all__ = ["FeedOutcome", "FetchSummary", "IngestPolicy", "Ingestor", "interleave_by_host"]

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
    max_entries: int = 500  # entries taken from one poll of one feed (FETCH_MAX_ENTRIES)
    claim_batch: int = 250  # feeds claimed at once (storage.feeds.claim_due)
    lease: timedelta = timedelta(minutes=10)  # a claimed feed is due again after this if its process died


def interleave_by_host(feeds: Sequence[FeedRef]) -> list[FeedRef]:
    """Round-robin over hosts, so a host with many feeds does not queue everyone else behind its per-host limit."""
    by_host: defaultdict[str, list[FeedRef]] = defaultdict(list)
    for feed in feeds:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    return [f for row in zip_longest(*by_host.values()) for f in row if f is not None]


class Ingestor:
    def __init__(
        self, db: Database, fetcher: Fetcher, outlets: OutletDirectory, policy: IngestPolicy,
        clock: Callable[[], datetime], *, in_flight: int = 40, parser: ParserPool | None = None,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.outlets = outlets
        self.policy = policy
        self.clock = clock
        self.in_flight = in_flight  # feeds between "fetch started" and "stored": bounds memory held in bodies
        self.parser = parser or ParserPool()
        self._writer = GroupWriter(db, on_commit=self._sources_committed, on_rollback=self._sources_rolled_back)
        self._source_ids: dict[str, int | None] = {}  # attribution key -> sources.id, known committed
        self._new_source_ids: dict[str, int | None] = {}  # made in the transaction now open

    async def fetch_due(
        self, on_done: Callable[[FeedOutcome], None] | None = None, *, on_start: Callable[[int], None] | None = None
    ) -> FetchSummary:
        """Refresh every feed due now that no other process has claimed; `on_start(total)` is called before the
        first fetch with the feeds due, `on_done` after each feed. Feeds are claimed a batch at a time
        (storage.feeds.claim_due), so several processes share the work and each feed is fetched by one."""
        now = self.clock()
        if on_start:
            on_start(await self._writer.run(lambda session: feed_store.count_due(session, now)))
        outcomes: list[FeedOutcome] = []
        batch = self.policy.claim_batch
        while True:
            feeds = interleave_by_host(await self._writer.run(
                lambda session: feed_store.claim_due(session, now, self.clock() + self.policy.lease, batch)))
            await self._refresh_all(feeds, outcomes, on_done)
            if len(feeds) < batch:
                break
        return FetchSummary(
            feeds=len(outcomes),
            ok=sum(o.error is None for o in outcomes),
            not_modified=sum(o.not_modified for o in outcomes),
            failed=sum(o.error is not None for o in outcomes),
            new_articles=sum(o.new_articles for o in outcomes),
            paused=sum(o.paused for o in outcomes),
        )

    async def _refresh_all(self, feeds: Sequence[FeedRef], outcomes: list[FeedOutcome],
                           on_done: Callable[[FeedOutcome], None] | None) -> None:
        slots = asyncio.Semaphore(self.in_flight)

        async def one(feed: FeedRef) -> None:
            async with slots:
                outcome = await self.refresh_feed(feed)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)

        # Every feed runs to its end whatever another does; a failure that escaped a feed's boundary is logged.
        for failure in await asyncio.gather(*(one(f) for f in feeds), return_exceptions=True):
            if isinstance(failure, Exception):
                log.error("a feed's refresh failed outside its boundary", exc_info=failure)

    async def refresh_feed(self, feed: FeedRef) -> FeedOutcome:
        """One feed, start to finish; never raises for anything that went wrong with this feed."""
        try:
            result = await self.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
            normalized = None
            if not result.not_modified:  # a 304 costs no parsing
                normalized = await self.parser.parse(
                    result.body, result.content_type, self.clock(), self.policy.max_entries)
            now = self.clock()
            ttl = normalized.ttl_minutes if normalized else None
            next_at = next_check_after_success(now, self.policy, result.cache_control, result.expires, ttl)
            return await self._writer.run(lambda session: self._store(session, feed, result, normalized, next_at))
        except (FetchError, FeedParseError) as exc:
            return await self._record_failure(feed, exc)
        except Exception as exc:  # a bug, or a value the database refused: this feed's failure, not the batch's
            log.exception("unexpected error refreshing feed %s", feed.url)
            return await self._record_failure(feed, exc)

    async def aclose(self) -> None:
        await self.parser.aclose()
        self._writer.close()

    def close(self) -> None:
        self.parser.close()
        self._writer.close()

    def _store(self, session: Session, feed: FeedRef, result: FetchResult, feed_data: NormalizedFeed | None,
               next_check_at: datetime) -> FeedOutcome:
        articles = feed_data.articles if feed_data else ()
        source_ids = [self._source_id(session, feed, article.domain) for article in articles]
        new = article_store.insert_articles(session, feed.id, articles, source_ids)
        feed_store.record_success(
            session, feed.id, now=self.clock(), next_check_at=next_check_at,
            etag=result.etag or (feed.etag if result.not_modified else None),
            last_modified=result.last_modified or (feed.last_modified if result.not_modified else None),
            title=feed_data.title if feed_data else None, new_url=result.permanent_redirect,
            warning=feed_data.warning if feed_data else None, not_modified=result.not_modified,
        )
        return FeedOutcome(feed.id, feed.url, new_articles=new, not_modified=result.not_modified)

    def _source_id(self, session: Session, feed: FeedRef, claimed: str) -> int | None:
        credit = self.outlets.attribute(feed.url, feed.title, aggregator=feed.aggregator, claimed=claimed)
        for known in (self._source_ids, self._new_source_ids):
            if credit.key in known:
                return known[credit.key]
        source_id = article_store.source_id_for(session, credit.key, credit.name, credit.outlet)
        self._new_source_ids[credit.key] = source_id
        return source_id

    async def _record_failure(self, feed: FeedRef, exc: Exception) -> FeedOutcome:
        try:
            outcome = await self._writer.run(lambda session: self._failed(session, feed, exc))
        except Exception as db_exc:  # the database itself is failing: say so, and leave the feed due
            log.exception("could not record the failure of feed %s", feed.url)
            return FeedOutcome(feed.id, feed.url, error=f"{_message(exc)}; not recorded: {type(db_exc).__name__}")
        if outcome.paused:  # the one line an operator needs: it stays paused until `storybot feeds resume`
            log.warning("feed %s paused: %s; `storybot feeds resume %d` polls it again", feed.url, outcome.error,
                        feed.id)
        else:
            log.info("feed %s failed: %s", feed.url, outcome.error)
        return outcome

    def _failed(self, session: Session, feed: FeedRef, exc: Exception) -> FeedOutcome:
        now = self.clock()
        message = _message(exc)
        next_at, pause = next_check_after_failure(now, self.policy, exc, feed.error_count + 1, feed.failing_since)
        if pause:
            gone = isinstance(exc, HTTPStatusError) and exc.status == 410
            reason = "gone for good" if gone else f"failing for over {self.policy.pause_after_hours:g} h"
            message = f"{message} (paused: {reason})"[:1000]
        feed_store.record_failure(session, feed.id, now=now, error=message, next_check_at=next_at, pause=pause)
        return FeedOutcome(feed.id, feed.url, error=message, paused=pause)

    def _sources_committed(self) -> None:
        self._source_ids.update(self._new_source_ids)
        self._new_source_ids.clear()

    def _sources_rolled_back(self) -> None:
        self._new_source_ids.clear()  # those ids were never committed: they must not be reused


def _message(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:900]
