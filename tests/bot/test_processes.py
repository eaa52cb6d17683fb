"""Several `storybot run --role worker` processes on one PostgreSQL database, and one process per SQLite file.

Real subprocesses against the fake Bot API (enforcing a global rate) and a local feed server (counting hits):
each due feed fetched once, each digest sent once, all of them under the global rate together; a worker killed
with SIGKILL midway leaves its work to the other, which finishes it.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from bot.pace import IN_FLIGHT
from fakes.feed_server import FeedServer
from fakes.newsroom import ISS, seed_story
from fakes.telegram_api import FakeTelegram
from news.opml import FeedSpec, export_opml
from storage import chats
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryStatus, Feed
from tests.conftest import FIXTURES

RATE = 6.0  # the fake's global limit, and the bot's SEND_RATE_GLOBAL: the processes together must keep it
CHATS = 72
FEEDS = 24
FINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED, DeliveryStatus.UNKNOWN)
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "FEEDS_FILE"))}


@dataclass
class World:
    telegram: FakeTelegram
    feeds: FeedServer
    db: Database
    chat_ids: list[int]
    feed_paths: list[str]
    env: dict[str, str]
    tmp: Path

    def rows(self) -> dict[int, Delivery]:
        with self.db.session() as s:
            return {d.chat_id: d for d in s.scalars(select(Delivery).where(Delivery.chat_id.in_(self.chat_ids)))}

    async def start_worker(self, name: str) -> asyncio.subprocess.Process:
        log = (self.tmp / f"{name}.log").open("wb")
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--role", "worker", env=self.env, cwd=self.tmp,
            stdout=log, stderr=log)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    async def all_final(self, timeout: float) -> dict[int, Delivery]:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            rows = await asyncio.to_thread(self.rows)
            if len(rows) == len(self.chat_ids) and all(r.status in FINAL for r in rows.values()):
                return rows
            await asyncio.sleep(0.5)
        raise AssertionError(f"not every digest is final: {Counter(r.status for r in self.rows().values())}")


def seed(db: Database, chat_ids: list[int], now: datetime) -> None:
    upgrade(db)
    with db.session() as s:
        seed_story(s, "iss", ISS, now=now)
        # The seeded story's outlets have feeds of their own on the internet: not the test's to fetch.
        s.execute(update(Feed).values(next_check_at=now + timedelta(days=1)))
        for chat_id in chat_ids:
            due = now - timedelta(seconds=5)
            chats.ensure_chat(s, chat_id, timezone="UTC", digest_times="00:00", next_digest_at=due)
            chats.subscribe(s, chat_id, "space")


@contextmanager
def heap_frozen() -> Iterator[None]:
    """The fake Bot API times each request when this process's event loop reads it. A full garbage collection of
    this process's heap (hundreds of tests' worth, over 100 ms late in a suite) would hold requests that arrived
    on time and then time them together, a burst the workers never sent. Frozen, the heap is out of those passes
    while the fake measures; afterwards it is collected as before."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@asynccontextmanager
async def world(tmp_path: Path, url: str, *, chats: int = CHATS, rate: float = RATE,
                **env: str) -> AsyncIterator[World]:
    bodies = sorted((FIXTURES / "feeds").glob("*.xml"))
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        paths = [f"/feed{i}.xml" for i in range(FEEDS)]
        urls = [feeds.add(path, bodies[i % len(bodies)].read_bytes(), delay=0.2) for i, path in enumerate(paths)]
        (tmp_path / "feeds.opml").write_text(export_opml(FeedSpec(u, Path(u).stem) for u in urls))
        telegram.enable_rate_limits(global_per_second=rate, private_per_second=1, group_per_minute=20)
        chat_ids = [telegram.add_private_chat(telegram.add_user(f"Reader{i}")).id for i in range(chats)]
        db = Database(url)
        await asyncio.to_thread(seed, db, chat_ids, datetime.now(UTC))
        settings = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.api_root,
                    "DATABASE_URL": url, "FEEDS_FILE": str(tmp_path / "feeds.opml"), "SEND_RATE_GLOBAL": str(rate),
                    "DIGEST_WORKERS": "2", "LOG_LEVEL": "INFO", "PYTHONPATH": str(Path.cwd()), **env}
        try:
            with heap_frozen():
                yield World(telegram, feeds, db, chat_ids, paths, {**CLEAN_ENV, **settings}, tmp_path)
        finally:
            db.dispose()


async def stop(*workers: asyncio.subprocess.Process) -> None:
    for worker in workers:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        await asyncio.wait_for(worker.wait(), 30)


