"""What each `storybot` subcommand does (the parser lives in bot.cli)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import build_application, build_services, configure_logging, prepare
from bot.config import Settings
from bot.progress import fetch_with_progress
from bot.render import digest_messages, to_plain
from bot.services import Services
from bot.stories import top_stories
from news.cluster import ClusterParams, cluster_records
from news.opml import FeedSpec, OpmlError, export_opml, parse_opml
from news.sources import OutletFileError
from news.topics import SECTIONS
from storage import feeds as feed_store
from storage import stats as stats_store
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger("storybot")


def migrate(settings: Settings) -> int:
    configure_logging(settings.log_level)
    db = Database(settings.database_url)
    upgrade(db)
    db.dispose()
    print("database is up to date")
    return 0


def _prepared(settings: Settings) -> Services:
    configure_logging(settings.log_level)
    try:
        services = build_services(settings)
    except OutletFileError as exc:
        raise CommandError(f"invalid setting OUTLETS_FILE: {exc}") from None
    try:
        prepare(services)
    except OpmlError as exc:
        raise CommandError(f"invalid setting FEEDS_FILE: {settings.feeds_file}: {exc}") from None
    return services


def run(settings: Settings) -> int:
    services = _prepared(settings)
    application = build_application(services)
    log.info("storybot starting: Bot API at %s, database %s", settings.telegram_api_url,
             services.db.engine.url.render_as_string(hide_password=True))
    try:
        return asyncio.run(_serve(application))
    finally:
        services.db.dispose()


class CommandError(Exception):
    """A problem the operator must fix, said in one line (the CLI prints it and exits with status 2)."""


class BotApiUnavailable(CommandError):
    """The Bot API can't be used at start: unreachable, or it refused the token."""


async def _serve(application: Application) -> int:
    """Long polling until SIGINT or SIGTERM. The start is checked: getMe must answer, or it is one line, exit 2.
    Once running, python-telegram-bot rides out network outages by retrying."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await application.initialize()
    except InvalidToken as exc:
        raise BotApiUnavailable("Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped?); "
                                "get the current one from @BotFather") from exc
    except NetworkError as exc:  # TimedOut is a NetworkError too
        url = application.bot.base_url.removesuffix(application.bot.token).removesuffix("/bot")
        reason = exc.message.replace(application.bot.token, "<token>")
        raise BotApiUnavailable(f"cannot reach the Telegram Bot API at {url} ({reason}); "
                                "check TELEGRAM_API_URL and the network, then start again") from exc
    try:
        if application.post_init:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=None, drop_pending_updates=False)
        await application.start()
        await stop.wait()
        log.info("storybot stopping")
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
    return 0


async def fetch_once(settings: Settings) -> int:
    services = _prepared(settings)
    try:
        summary = await fetch_with_progress(services.ingestor, sys.stderr.isatty())
    finally:
        await services.ingestor.fetcher.aclose()
    print(summary.line())
    services.db.dispose()
    return 0


def cluster(settings: Settings) -> int:
    services = _prepared(settings)
    print(services.engine.cluster_pending().line())
    services.db.dispose()
    return 0


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"storybot: {path}:{number}: not JSON ({exc.msg})") from None


def cluster_file(source: Path, out: Path, *, embeddings: bool = False) -> int:
    """Online, in publish order (ties keep file order; any unknown time: file order), with the scheduler's clusterer."""
    encoder = None
    if embeddings:
        from news.embed import MiniLMEncoder, embeddings_problem

        problem = embeddings_problem()
        if problem:
            print(f"storybot: {problem}", file=sys.stderr)
            return 2
        encoder = MiniLMEncoder()
    records = list(_records(source))
    order: Sequence[int] = range(len(records))
    if all(r.get("published") for r in records):
        order = sorted(order, key=lambda i: (records[i]["published"], i))
    with out.open("w", encoding="utf-8") as handle:
        for item_id, story in cluster_records((records[i] for i in order), ClusterParams(), encoder):
            handle.write(json.dumps({"id": item_id, "story": story}) + "\n")
    print(f"clustered {len(records)} items into {out}", file=sys.stderr)
    if encoder is not None:
        rate = f"{encoder.encoded} texts in {encoder.seconds:.1f}s = {encoder.rate():,.0f} items/s"
        print(f"encoded {rate}", file=sys.stderr)
    return 0


def preview(settings: Settings, topics: Sequence[str] | None) -> int:
    services = _prepared(settings)
    chosen = list(topics or sorted(SECTIONS))
    now = datetime.now(UTC)
    picked = services.run_sync(lambda s: top_stories(s, chosen, now, per_topic=settings.digest_stories_per_topic))
    if not picked:
        print("No stories yet for " + ", ".join(chosen) + ". Run `storybot fetch --once` first.")
        return 0
    sections: dict[str, list[Any]] = {}
    for topic, view in picked:
        sections.setdefault(topic, []).append(view)
    for message in digest_messages(list(sections.items()), "Digest preview"):
        print(to_plain(message))
        print()
    return 0


def stats(settings: Settings, *, as_json: bool) -> int:
    services = _prepared(settings)
    data = services.run_sync(stats_store.counts)
    if as_json:
        print(json.dumps(data, indent=2, sort_keys=True))
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return 0


def resume_feeds(settings: Settings, ids: Sequence[int] | None) -> int:
    services = _prepared(settings)
    count = services.run_sync(lambda s: feed_store.resume(s, ids))
    print(f"resumed {count} paused feed{'s' if count != 1 else ''}; they are polled on the next fetch")
    return 0


def feeds(settings: Settings, action: str, file: Path | None) -> int:
    services = _prepared(settings)
    if action == "import":
        assert file is not None
        try:
            specs = parse_opml(file.read_bytes())
        except (OSError, OpmlError) as exc:
            raise CommandError(f"cannot import {file}: {exc}") from None
        added = services.run_sync(lambda s: feed_store.upsert_feeds(s, ((f.url, f.title, f.category) for f in specs)))
        print(f"imported {added} new feeds ({len(specs) - added} already followed)")
    elif action == "export":
        rows = services.run_sync(feed_store.all_feeds)
        print(export_opml(FeedSpec(url, title, category) for url, title, category in rows))
    else:
        from bot.progress import print_feed_health

        print_feed_health(services.run_sync(lambda s: feed_store.feed_health(s, datetime.now(UTC))))
    return 0
