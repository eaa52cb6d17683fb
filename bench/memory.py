"""Resident memory of the bot at scale, across a simulated day of its ticks.

    PYTHONPATH=. .venv/bin/python bench/memory.py                      # PostgreSQL, 1M articles, 100k stories
    PYTHONPATH=. .venv/bin/python bench/memory.py --scale 0.01 --db sqlite   # a smoke test (about a minute)
    ... [--day-chats 3000] [--feeds 100] [--ticks 96] [--tick-minutes 15] [--postgres-url URL]
    ... --loaded URL    # a database this bench loaded before (kept): go on from its last article, no new load

The database is loaded as bench/scale.py loads it (bench/scale_data.py: at --scale 1.0, 1,000,000 articles in
100,000 stories over 300 days and 100,000 chats with three topics each), on a fresh database made and dropped.
The bot then runs in a child process as `storybot run` builds it (bot.runtime.Runtime: the real Application and
Bot pointed at the fake Bot API in a third process, the Core, the digest workers and their pace), but driven by a
virtual clock instead of the JobQueue: every 15 minutes of the simulated day (`--ticks` 96 = 24 h), the jobs the
JobQueue would run, in its order: refresh the feeds (bench/soak_feeds.py's generated RSS, real UCI headlines,
through an httpx.MockTransport), cluster, refine (every 30 minutes, its default), the digest tick with its sends
drained, and the daily prune at 03:15. `--day-chats` of the chats get their digest during that day, at their own
minute (the others are due later): at Telegram's 30 messages a second all 100,000 would take over an hour of
sending alone, and what a digest holds in memory is released when it is sent.

After each tick the child reads its own VmRSS (and VmHWM, the peak) from /proc/self/status. The report gives the
resident size once ready (after the first tick: the clusterer rebuilt from the open stories, the digest corpus
loaded), the peak, and growth: the median of the last quarter of the ticks against the median of the second
quarter (the first quarter is the warm-up). It must not grow: the ratio is at most 1.05 and the peak under
`--limit-mb` (400 for the default install). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fanout import control, fake_bot_api, open_private_chats
from scale_data import FULL, fix_sequences, load
from soak import database
from soak_feeds import FeedFarm
from sqlalchemy import func, select, text, update

from app.settings import Settings
from bot.logs import configure_logging
from bot.runtime import Runtime
from fakes.telegram_world import DEFAULT_TOKEN
from news.fetch import Fetcher
from news.opml import export_opml
from storage import feeds as feed_store
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Article, Chat

REFINE_MINUTES = 30  # the default CLUSTER_REFINE_MINUTES
PRUNE_AT = timedelta(hours=3, minutes=15)
GROWTH_LIMIT = 1.05


def resident() -> dict[str, float]:
    """This process's resident set now and at its peak, in MB (Linux /proc)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_mb": fields.get("VmHWM", 0.0)}


