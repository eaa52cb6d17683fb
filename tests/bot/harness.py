"""The bot as a user meets it: the real Application, the fake Bot API, feeds over local HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.runtime import Core
from app.settings import Settings
from bot.runtime import Runtime
from fakes.feed_server import FeedServer
from fakes.newsroom import NOW, Item, seed_story
from fakes.telegram_api import FakeTelegram
from news.opml import FeedSpec, export_opml


@dataclass
class Harness:
    telegram: FakeTelegram
    feeds: FeedServer
    runtime: Runtime

    @property
    def core(self) -> Core:
        return self.runtime.core

    def seed(self, key: str, items: Sequence[Item], now: datetime = NOW) -> int:
        """A story written straight into storage, as if fetched and clustered; digests see it at once."""
        story = self.core.interactive.sync(seed_story, key, items, now)
        self.core.digests.invalidate()
        return story


@asynccontextmanager
async def running_bot(
    tmp_path: Path, db_url: str, feed_dir: Path | None, clock: Callable[[], datetime], **settings: Any
) -> AsyncIterator[Harness]:
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        urls = feeds.add_dir(feed_dir) if feed_dir else []
        opml = tmp_path / "feeds.opml"
        opml.write_text(export_opml(FeedSpec(u, Path(u).stem) for u in urls))
        config = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=telegram.token,
            telegram_api_url=telegram.api_root,
            database_url=db_url,
            feeds_file=opml,
            **settings,
        )
        async with Runtime(config, clock=clock) as runtime:
            yield Harness(telegram, feeds, runtime)
