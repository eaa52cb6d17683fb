"""What each `storybot` subcommand does (the parser lives in bot.cli). Every command builds what it needs from
Settings through the composition roots: `Core` (app.runtime) offline, `Runtime` (bot.runtime) for the bot."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from app.runtime import Core, StartupError
from app.settings import Settings
from bot.i18n import use
from bot.logs import configure_logging
from bot.progress import fetch_with_progress, print_feed_health
from bot.render import to_plain
from bot.render_digest import digest_messages
from bot.runtime import Role, Runtime
from news.cluster import ClusterParams, cluster_stream
from news.opml import OpmlError, parse_opml
from news.sections import load_seed_model, sections_by_item
from news.topics import SECTIONS
from storage.backup import BackupError, backup_sqlite
from storage.db import Database
from storage.migrate import upgrade

__all__ = ["CommandError", "backup", "cluster", "cluster_file", "feeds", "fetch_once", "migrate", "preview", "prune",
           "resume_feeds", "run", "stats"]


class CommandError(StartupError):
    """A problem the operator must fix, said in one line (the CLI prints it and exits with status 2)."""


def _secrets(settings: Settings) -> list[str]:
    """What the log must never show: the token, and the webhook's secret (unless so short that hiding it would
    hide common words; such a secret is weak anyway)."""
    secrets = [settings.token()] if settings.token_problem() is None else []
    if settings.webhook_secret is not None and len(settings.webhook_secret.get_secret_value()) >= 8:
        secrets.append(settings.webhook_secret.get_secret_value())
    return secrets


def migrate(settings: Settings) -> int:
    configure_logging(settings.log_level)
    db = Database(settings.database_url)
    upgrade(db)
    db.dispose()
    print("database is up to date")
    return 0


@asynccontextmanager
async def _core(settings: Settings) -> AsyncIterator[Core]:
    """A prepared Core (migrated, feeds added) for one offline command, closed afterwards."""
    configure_logging(settings.log_level, secrets=_secrets(settings))
    core = Core.build(settings)
    try:
        core.prepare()
        yield core
    finally:
        await core.close()


def run(settings: Settings, role: Role = "all", *, webhook: bool = False) -> int:
    configure_logging(settings.log_level, secrets=_secrets(settings))
    return asyncio.run(Runtime(settings, role=role, webhook=webhook).serve())


async def fetch_once(settings: Settings) -> int:
    async with _core(settings) as core:
        summary = await fetch_with_progress(core.ingestor, sys.stderr.isatty())
    print(summary.line())
    return 0


async def prune(settings: Settings) -> int:
    async with _core(settings) as core:
        print((await asyncio.to_thread(core.retention.prune)).line())
    return 0


def backup(settings: Settings, target: Path) -> int:
    try:
        size = backup_sqlite(settings.database_url, target)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"backed up the database to {target} ({size / 1e6:.1f} MB)")
    return 0


async def cluster(settings: Settings) -> int:
    async with _core(settings) as core:
        print((await asyncio.to_thread(core.cluster)).line())
    return 0


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}:{number}: not JSON ({exc.msg})") from None


def cluster_file(source: Path, out: Path, *, embeddings: bool = False) -> int:
    """The product's path in publish order (ties keep file order; any unknown time: file order): online assignment,
    and refinement passes paced by the items' `published` times as the worker paces them by the clock. Each line
    gives the item's final story, the story it had right after its online assignment (`online_story`), and the
    sections its story is listed under; stderr says how many items each pass moved (churn)."""
    encoder = None
    if embeddings:
        from news.embed import MiniLMEncoder, embeddings_problem

        problem = embeddings_problem()
        if problem:
            raise CommandError(problem)
        encoder = MiniLMEncoder()
    records = list(_records(source))
    order: Sequence[int] = range(len(records))
    if all(r.get("published") for r in records):
        order = sorted(order, key=lambda i: (records[i]["published"], i))
    result = cluster_stream((records[i] for i in order), ClusterParams(), encoder)
    stories = result.final
    # The sections each item's story is listed under: the product's classifier, as shipped (its seed).
    sections = sections_by_item(records, stories, load_seed_model())
    with out.open("w", encoding="utf-8") as handle:
        for i in order:
            item_id = str(records[i]["id"])
            line = {"id": item_id, "story": stories[item_id], "online_story": result.online[item_id],
                    "sections": list(sections[item_id])}
            handle.write(json.dumps(line) + "\n")
    print(f"clustered {len(records)} items into {out}", file=sys.stderr)
    moved = [m for _, m in result.churn]
    passes = ", ".join(f"{m}/{n}" for n, m in result.churn[:50]) + (" ..." if len(result.churn) > 50 else "")
    print(f"refinement: {len(moved)} passes, {sum(moved)} items changed story (moved/open per pass: {passes})",
          file=sys.stderr)
    if encoder is not None:
        rate = f"{encoder.encoded} texts in {encoder.seconds:.1f}s = {encoder.rate():,.0f} items/s"
        print(f"encoded {rate}", file=sys.stderr)
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """The bot's username (getMe), for the links a digest carries; None without a token or the Bot API."""
    if settings.token_problem() is not None:
        return None
    try:
        async with Bot(settings.token(), base_url=settings.bot_base_url) as bot:
            return bot.username
    except TelegramError:
        return None


async def preview(settings: Settings, topics: Sequence[str] | None, chat_id: int | None) -> int:
    """The digest a chat would get now (the same selection and renderer as the scheduled one), as plain text."""
    async with _core(settings) as core:
        if chat_id is not None:
            digest = await core.digests.for_chat(chat_id)
            if digest is None:
                raise CommandError(f"no chat {chat_id} in the database (it appears once it writes to the bot)")
        else:
            digest = await core.digests.for_topics(list(topics or sorted(SECTIONS)))
    with use(settings.default_language):  # a chat's own language, when it has one, wins in digest_messages
        messages = digest_messages(digest, await _bot_username(settings))
    if not messages:
        print(f"Nothing new for chat {chat_id}, and it prefers no message on such days.")
    for message in messages:
        print(to_plain(message))
        print()
    return 0


async def stats(settings: Settings, *, as_json: bool) -> int:
    async with _core(settings) as core:
        data = await core.operators.stats()
    if as_json:
        print(json.dumps(data, indent=2, sort_keys=True))
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return 0


async def resume_feeds(settings: Settings, ids: Sequence[int] | None) -> int:
    async with _core(settings) as core:
        count = await core.operators.resume(ids)
    print(f"resumed {count} paused feed{'s' if count != 1 else ''}; they are polled on the next fetch")
    return 0


async def feeds(settings: Settings, action: str, file: Path | None) -> int:
    async with _core(settings) as core:
        if action == "import":
            assert file is not None
            try:
                specs = parse_opml(await asyncio.to_thread(file.read_bytes))
            except (OSError, OpmlError) as exc:
                raise CommandError(f"cannot import {file}: {exc}") from None
            added = await core.operators.add_feeds(specs)
            print(f"imported {added} new feeds ({len(specs) - added} already followed)")
        elif action == "export":
            print(await core.operators.export())
        else:
            print_feed_health(await core.operators.health())
    return 0