async def run_child(args: argparse.Namespace) -> None:
    """The bot, as `storybot run` builds it, through one simulated day; one JSON line per tick on stdout."""
    configure_logging("ERROR")
    start = datetime.fromisoformat(args.start)
    tick_length = timedelta(minutes=args.tick_minutes)
    refine_every = max(1, REFINE_MINUTES // args.tick_minutes)
    clock = [start]
    farm = FeedFarm(args.feeds, start.date(), 3, 1, clock, max_age=int(tick_length.total_seconds()))
    work = Path(tempfile.mkdtemp(prefix="memory-"))
    feeds = work / "feeds.opml"
    feeds.write_text(export_opml([]))
    settings = Settings(_env_file=None, telegram_bot_token=DEFAULT_TOKEN, telegram_api_url=args.api,  # type: ignore[call-arg]
                        database_url=args.url, feeds_file=feeds, retention_days=FULL.days - 1, log_level="ERROR",
                        cluster_embeddings=args.embeddings)
    runtime = Runtime(settings, clock=lambda: clock[0], client=Fetcher.make_client(transport=farm.transport()),
                      polling=False, role="all")
    context: Any = SimpleNamespace(job_queue=None)
    try:
        await asyncio.to_thread(runtime.core.prepare)  # as `storybot run` starts: migrate (a kept database may lag)
        runtime.core.interactive.sync(feed_store.upsert_feeds, farm.urls())
        await runtime.application.initialize()
        print(json.dumps({"tick": -1, **resident()}), flush=True)
        for tick in range(args.ticks):
            clock[0] = at = start + tick * tick_length
            day = (at.date() - start.date()).days
            if tick == 0 or at.date() != (at - tick_length).date():
                farm.make_day(day)
            began = time.perf_counter()
            await runtime.jobs.refresh(context)
            await runtime.jobs.cluster(context)
            if tick % refine_every == refine_every - 1:
                await runtime.jobs.refine(context)
            await runtime.jobs.digests(context)
            await runtime.delivery.idle(timeout=1800)
            since_midnight = at - datetime.combine(at.date(), datetime.min.time(), UTC)
            if PRUNE_AT <= since_midnight < PRUNE_AT + tick_length:
                await runtime.jobs.prune(context)
            print(json.dumps({"tick": tick, "at": at.isoformat(), "seconds": round(time.perf_counter() - began, 2),
                              **resident()}), flush=True)
    finally:
        await runtime.stop()


def prepare(url: str, args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    """Load the history; only `--day-chats` chats are due within the simulated day."""
    target = replace(FULL, articles=round(FULL.articles * args.scale), stories=round(FULL.stories * args.scale),
                     chats=round(FULL.chats * args.scale))
    db = Database(url)
    started = time.perf_counter()
    upgrade(db)
    load(db, target, now, 0)
    fix_sequences(db)
    with db.session() as s:
        s.execute(update(Chat).where(Chat.id > args.day_chats).values(next_digest_at=now + timedelta(days=3)))
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    db.dispose()
    return {"load": vars(target), "load_seconds": round(time.perf_counter() - started, 1)}


def summarize(ticks: list[dict[str, Any]], limit_mb: float) -> dict[str, Any]:
    rss = [t["rss_mb"] for t in ticks if t["tick"] >= 0]
    quarter = max(1, len(rss) // 4)
    second, last = statistics.median(rss[quarter:2 * quarter]), statistics.median(rss[-quarter:])
    peak = max(t["peak_mb"] for t in ticks)
    return {"before_first_tick_mb": ticks[0]["rss_mb"], "ready_mb": rss[0], "peak_mb": peak,
            "median_second_quarter_mb": second, "median_last_quarter_mb": last,
            "growth": round(last / second, 3), "final_mb": rss[-1],
            "tick_seconds_median": statistics.median(t["seconds"] for t in ticks if t["tick"] >= 0),
            "ok": peak < limit_mb and last / second <= GROWTH_LIMIT}


def last_article(url: str, tick_minutes: int) -> datetime:
    """Where a kept database's simulated time stopped: its newest article, rounded up to the next tick."""
    db = Database(url)
    try:
        with db.session() as s:
            newest = s.scalar(select(func.max(Article.fetched_at)))
    finally:
        db.dispose()
    assert newest is not None, "the database holds no articles: load it first (run without --loaded)"
    minutes = tick_minutes - newest.minute % tick_minutes
    return newest.replace(second=0, microsecond=0) + timedelta(minutes=minutes)


def run_bot(url: str, api: str, start: datetime, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The bot's child process; its tick lines are echoed to stderr as they come (a long run shows its progress)."""
    command = [sys.executable, __file__, "--child", "--url", url, "--api", api, "--start", start.isoformat(),
               "--ticks", str(args.ticks), "--tick-minutes", str(args.tick_minutes), "--feeds", str(args.feeds),
               *(["--embeddings"] if args.embeddings else [])]
    ticks: list[dict[str, Any]] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("{"):
                ticks.append(json.loads(line))
                print(line.rstrip(), file=sys.stderr, flush=True)
    if child.returncode != 0 or not ticks:
        raise SystemExit(f"the bot process failed (exit {child.returncode})")
    return ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full load (1,000,000 articles)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBOT_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--loaded", help="a database loaded by an earlier run, kept: no load, not dropped")
    parser.add_argument("--day-chats", type=int, default=3000, help="chats whose digest falls within the day")
    parser.add_argument("--feeds", type=int, default=100, help="generated feeds polled (of 300)")
    parser.add_argument("--ticks", type=int, default=96, help="ticks (96 of 15 minutes = one day)")
    parser.add_argument("--tick-minutes", type=int, default=15, choices=(5, 10, 15, 20, 30, 60))
    parser.add_argument("--embeddings", action="store_true",
                        help="cluster with sentence embeddings (needs the [embeddings] extra; aim: under 1 GB)")
    parser.add_argument("--limit-mb", type=float, help="default 400, or 1024 with --embeddings")
    parser.add_argument("--port", type=int, default=18091)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.limit_mb is None:
        args.limit_mb = 1024.0 if args.embeddings else 400.0
    if args.child:
        asyncio.run(run_child(args))
        return
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    report: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
                              "load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="memory-") as tmp, fake_bot_api(args.port) as api:
        with contextlib.ExitStack() as stack:
            if args.loaded:
                url, start = args.loaded, last_article(args.loaded, args.tick_minutes)
            else:
                url, start = stack.enter_context(database(args.db, args.postgres_url, Path(tmp), "memory")), now
                report.update(prepare(url, args, now))
            asyncio.run(open_private_chats(api, range(1, args.day_chats + 1)))
            ticks = run_bot(url, api, start, args)
        sent = control(api, "stats")
    report.update({"db": args.db, "embeddings": args.embeddings, "day_chats": args.day_chats,
                   "ticks": len(ticks) - 1, "fake_bot_api": sent,
                   "memory": summarize(ticks, args.limit_mb), "load_average_after": os.getloadavg(),
                   "per_tick": [(t["tick"], t["rss_mb"], t.get("seconds")) for t in ticks]})
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
