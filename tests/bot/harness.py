"""The bot as a user meets it: the real Application, the fake Bot API, feeds over local HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import build_application, build_services, prepare
from bot.config import Settings
from bot.services import Services
from news.opml import FeedSpec, export_opml
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram


@dataclass
class Harness:
    telegram: FakeTelegram
    feeds: FeedServer
    services: Services
    application: Application  # type: ignore[type-arg]


@asynccontextmanager
async def running_bot(
    tmp_path: Path, db_url: str, feed_dir: Path | None, clock: Callable[[], datetime], **settings: Any
) -> AsyncIterator[Harness]:
    async with FeedServer() as feeds:
        urls = feeds.add_dir(feed_dir) if feed_dir else []
        opml = tmp_path / "feeds.opml"
        opml.write_text(export_opml(FeedSpec(u, Path(u).stem) for u in urls))
        telegram = FakeTelegram()
        await telegram.start()
        config = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=telegram.token,
            telegram_api_url=telegram.api_root,
            database_url=db_url,
            feeds_file=opml,
            **settings,
        )
        services = build_services(config, clock=clock)
        prepare(services)
        application = build_application(services)
        # The order Application.run_polling uses: initialize, post_init, start polling, start.
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        try:
            yield Harness(telegram, feeds, services, application)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            await services.ingestor.fetcher.aclose()
            services.db.dispose()
            await telegram.stop()