def assert_sent_once(w: World, rows: dict[int, Delivery]) -> None:
    """No chat got more than its digest; every row not caught mid-send by a kill was sent whole."""
    for chat_id in w.chat_ids:
        row = rows[chat_id]
        received = len(w.telegram.messages(chat_id))
        parts = len(row.message_ids.split(",")) if row.message_ids else 0
        if row.status is DeliveryStatus.UNKNOWN:
            assert received <= parts + 1, (chat_id, received, parts)
        else:
            assert row.status is DeliveryStatus.SENT, (chat_id, row.status, row.error)
            assert received == parts >= 1, (chat_id, received, parts)


async def test_two_workers_share_feeds_and_digests_under_one_rate(tmp_path: Path, postgres_url: str) -> None:
    async with world(tmp_path, postgres_url) as w:
        workers = [await w.start_worker("a"), await w.start_worker("b")]
        try:
            rows = await w.all_final(timeout=120)
            for _ in range(40):  # the feeds' first pass ends well within the digests' time; wait for it anyway
                if all(w.feeds.hits[p] for p in w.feed_paths):
                    break
                await asyncio.sleep(0.5)
        finally:
            await stop(*workers)
        assert [p for p in w.feed_paths if w.feeds.hits[p] != 1] == []  # each feed fetched by one process, once
        assert_sent_once(w, rows)
        assert {r.status for r in rows.values()} == {DeliveryStatus.SENT}
        assert len({r.lease_owner for r in rows.values()}) == 2  # both processes sent digests...
        assert w.telegram.rate_limited == []  # ...and together kept the global rate
        assert [wk.returncode for wk in workers] == [0, 0]


async def test_a_worker_killed_midway_leaves_its_work_to_the_other(tmp_path: Path, postgres_url: str) -> None:
    async with world(tmp_path, postgres_url, DIGEST_LEASE_SECONDS="3") as w:
        victim, survivor = await w.start_worker("victim"), await w.start_worker("survivor")
        try:
            while sum(len(w.telegram.messages(c)) for c in w.chat_ids) < CHATS // 3:
                assert victim.returncode is None and survivor.returncode is None
                await asyncio.sleep(0.2)
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            rows = await w.all_final(timeout=120)
            assert survivor.returncode is None
        finally:
            await stop(victim, survivor)
        assert_sent_once(w, rows)
        unknown = [r for r in rows.values() if r.status is DeliveryStatus.UNKNOWN]
        assert len(unknown) <= IN_FLIGHT  # at most the victim's parts between their outbox write and their answer
        for row in unknown:  # each logged by the process that found it
            assert f"(row {row.id})" in w.log("survivor")
        assert w.telegram.rate_limited == []


async def test_a_kill_at_any_moment_of_a_fan_out_leaves_only_the_parts_in_flight_unknown(
        tmp_path: Path, db_url: str) -> None:
    """SIGKILL at a random moment (a seeded one: the verdict holds for any), then a new process: only the parts
    between their outbox write and their recorded answer are in doubt; every other chat gets its digest once."""
    rng = random.Random(20261207)
    async with world(tmp_path, db_url, chats=120, rate=30.0, DIGEST_WORKERS="32", DIGEST_LEASE_SECONDS="3") as w:
        first = await w.start_worker("first")
        second: asyncio.subprocess.Process | None = None
        try:
            moment = rng.randrange(5, 110)
            while sum(len(w.telegram.messages(c)) for c in w.chat_ids) < moment:
                assert first.returncode is None
                await asyncio.sleep(0.005)
            await asyncio.sleep(rng.uniform(0, 1 / 30))
            first.send_signal(signal.SIGKILL)
            await first.wait()
            second = await w.start_worker("second")
            rows = await w.all_final(timeout=120)
        finally:
            await stop(first, *(p for p in (second,) if p is not None))
        assert_sent_once(w, rows)
        assert len([r for r in rows.values() if r.status is DeliveryStatus.UNKNOWN]) <= IN_FLIGHT
        assert w.telegram.rate_limited == []


async def test_a_second_process_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    async with world(tmp_path, url) as w:
        first = await w.start_worker("first")
        try:
            lock = tmp_path / "one.db.lock"
            for _ in range(200):
                if lock.exists() and lock.read_text() == str(first.pid):
                    break
                await asyncio.sleep(0.1)
            second = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=w.env, cwd=tmp_path,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            _out, err = await asyncio.wait_for(second.communicate(), 60)
            assert second.returncode == 2
            [line] = err.decode().strip().splitlines()
            assert "another storybot process" in line and str(first.pid) in line and "PostgreSQL" in line
            assert first.returncode is None  # the first one runs on
        finally:
            await stop(first)
        assert first.returncode == 0
