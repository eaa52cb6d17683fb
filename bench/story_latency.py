"""/story, /top, /blindspot and inline answers at 100,000 stories, through the fake Bot API, user's update to the
bot's answer.

    .venv/bin/python bench/story_latency.py [--stories 100000] [--queries 200] [--baseline-queries 30]
                                            [--digest-rounds 20] [--today-rounds 100]

Seeds a fresh SQLite database (bulk inserts through the real schema, so the search index triggers run), starts
the fake Bot API in its own process and the real Application here, then acts as users over the fake's control
API: each query comes from its own user (no per-chat pacing or flood control in the way) and is timed from
the POST that delivers the user's update to the moment the bot's answer is visible at the fake. Startup work
(the clusterer's warm-up) is done before timing. The baseline is the same bot with the previous search (ILIKE
over every article title and summary) patched in, on the same database, in the same run. Then /top and /blindspot
(today's stories from the digest corpus), with the corpus ready and reloaded on demand. Last, /digest for chats
at the topic cap over the recent stories (the digest corpus), warm and cold.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from app import stories as app_stories
from app.chats import MAX_TOPICS, ChatRef
from app.settings import Settings
from bot.render_digest import digest_messages
from bot.runtime import Runtime
from news.sources import load_outlets
from news.topics import SECTIONS
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Article, Feed, Source, Story
from storage.search import SearchWindow

NOW = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)
HEADLINES = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "uci-dev.jsonl"
TOKEN = "123456789:" + "AAbenchmarkTokenForTheFakeBotApi000"  # the fake wants 35 characters
STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "with", "is", "at", "by", "as", "its", "from"}


def headlines() -> list[str]:
    if HEADLINES.exists():
        titles = [json.loads(line)["title"] for line in HEADLINES.open(encoding="utf-8") if line.strip()]
        return sorted({t for t in titles if len(t) > 20})
    rng = random.Random(1)
    words = [f"word{i}" for i in range(5000)]
    return [" ".join(rng.choices(words, k=8)) for _ in range(20000)]


def seed(db: Database, n_stories: int, rng: random.Random) -> tuple[int, float]:
    """n stories of 2-8 articles from distinct outlets over the last 14 days; returns (articles, seconds)."""
    started = time.perf_counter()
    pool = headlines()
    outlets = [o for o in load_outlets(None) if o.domains][:150]
    with db.session() as s:
        s.execute(insert(Source), [{"id": i + 1, "domain": o.domains[0], "name": o.name, "country": o.country,
                                    "bias": o.bias.value if o.bias else None, "factuality": o.factuality}
                                   for i, o in enumerate(outlets)])
        s.execute(insert(Feed), [{"id": i + 1, "url": f"https://{o.domains[0]}/rss", "title": o.name,
                                  "category": "", "created_at": NOW} for i, o in enumerate(outlets)])
    article_id, batch_stories, batch_articles = 0, [], []
    for sid in range(1, n_stories + 1):
        base = pool[sid % len(pool)]
        updated = NOW - timedelta(minutes=rng.randrange(14 * 24 * 60))
        size = rng.choice((2, 2, 3, 3, 4, 5, 6, 8))
        for slot in rng.sample(range(len(outlets)), size):
            article_id += 1
            words = base.split()
            rng.shuffle(words[1:])  # each outlet words it a little differently
            batch_articles.append({
                "id": article_id, "feed_id": slot + 1, "source_id": slot + 1, "dedup_key": str(article_id),
                "url": f"https://{outlets[slot].domains[0]}/{sid}/{article_id}", "title": " ".join(words),
                "summary": f"{base}. {pool[(sid * 7 + article_id) % len(pool)]}", "categories": "",
                "published_at": updated - timedelta(minutes=rng.randrange(600)), "fetched_at": updated,
                "story_id": sid,
            })
        batch_stories.append({"id": sid, "key": f"s{sid}", "first_seen": updated - timedelta(hours=10),
                              "last_updated": updated, "article_count": size, "source_count": size, "headline": ""})
        if len(batch_stories) >= 5000 or sid == n_stories:
            with db.session() as s:
                s.execute(insert(Story), batch_stories)
                s.execute(insert(Article), batch_articles)
            batch_stories, batch_articles = [], []
    return article_id, time.perf_counter() - started


def queries(rng: random.Random, n: int) -> list[str]:
    """Mostly one to three words of a real headline; some single common words, some that match nothing."""
    pool = headlines()
    out = []
    for i in range(n):
        if i % 10 == 9:
            out.append(f"zebra{i} quokka")
            continue
        words = [w.strip(".,:;'\"!?()") for w in rng.choice(pool).split()]
        words = [w for w in words if len(w) > 2 and w.lower() not in STOP] or ["news"]
        k = 1 if i % 10 < 3 else rng.choice((2, 2, 3))
        start = rng.randrange(max(1, len(words) - k + 1))
        out.append(" ".join(words[start : start + k]))
    return out


def ilike_matches(session: Session, group: Sequence[str], window: SearchWindow) -> list[tuple[int, bool, int]]:
    """The search before the full-text index, for the baseline: ILIKE over every article's title and summary
    (the same rows as storage.search.group_matches, found by scanning)."""
    in_title = or_(*(Article.title.ilike(f"%{w}%") for w in group))
    query = select(Article.story_id, in_title, Story.article_count).join(Story, Article.story_id == Story.id).where(
        Story.last_updated >= window.since, Story.merged_into_id.is_(None),
        or_(*(or_(Article.title.ilike(f"%{w}%"), Article.summary.ilike(f"%{w}%")) for w in group)))
    return [(sid, bool(titled), size) for sid, titled, size in session.execute(query) if sid is not None]


def digest_topics(rng: random.Random) -> list[str]:
    """A chat at the topic cap: every section, and the rest frequent headline words."""
    counts: dict[str, int] = {}
    for title in headlines():
        for word in title.lower().split():
            word = word.strip(".,:;'\"!?()")
            if len(word) > 4 and word.isalpha() and word not in STOP:
                counts[word] = counts.get(word, 0) + 1
    common = sorted(counts, key=lambda w: -counts[w])[:200]
    return sorted(SECTIONS) + rng.sample(common, MAX_TOPICS - len(SECTIONS))


async def measure_digest(runtime: Runtime, driver: Driver, rng: random.Random, rounds: int) -> None:
    """/digest for chats following MAX_TOPICS topics: time to the first and last part, with the corpus of
    recent stories cached (warm) and reloaded first (cold); and the selection alone, in-process."""
    core = runtime.core
    users = []
    for _ in range(rounds):
        driver.next_user += 1
        users.append(driver.next_user)
        await driver.client.post("/_control/add_user", json={"first_name": "D", "user_id": driver.next_user})
        await core.chats.start(ChatRef(driver.next_user))
        for topic in digest_topics(rng):
            await core.chats.follow(ChatRef(driver.next_user), topic)
    started = time.perf_counter()
    await core.digests.refresh()  # what the clustering job does after each pass, in the background
    corpus = await core.digests.corpus(NOW)
    print(f"/digest at {MAX_TOPICS} topics over {len(corpus.ranked)} recent stories "
          f"(background refresh of the corpus and its cards: {time.perf_counter() - started:.1f} s):")
    for label, cold in (("corpus ready (as after a clustering pass)", False), ("corpus reloaded on demand", True)):
        first, last, select = [], [], []
        for user in users:
            if cold:
                core.digests.invalidate()
            started = time.perf_counter()
            digest = await core.digests.for_chat(user)
            select.append(time.perf_counter() - started)
            assert digest is not None
            parts = len(digest_messages(dataclasses.replace(digest, send_empty=True), runtime.application.bot.username))
            if cold:
                core.digests.invalidate()
            first_at, last_at = await driver.digest(user, parts)
            first.append(first_at)
            last.append(last_at)
        print(f"  {label}: {parts} messages")
        for name, times in (("selection (in-process)", select), ("first message", first), ("last message", last)):
            print("    " + summary(name, times))


async def measure_today(runtime: Runtime, driver: Driver, rounds: int) -> None:
    """/top and /blindspot from new users, the corpus ready (as after a clustering pass) and reloaded first."""
    digests = runtime.core.digests
    await digests.refresh()
    for label, cold in (("corpus ready (as after a clustering pass)", False), ("corpus reloaded on demand", True)):
        print(f"/top and /blindspot, {label}:")
        for command in ("/top", "/blindspot"):
            times, answers = [], set()
            for _ in range(rounds):
                if cold:
                    digests.invalidate()
                elapsed, text = await driver.command(command)
                times.append(elapsed)
                answers.add(text.split("\n")[0])
            print("  " + summary(command, times) + f"   answers: {sorted(answers)}")
        await digests.refresh()


class Driver:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.next_user = 1000

    async def story(self, query: str) -> tuple[float, str]:
        return await self.command(f"/story {query}")

    async def command(self, text: str) -> tuple[float, str]:
        """Seconds from a new user's command to the bot's first answer, and that answer."""
        self.next_user += 1
        user = self.next_user
        await self.client.post("/_control/add_user", json={"first_name": "U", "user_id": user})
        started = time.perf_counter()
        await self.client.post("/_control/send_message", json={"chat_id": user, "text": text})
        reply = await self.client.get("/_control/messages", params={"chat_id": user, "count": 1, "timeout": 30})
        elapsed = time.perf_counter() - started
        return elapsed, reply.json()["result"][0]["text"]

    async def digest(self, user: int, parts: int) -> tuple[float, float]:
        """Seconds from sending /digest to its first and to its last message."""
        had = len((await self.client.get("/_control/messages", params={"chat_id": user})).json()["result"])
        started = time.perf_counter()
        await self.client.post("/_control/send_message", json={"chat_id": user, "text": "/digest"})
        await self.client.get("/_control/messages", params={"chat_id": user, "count": had + 1, "timeout": 30})
        first = time.perf_counter() - started
        await self.client.get("/_control/messages", params={"chat_id": user, "count": had + parts, "timeout": 30})
        return first, time.perf_counter() - started

    async def inline(self, query: str) -> tuple[float, int]:
        """The fake logs a request when it completes: the update's getUpdates, then answerInlineQuery. Timing
        stops when the count has moved twice; the answer list is checked afterwards (polling the list itself
        would time the fake re-serializing hundreds of cards, not the bot)."""
        self.next_user += 1
        answers = len((await self.client.get("/_control/inline_answers")).json()["result"])
        wanted = (await self.client.get("/_control/stats")).json()["result"]["requests"] + 2
        started = time.perf_counter()
        await self.client.post("/_control/inline_query", json={"user_id": self.next_user, "query": query})
        while True:
            requests = (await self.client.get("/_control/stats")).json()["result"]["requests"]
            elapsed = time.perf_counter() - started
            if requests >= wanted:
                now_answers = (await self.client.get("/_control/inline_answers")).json()["result"]
                if len(now_answers) > answers:
                    return elapsed, len(now_answers[-1]["results"])
                wanted = requests + 1
            await asyncio.sleep(0.001)


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{name:<22} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"


async def measure(driver: Driver, story_queries: list[str], inline_queries: list[str]) -> dict[str, list[float]]:
    found = 0
    story_times, inline_times = [], []
    for q in story_queries:
        elapsed, text = await driver.story(q)
        story_times.append(elapsed)
        found += not text.startswith("No story found")
    for q in inline_queries:
        elapsed, _count = await driver.inline(q)
        inline_times.append(elapsed)
    print(f"  /story found a story for {found}/{len(story_queries)} queries")
    return {"/story": story_times, "inline": inline_times}


def prepare_run(n_stories: int, rng: random.Random) -> tuple[Path, int, subprocess.Popen[bytes]]:
    """A seeded database, an empty feed list, and the fake Bot API running in its own process."""
    workdir = Path(tempfile.mkdtemp(prefix="storybot-bench-"))
    db = Database(f"sqlite:///{workdir / 'bench.db'}")
    upgrade(db)
    n_articles, seconds = seed(db, n_stories, rng)
    db.dispose()
    print(f"seeded {n_stories} stories, {n_articles} articles in {seconds:.0f} s ({workdir})")
    (workdir / "feeds.opml").write_text('<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>')
    port = 18000 + rng.randrange(1000)
    fake = subprocess.Popen([sys.executable, "-m", "fakes.telegram_serve", "--port", str(port)],
                            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE)
    assert fake.stdout is not None
    fake.stdout.readline()  # "fake Telegram Bot API at ..."
    return workdir, port, fake


async def main(args: argparse.Namespace, workdir: Path, port: int, rng: random.Random) -> None:
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    opml = workdir / "feeds.opml"
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN,  # type: ignore[call-arg]
                        telegram_api_url=f"http://127.0.0.1:{port}", database_url=db_url, feeds_file=opml,
                        log_level="WARNING")
    async with Runtime(settings, clock=lambda: NOW) as runtime:
        await asyncio.to_thread(runtime.core.engine.cluster_pending)  # startup warm-up, not part of any answer
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            driver = Driver(client)
            await measure(driver, queries(rng, 10), queries(rng, 10))  # warm caches and connections
            print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
                  f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")
            print("indexed search (FTS5):")
            indexed = await measure(driver, queries(rng, args.queries), queries(rng, args.queries))
            for name, times in indexed.items():
                print("  " + summary(name, times))
            await measure_today(runtime, driver, args.today_rounds)
            print("baseline (ILIKE scan, the search before the index):")
            original = app_stories.group_matches
            app_stories.group_matches = ilike_matches
            try:
                base = await measure(driver, queries(rng, args.baseline_queries),
                                     queries(rng, args.baseline_queries))
            finally:
                app_stories.group_matches = original
            for name, times in base.items():
                print("  " + summary(name, times))
            await measure_digest(runtime, driver, rng, args.digest_rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=30)
    parser.add_argument("--digest-rounds", type=int, default=20, help="chats asking /digest at the topic cap")
    parser.add_argument("--today-rounds", type=int, default=100, help="users asking /top, and /blindspot")
    arguments = parser.parse_args()
    generator = random.Random(7)
    directory, fake_port, fake_server = prepare_run(arguments.stories, generator)
    try:
        asyncio.run(main(arguments, directory, fake_port, generator))
    finally:
        fake_server.terminate()
        fake_server.wait()
