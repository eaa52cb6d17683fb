"""JobQueue ticks: they pick work and hand it to the workers (Ingestor, StoryEngine, DigestDelivery); nothing more."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram.ext import Application, ContextTypes

from bot.delivery import DigestDelivery
from bot.services import Services

log = logging.getLogger(__name__)


class Jobs:
    def __init__(self, services: Services, delivery: DigestDelivery | None = None) -> None:
        self.services = services
        self.delivery = delivery
        self._busy = asyncio.Lock()

    async def refresh(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Fetch every due feed, then cluster what came in. Overlapping ticks are skipped."""
        if self._busy.locked():
            return
        async with self._busy:
            summary = await self.services.ingestor.fetch_due()
            if summary.feeds:
                log.info(summary.line())
            await self.cluster(context)

    async def cluster(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        result = await asyncio.to_thread(self.services.engine.cluster_pending)
        if result.articles:
            log.info(result.line())

    async def digests(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Claim the chats whose digest is due and hand them to the delivery workers (the first run also
        recovers the outbox after a restart and catches up on digests missed while down)."""
        assert self.delivery is not None
        enqueued = await self.delivery.tick(self.services.clock())
        if enqueued:
            log.info("%d digests due", enqueued)

    def schedule(self, application: Application) -> None:
        queue = application.job_queue
        assert queue is not None, "python-telegram-bot[job-queue] is required"
        # First run right after start: a new install has stories within a minute.
        queue.run_repeating(self.refresh, interval=60, first=1, name="refresh-feeds",
                            job_kwargs={"max_instances": 1, "coalesce": True})
        if self.delivery is not None:
            # Right after start (recovery, late digests), then at the top of every minute.
            queue.run_once(self.digests, when=1, name="digests-start")
            to_next_minute = 60 - time.time() % 60
            queue.run_repeating(self.digests, interval=60, first=to_next_minute + 1, name="digests",
                                job_kwargs={"max_instances": 1, "coalesce": True})
