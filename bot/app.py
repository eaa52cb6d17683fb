"""Composition root: settings -> database -> services -> Application with handlers and jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import httpx
from telegram import BotCommandScopeChat
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, Defaults

from bot.clustering import StoryEngine, cluster_encoder, cluster_params
from bot.config import Settings
from bot.delivery import DigestDelivery, delivery_policy
from bot.handlers import admin, cards, fallback, groups, inline, start, story, topics
from bot.handlers import settings as chat_settings
from bot.handlers.common import Access
from bot.handlers.start import ADMIN_COMMANDS, COMMANDS
from bot.ingest import Ingestor, IngestPolicy
from bot.jobs import Jobs
from bot.sender import ProjectRateLimiter, Sender, SendLimits
from bot.services import Services, utc_now
from bot.throttle import Throttle
from news.fetch import Fetcher
from news.opml import load_default_feeds, parse_opml
from news.sources import load_outlets
from storage import feeds as feed_store
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger("storybot")


def build_services(
    settings: Settings, *, client: httpx.AsyncClient | None = None, clock: Callable[[], datetime] = utc_now
) -> Services:
    db = Database(settings.database_url)
    client = client or Fetcher.make_client(
        connect_timeout=settings.fetch_connect_timeout_seconds, total_timeout=settings.fetch_timeout_seconds
    )
    fetcher = Fetcher(
        client,
        max_bytes=settings.fetch_max_bytes,
        concurrency=settings.fetch_concurrency,
        per_host=settings.fetch_per_host,
        timeout=settings.fetch_timeout_seconds,
    )
    outlets = load_outlets(settings.outlets_file)
    policy = IngestPolicy(
        interval_minutes=settings.fetch_interval_minutes,
        min_minutes=settings.fetch_min_interval_minutes,
        max_minutes=settings.fetch_max_interval_minutes,
        pause_after_hours=settings.fetch_pause_after_hours,
    )
    ingestor = Ingestor(db, fetcher, outlets, policy, clock, in_flight=2 * settings.fetch_concurrency)
    engine = StoryEngine(db, cluster_params(settings), clock, cluster_encoder(settings))
    return Services(settings, db, outlets, ingestor, engine, clock)


def prepare(services: Services) -> None:
    """Migrate the database and add the configured feeds (FEEDS_FILE, else the bundled list)."""
    upgrade(services.db)
    feeds_file = services.settings.feeds_file
    specs = parse_opml(feeds_file.read_bytes()) if feeds_file else load_default_feeds()
    added = services.run_sync(lambda s: feed_store.upsert_feeds(s, ((f.url, f.title, f.category) for f in specs)))
    if added:
        log.info("added %d feeds from %s", added, feeds_file or "the bundled list")


def build_application(services: Services) -> Application:
    settings = services.settings
    # One pace for replies and digests: global, per private chat, per group (bot.sender).
    limits = SendLimits(settings.send_rate_global, settings.send_rate_private, settings.send_rate_group_per_minute)
    application = (
        Application.builder()
        .token(settings.token())
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(ProjectRateLimiter(limits))
        .post_init(_command_menus(settings.admin_user_ids))
        .post_stop(lambda _app: delivery.stop())
        .build()
    )
    delivery = DigestDelivery(services.db, Sender(application.bot, limits), delivery_policy(settings), services.clock)
    access = Access()
    guard = fallback.Fallback(Throttle(settings.command_burst, settings.command_window_seconds))
    application.add_handler(fallback.gate(guard), group=-1)  # flood control runs before any handler
    application.add_handlers(admin.handlers(services))  # before the fallback: non-admins get its hint
    application.add_handlers(start.handlers(services, access))
    application.add_handlers(topics.handlers(services, access))
    application.add_handlers(chat_settings.handlers(services, access))
    application.add_handlers(story.handlers(services))
    application.add_handlers(cards.handlers(services))
    application.add_handlers(inline.handlers(services))
    application.add_handlers(groups.handlers(services))
    application.add_handlers(fallback.handlers(guard))  # last in the group: only what nothing else took
    application.add_error_handler(fallback.on_error)
    Jobs(services, delivery).schedule(application)
    return application


def _command_menus(admin_ids: list[int]) -> Callable[[Application], Coroutine[Any, Any, None]]:
    """Everyone sees the user commands; each operator's own chat also lists /stats and /feeds."""

    async def post_init(application: Application) -> None:
        await application.bot.set_my_commands(COMMANDS)
        for admin_id in admin_ids:
            try:
                await application.bot.set_my_commands(COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
            except TelegramError as exc:  # the operator has not opened a chat with the bot yet
                log.warning("no operator command menu for %s: %s", admin_id, exc)

    return post_init


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Request URLs carry the bot token: keep the HTTP client quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)

