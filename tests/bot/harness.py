"""The bot as a user meets it: the real Application, the fake Bot API, feeds over local HTTP."""

from __future__ import annotations

import socket
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

WEBHOOK_SECRET = "harness-webhook-secret-0123456789"
UPDATE_MODES = ("polling", "webhook")


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_settings(secret: str = WEBHOOK_SECRET) -> dict[str, Any]:
    """Settings for webhook mode on a free loopback port (what `run --webhook` reads from the environment)."""
    port = free_port()
    return {"webhook_url": f"http://127.0.0.1:{port}/telegram/updates", "webhook_secret": secret,
            "webhook_listen": "127.0.0.1", "webhook_port": port}


@asynccontextmanager
async def running_bot(
    tmp_path: Path, db_url: str, feed_dir: Path | None, clock: Callable[[], datetime], *, webhook: bool = False,
    **settings: Any
) -> AsyncIterator[Harness]:
    """The bot, taking its updates by long polling or, with `webhook`, by the fake Bot API's POSTs."""
    if webhook:
        settings = {**webhook_settings(), **settings}
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        urls = feeds.add_dir(feed_dir) if feed_dir else []
        config = bot_settings(telegram, tmp_path, db_url, urls, **settings)
        async with Runtime(config, clock=clock, webhook=webhook) as runtime:
            yield Harness(telegram, feeds, runtime)


def bot_settings(telegram: FakeTelegram, tmp_path: Path, db_url: str, feed_urls: Sequence[str] = (),
                 **settings: Any) -> Settings:
    """Settings for a bot talking to `telegram`, following `feed_urls` (none: an empty feed list)."""
    opml = tmp_path / "feeds.opml"
    opml.write_text(export_opml(FeedSpec(u, Path(u).stem) for u in feed_urls))
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=telegram.token,
        telegram_api_url=telegram.api_root,
        database_url=db_url,
        feeds_file=opml,
        **settings,
    )
