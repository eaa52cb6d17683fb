"""JobQueue ticks: they pick work and hand it to the workers (Ingestor, StoryEngine, DigestDelivery); nothing more.

Each tick is its own job, so a failing feed refresh never stops clustering, and the reverse. Overlapping runs of
one tick are skipped (max_instances=1, coalesce).
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram.ext import ContextTypes

from app.delivery import DigestDelivery
from app.follows import FollowUpdates
from app.health import Health
from app.metrics import Metrics
from app.runtime import Core
from bot.handlers.common import TelegramApplication

__all__ = ["CORPUS_CHECK_SECONDS", "Jobs"]

log = logging.getLogger(__name__)
# A run that comes late (a slow start: migrations, a loaded machine) still runs: APScheduler's default would skip a
# run more than 1 s late, and the first fetch, or the recovery at start, would wait for the next interval or never run.
LATE_RUNS_RUN: dict[str, object] = {"misfire_grace_time": None}
ONE_AT_A_TIME = {"max_instances": 1, "coalesce": True, **LATE_RUNS_RUN}
# How stale a bot-role process's digest corpus may get behind the stories other processes write (bot.jobs.corpus).
CORPUS_CHECK_SECONDS = 60


class Jobs:
    def __init__(self, core: Core, delivery: DigestDelivery, health: Health | None = None,
                 metrics: Metrics | None = None, follows: FollowUpdates | None = None) -> None:
        self.core = core
        self.delivery = delivery
        self.follow_updates = follows
        self.health = health or Health()  # each tick reports its runs (/readyz)
        self.metrics = metrics or delivery.metrics
        self._corpus_ready = False

    async def refresh(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Fetch every due feed; when new articles came in, cluster them now rather than at the next tick."""
        with self.health.tick("refresh"):
            summary = await self.core.ingestor.fetch_due()
        self.metrics.articles_ingested.inc(summary.new_articles)
        if summary.feeds:
            log.info(summary.line())
        if summary.new_articles and context.job_queue is not None:
            context.job_queue.run_once(self.cluster, when=0, name="cluster-new", job_kwargs=LATE_RUNS_RUN)

    async def cluster(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group the articles that came in into stories and list them under sections (CPU work, off the event
        loop); then rebuild the digest corpus in the background."""
        with self.health.tick("cluster"), self.metrics.cluster_pass.time():
            result = await asyncio.to_thread(self.core.cluster)
        if result.articles:
            log.info(result.line())
        if result.articles or not self._corpus_ready:
            await self.core.digests.refresh()  # digests and /digest read stories from this corpus
            self._corpus_ready = True
        else:  # another process (the clustering leader) may have changed the stories: a cheap check
            await self.core.digests.freshen()

    async def refine(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Regroup the open stories (merges, splits, strays moved); the digest corpus follows what changed."""
        result = await asyncio.to_thread(self.core.refine)
        if result.moved:
            log.info(result.line())
            await self.core.digests.refresh()

    async def corpus(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A process that answers but doesn't cluster (the bot role): reload the digest corpus when another process
        changed the stories, or it is older than CORPUS_TTL, so no request waits for a reload."""
        with self.health.tick("corpus"):
            await self.core.digests.freshen()

    async def digests(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Claim the chats whose digest is due and hand them to the delivery workers (the first run also
        recovers the outbox after a restart and catches up on digests missed while down)."""
        with self.health.tick("digests"):
            enqueued = await self.delivery.tick(self.core.clock())
        if enqueued:
            log.info("%d digests due", enqueued)

    async def follows(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tell the chats whose followed stories developed, end the follows that are over (app.follows); the
        digest workers send what it wrote."""
        if self.follow_updates is None:
            return
        with self.health.tick("follows"):
            written = await self.follow_updates.tick(self.core.clock())
        if written:
            log.info("%d followed-story messages due", written)

    async def prune(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remove the articles older than RETENTION_DAYS, in short batches off the event loop (app.retention)."""
        await asyncio.to_thread(self.core.retention.prune)

    def schedule_corpus(self, application: TelegramApplication) -> None:
        """The bot role's one job: the corpus check, the first right after start (the corpus is loaded before the
        first request, as a rule), then every CORPUS_CHECK_SECONDS."""
        queue = application.job_queue
        assert queue is not None, "python-telegram-bot[job-queue] is required"
        self.health.expect("corpus", CORPUS_CHECK_SECONDS)
        queue.run_repeating(self.corpus, interval=CORPUS_CHECK_SECONDS, first=0, name="corpus",
                            job_kwargs=ONE_AT_A_TIME)

    def schedule(self, application: TelegramApplication) -> None:
        queue = application.job_queue
        assert queue is not None, "python-telegram-bot[job-queue] is required"
        # First runs right after start: a new install has stories within a minute.
        every = 60 * self.core.settings.cluster_interval_minutes
        for name, interval in (("refresh", 60), ("cluster", every), ("digests", 60), ("follows", 60)):
            self.health.expect(name, interval)
        queue.run_repeating(self.refresh, interval=60, first=1, name="refresh-feeds", job_kwargs=ONE_AT_A_TIME)
        queue.run_repeating(self.cluster, interval=every, first=5, name="cluster", job_kwargs=ONE_AT_A_TIME)
        refine_every = 60 * self.core.settings.cluster_refine_minutes
        if refine_every > 0:
            queue.run_repeating(self.refine, interval=refine_every, first=refine_every, name="refine",
                                job_kwargs=ONE_AT_A_TIME)
        # Right after start (recovery, late digests), then at the top of every minute.
        queue.run_once(self.digests, when=1, name="digests-start", job_kwargs=LATE_RUNS_RUN)
        to_next_minute = 60 - time.time() % 60
        queue.run_repeating(self.digests, interval=60, first=to_next_minute + 1, name="digests",
                            job_kwargs=ONE_AT_A_TIME)
        # Half a minute after the digests (the recovery at start has run by then).
        queue.run_repeating(self.follows, interval=60, first=to_next_minute + 31, name="follows",
                            job_kwargs=ONE_AT_A_TIME)
        # Daily, the first an hour after start (a restart loop never prunes more than once an hour).
        queue.run_repeating(self.prune, interval=24 * 3600, first=3600, name="prune", job_kwargs=ONE_AT_A_TIME)
