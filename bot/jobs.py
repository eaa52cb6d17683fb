"""JobQueue ticks: they pick work and hand it to the workers (Ingestor, StoryEngine); nothing more."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from bot.services import Services

log = logging.getLogger(__name__)


class Jobs:
    def __init__(self, services: Services) -> None:
        self.services = services
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

    def schedule(self, application: Application) -> None:
        queue = application.job_queue
        assert queue is not None, "python-telegram-bot[job-queue] is required"
        # First run right after start: a new install has stories within a minute.
        queue.run_repeating(self.refresh, interval=60, first=1, name="refresh-feeds",
                            job_kwargs={"max_instances": 1, "coalesce": True})
