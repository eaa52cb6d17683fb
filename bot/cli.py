"""The `storybot` command: run, migrate, fetch, cluster, cluster-file, preview, stats, feeds, prune, backup,
outlets."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from app.runtime import StartupError
from app.settings import Settings
from bot import outlets_cli
from storage.db import DatabaseUnavailable

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storybot", description="News feeds in, stories out, delivered on Telegram.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (long polling) and its scheduled jobs")
    run.add_argument("--webhook", action="store_true",
                     help="take updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN, WEBHOOK_PORT)")
    run.add_argument("--role", choices=("all", "bot", "worker"), default="all",
                     help="bot: answer updates; worker: fetch, cluster, deliver digests; all (default): both")
    sub.add_parser("migrate", help="apply database migrations")
    fetch = sub.add_parser("fetch", help="poll the feeds that are due")
    fetch.add_argument("--once", action="store_true", required=True, help="poll once, print a summary, exit")
    sub.add_parser("cluster", help="assign unclustered articles to stories")
    cf = sub.add_parser("cluster-file", help="cluster a JSON-lines file of news items with the production code")
    cf.add_argument("input", type=Path, help="JSON lines with id, title, summary, source, url, published")
    cf.add_argument("--out", type=Path, required=True, help="where to write {id, story} lines")
    cf.add_argument("--embeddings", action="store_true", help="hybrid TF-IDF + MiniLM (needs storybot[embeddings])")
    preview = sub.add_parser("preview", help="print the digest a chat would get now, as plain text")
    preview.add_argument("--chat", type=int, help="a chat's id: exactly the digest it would be sent now")
    preview.add_argument("--topic", action="append", help="a topic (repeatable) for a new chat; default: every section")
    stats = sub.add_parser("stats", help="counts of feeds, articles, stories, chats, deliveries")
    stats.add_argument("--json", action="store_true", help="print JSON")
    feeds = sub.add_parser("feeds", help="list, import or export the followed feeds")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    feeds_sub.add_parser("list", help="each feed's health")
    imp = feeds_sub.add_parser("import", help="add the feeds of an OPML file")
    imp.add_argument("file", type=Path)
    feeds_sub.add_parser("export", help="print the feeds as OPML")
    resume = feeds_sub.add_parser("resume", help="poll paused feeds again (a 410 or two days of failures pause one)")
    resume.add_argument("ids", nargs="*", type=int, help="feed ids from `feeds list`; none: every paused feed")
    sub.add_parser("prune", help="remove articles older than RETENTION_DAYS (their stories keep their cards)")
    backup = sub.add_parser("backup", help="copy the SQLite database to a new file, safely while the bot runs")
    backup.add_argument("file", type=Path, help="the copy to write (must not exist yet)")
    outlets_cli.add_parser(sub)
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "_".join(str(p) for p in error["loc"]).upper() or "settings"
            message = error["msg"].removeprefix("Value error, ")
            print(f"storybot: invalid setting {name}: {message}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cluster-file":
        from bot.commands import cluster_file

        try:
            return cluster_file(args.input, args.out, embeddings=args.embeddings)
        except StartupError as exc:
            print(f"storybot: {exc}", file=sys.stderr)
            return 2
    if args.command == "outlets" and args.outlets_command == "check":
        return outlets_cli.run(args, None)
    settings = _settings()
    if args.command == "outlets":
        return outlets_cli.run(args, settings.outlets_file)
    if settings.cluster_embeddings and args.command != "migrate":
        from news.embed import embeddings_problem

        problem = embeddings_problem()
        if problem:  # asked for explicitly, so no silent fallback to the TF-IDF-only thresholds
            print(f"storybot: {problem}", file=sys.stderr)
            return 2
    try:
        return _dispatch(args, settings)
    except (StartupError, DatabaseUnavailable) as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    if args.command == "run":
        problem = settings.token_problem() or (settings.webhook_problem() if args.webhook else None)
        if problem:
            print(f"storybot: {problem}", file=sys.stderr)
            return 2
        return commands.run(settings, args.role, webhook=args.webhook)
    if args.command == "migrate":
        return commands.migrate(settings)
    if args.command == "fetch":
        return asyncio.run(commands.fetch_once(settings))
    if args.command == "cluster":
        return asyncio.run(commands.cluster(settings))
    if args.command == "preview":
        return asyncio.run(commands.preview(settings, args.topic, args.chat))
    if args.command == "stats":
        return asyncio.run(commands.stats(settings, as_json=args.json))
    if args.command == "prune":
        return asyncio.run(commands.prune(settings))
    if args.command == "backup":
        return commands.backup(settings, args.file)
    if args.command == "feeds":
        if args.feeds_command == "resume":
            return asyncio.run(commands.resume_feeds(settings, args.ids or None))
        return asyncio.run(commands.feeds(settings, args.feeds_command, getattr(args, "file", None)))
    raise AssertionError(args.command)


if __name__ == "__main__":
    raise SystemExit(main())
