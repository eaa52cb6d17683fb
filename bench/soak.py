"""storybot over months: a 90-day soak of the real app layer and storage, on a virtual clock.

    PYTHONPATH=. .venv/bin/python bench/soak.py                         # the default: 100 chats, 15 feeds, 90 days
    PYTHONPATH=. .venv/bin/python bench/soak.py --chats 2000 --feeds 300  # the issue's population (hours, see below)
    ... [--days 90] [--retention-days 15] [--db sqlite|postgres|both]

What is real: Core (app/runtime.py) built with a virtual clock: the Ingestor fetching generated RSS through an
httpx.MockTransport (bench/soak_feeds.py: real UCI headlines re-dated), the clustering and refinement passes,
Retention.prune (RETENTION_DAYS), the Chats/Mutes/Digests use cases the handlers call, and DigestDelivery with its
claims, outbox and workers. What is fake: the Telegram side (bench/soak_check.py's RecordingSender, no delay) and
the renderer (one message per digest, none when there is nothing new). The users (bench/soak_users.py) join,
follow, mute, change times and zones (DST ones included), read while stopped, /stop, come back, block the bot and
migrate groups; the bench keeps its own model of what each chat is owed (bench/soak_world.py) and audits every
day against the outbox and the messages (bench/soak_check.py).

Time is driven, not waited for: the clock jumps to each instant that matters, in order: every hour a digest tick
(it would catch a digest due at an instant the model did not expect); every `--feed-hours` (3) the feeds, the
clustering and refinement passes and the corpus reload the JobQueue would run; every instant some chat is owed a
digest (a digest tick, then the pool drained); each user action; the daily prune. Chats pick whole and half hours,
so a day has at most 48 digest ticks. Cost per day: the database's size (SQLite: file + WAL after a checkpoint;
PostgreSQL: pg_database_size), the wall time and the SQL statements of the day's ticks (user actions and the
audit not counted; each day's row also shows its whole wall time and the soak's own share of it). Flat means
day 90 / day 31 at most 1.2.

Why `--retention-days 15` by default: the ratio measures flatness only once everything that is kept for a time is
at its steady state. Articles are pruned after RETENTION_DAYS; their stories are then archived (the card kept in
`stories.archive`) and the archived rows deleted RETENTION_DAYS later, so a card lives 2 x RETENTION_DAYS and the
database is full only from day 2 x RETENTION_DAYS + 1 = 31. With the product's own 30 days the archive would fill
only on day 61, and day 90 / day 31 would measure the filling, not a leak. (Outbox rows drop their content when
final and go after RETENTION_DAYS; chats inactive for 180 days are deleted, which 90 days never reach.)

Scale. The default (100 chats, 15 feeds: ~150 articles and 60-105 digests a day) is what finishes a 90-day run in
under 10 minutes on SQLite on a shared 2-core machine. Measured on the final code (load average ~3 from a test
suite running alongside): SQLite 381 s, 0 violations, 7,649 digests, 3.5 MB on day 31 and 4.1 MB on day 90 (x1.17;
every table within x1.2), ms per tick x1.19 (weeks ending on those days x0.84), statements per tick x1.17 (x1.03);
PostgreSQL 505 s, 0 violations, 13.1 MB -> 15.0 MB (x1.15), ms per tick x1.40 (weeks x0.96), statements x1.17
(x1.03). A PostgreSQL server with autovacuum off (the test server here) is vacuumed by the soak after each daily
prune, in the daemon's stead: without it dead rows made every table grow 2-3x in bytes.

The issue's population (`--chats 2000 --feeds 300`, ~3,400 articles and ~2,200 digests a day) costs about a minute
per simulated day in its first days (day 1: 62 s, of which 30 s of ticks, ~31 s of user actions: 1,400 chats joining
through the app layer, 0.4 s the soak's own) and 150-180 s per day once
the retention window is full: about 4 hours for 90 days. Profiled (cProfile of the main thread for two full-scale
days, and a sampler of every thread's stack for a smaller run), the soak's own work (the model, the audit, the feed
farm serving RSS, the recording sender, the size measurement) is under 1 % of the time: what is left is the
product's own work (SQL through SQLAlchemy, building digests and cards, clustering and refinement, the corpus reload
after each pass, the Ingestor), which a soak must not skip. So nothing of the soak's was worth cutting, and the
default is the smaller population rather than a faster soak.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import logging
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from soak_check import RecordingSender, audit, outbox_rows
from soak_feeds import FeedFarm
from soak_report import HEADER, DayRow, Result
from soak_users import apply
from soak_world import Member, actions_for_day, population
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app.delivery import DigestDelivery, delivery_policy
from app.digests import Digest
from app.runtime import Core
from app.settings import Settings
from news.fetch import Fetcher
from storage import feeds as feed_store
from storage.db import normalize_url
from storage.migrate import upgrade

RESCHEDULING = {"join", "times", "zone", "both", "back", "unblock", "migrate"}


def render(digest: Digest) -> list[str]:
    """One message per digest; none when there is nothing new and the chat wants no empty digest."""
    if not digest.story_ids and not digest.send_empty:
        return []
    return [f"digest for {digest.chat_id} on {digest.day}: {len(digest.story_ids)} stories"]


class Soak:
    def __init__(self, url: str, *, chats: int, feeds: int, days: int, start: date, seed: int,
                 retention_days: int, feed_hours: int, churn: float, out: Callable[[str], None]) -> None:
        self.url, self.days, self.out, self.churn = url, days, out, churn
        self.clock = [datetime.combine(start, datetime.min.time(), UTC)]
        self.start = self.clock[0]
        self.rng = random.Random(seed)
        self.farm = FeedFarm(feeds, start, days, seed, self.clock, max_age=3600 * feed_hours)
        self.members = population(chats, days, self.rng)
        self.by_id: dict[int, Member] = {m.chat_id: m for m in self.members}
        self.moved: dict[int, int] = {}
        self.next_group_id = [-1_000_000_000_000]
        settings = Settings(_env_file=None, database_url=url, retention_days=retention_days)  # type: ignore[call-arg]
        self.core = Core.build(settings, client=Fetcher.make_client(transport=self.farm.transport()),
                               clock=lambda: self.clock[0])
        self.sender = RecordingSender(self.clock, self.by_id, self.moved)
        self.sqlite = self.core.db.engine.dialect.name == "sqlite"
        policy = replace(delivery_policy(settings), workers=8)
        self.delivery = DigestDelivery(self.core.background, self.core.digests, self.sender, render, policy,
                                       lambda: self.clock[0], alone=self.sqlite)
        self.counting = False
        self.statements = 0
        event.listen(self.core.db.engine, "before_cursor_execute", self._count)
        self.done: Counter[str] = Counter()
        self.refine = settings.cluster_refine_minutes > 0
        self.feed_hours = feed_hours
        self.vacuum = False  # PostgreSQL without autovacuum: VACUUM after each daily prune

    def _vacuum(self) -> None:
        with self.core.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM"))

    def _count(self, *_args: Any) -> None:
        if self.counting:
            self.statements += 1

    async def run(self) -> Result:
        result = Result("sqlite" if self.sqlite else "postgresql")
        started = time.perf_counter()
        upgrade(self.core.db)
        self.core.interactive.sync(feed_store.upsert_feeds, self.farm.urls())
        if not self.sqlite:
            with self.core.db.engine.connect() as conn:
                if conn.execute(text("SHOW autovacuum")).scalar_one() != "on":
                    self.vacuum = True
                    self.out("NOTE: autovacuum is off on this PostgreSQL server; the soak runs VACUUM after each "
                             "daily prune in its stead (a production server vacuums by itself)")
        self.out(HEADER)
        try:
            for day in range(self.days):
                row = await self.day(day)
                result.rows.append(row)
                if day + 1 in (min(31, self.days), self.days):
                    result.tables[day + 1] = self.tables()
                for v in row.audit.violations:
                    result.violations[v.kind] += 1
                    result.chats[v.kind].add(v.chat)
                    if len(result.examples[v.kind]) < 5:
                        result.examples[v.kind].append(v)
                self.out(row.line())
                for v in row.audit.violations[:3]:
                    self.out(f"     {v.line()}")
        finally:
            await self.delivery.stop()
            await self.core.close()
        result.wall = time.perf_counter() - started
        return result

    async def day(self, day: int) -> DayRow:
        began_day, acting = time.perf_counter(), 0.0
        midnight = self.start + timedelta(days=day)
        end = midnight + timedelta(days=1)
        self.farm.make_day(day)
        queue: list[tuple[datetime, int, int, str]] = []
        for hour in range(24):
            if hour % self.feed_hours == 0:
                heapq.heappush(queue, (midnight + timedelta(hours=hour), 0, hour, "hour"))
            heapq.heappush(queue, (midnight + timedelta(hours=hour), 2, 0, "digest"))
        heapq.heappush(queue, (midnight + timedelta(hours=3, minutes=17), 1, 0, "prune"))
        for m in self.members:
            for instant in m.owed(midnight, end):
                heapq.heappush(queue, (instant, 2, 0, "digest"))
        actions = actions_for_day(self.members, day, midnight, self.rng, self.next_group_id, self.churn)
        for n, action in enumerate(actions):
            heapq.heappush(queue, (action.at, 3, n, "action"))
        costs: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])  # kind -> ticks, seconds, statements
        new_articles, ticked = 0, set()
        while queue:
            at, _order, n, kind = heapq.heappop(queue)
            self.clock[0] = at
            if kind == "action":
                action, began = actions[n], time.perf_counter()
                done = await apply(self.core, action, self.by_id, self.moved, self.done)
                acting += time.perf_counter() - began
                if done and action.kind in RESCHEDULING:
                    for instant in action.member.owed(at, end):
                        heapq.heappush(queue, (instant, 2, 0, "digest"))
                continue
            if kind == "digest":
                if at in ticked:
                    continue
                ticked.add(at)
            self.counting, before, began = True, self.statements, time.perf_counter()
            if kind == "hour":
                new_articles += await self.hour(n)
            elif kind == "prune":
                await asyncio.to_thread(self.core.retention.prune)
                if self.vacuum:
                    self.counting = False  # the stand-in for autovacuum is not the product's cost
                    await asyncio.to_thread(self._vacuum)
            else:
                await self.delivery.tick(at)
                await self.delivery.idle(timeout=300)
            cost = costs[kind]
            cost[0] += 1
            cost[1] += time.perf_counter() - began
            cost[2] += self.statements - before
            self.counting = False
        self.clock[0] = end
        day_audit = audit(self.members, self.by_id, self.sender.sent, outbox_rows(self.core.db, midnight, end),
                          midnight, end)
        self.sender.sent.clear()
        for m in self.members:
            m.forget_before(midnight - timedelta(days=1))
        size = self.size()
        wall = time.perf_counter() - began_day
        ticks = sum(c[1] for c in costs.values())
        return DayRow(day + 1, midnight.date(), sum(m.active for m in self.members), day_audit, size,
                      costs, new_articles, wall, wall - ticks - acting)

    async def hour(self, hour: int) -> int:
        """What the JobQueue does every `feed_hours`: refresh due feeds, cluster, refine, reload the digests' corpus."""
        summary = await self.core.ingestor.fetch_due()
        await asyncio.to_thread(self.core.cluster)
        if self.refine:
            await asyncio.to_thread(self.core.refine)
        await self.core.digests.refresh()
        return int(summary.new_articles)

    def size(self) -> int:
        with self.core.db.engine.connect() as conn:
            if self.sqlite:
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                path = Path(make_url(self.url).database or "")
                return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())

    def tables(self) -> dict[str, int]:
        """Bytes per table, its indexes included (SQLite: dbstat, by the table's name and its indexes')."""
        with self.core.db.engine.connect() as conn:
            if self.sqlite:
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                rows = conn.execute(text("SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
                                         "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1"))
            else:
                rows = conn.execute(text("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables"))
            return {str(name): int(size) for name, size in rows}


@contextmanager
def database(kind: str, postgres_url: str, work: Path, prefix: str = "soak") -> Iterator[str]:
    """A fresh database: a SQLite file in `work`, or a PostgreSQL database made on the server and dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{work / f'{prefix}.db'}"
        return
    admin = create_engine(normalize_url(postgres_url), isolation_level="AUTOCOMMIT")
    name = f"storybot_{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_url(postgres_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def soak(kind: str = "sqlite", *, chats: int = 100, feeds: int = 15, days: int = 90, start: date = date(2026, 3, 1),
         seed: int = 1, retention_days: int = 15, feed_hours: int = 3, churn: float = 1.0,
         postgres_url: str = "postgresql://postgres@127.0.0.1:5432/test", out: Callable[[str], None] = print) -> Result:
    """One soak on a fresh database of `kind`; the per-day table goes to `out`, the figures come back."""
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp, database(kind, postgres_url, Path(tmp)) as url:
        runner = Soak(url, chats=chats, feeds=feeds, days=days, start=start, seed=seed,
                      retention_days=retention_days, feed_hours=feed_hours, churn=churn, out=out)
        return asyncio.run(runner.run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     epilog="Defaults: 100 chats, 15 feeds, 90 days, RETENTION_DAYS 15 (the module "
                                            "docstring says why and what was measured).")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--chats", type=int, default=100,
                        help="chats (default 100: 90 days in ~7 min on SQLite; the issue's population is "
                             "--chats 2000 --feeds 300, about 4 hours)")
    parser.add_argument("--feeds", type=int, default=15, help="feeds, out of 300 (default 15: ~150 articles a day)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 3, 1),
                        help="the first simulated day (the default spans the spring DST changes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--retention-days", type=int, default=15,
                        help="RETENTION_DAYS (default 15: articles and archived cards are both at their steady "
                             "state from day 31, the ratio's first day)")
    parser.add_argument("--feed-hours", type=int, default=3, choices=(1, 2, 3, 4, 6, 8, 12, 24),
                        help="feeds, clustering and refinement run every this many hours (feeds ask for that max-age)")
    parser.add_argument("--churn", type=float, default=1.0, help="multiplies the odds of every user action")
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBOT_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still drops the PostgreSQL database made
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    results = [soak(kind, chats=args.chats, feeds=args.feeds, days=args.days, start=args.start, seed=args.seed,
                    retention_days=args.retention_days, feed_hours=args.feed_hours, churn=args.churn,
                    postgres_url=args.postgres_url,
                    out=lambda line: print(line, flush=True))
               for kind in (("sqlite", "postgres") if args.db == "both" else (args.db,))]
    for result in results:
        for kind, examples in result.examples.items():
            print(f"{kind}: {result.violations[kind]} in all, e.g.")
            for v in examples:
                print(f"    {v.line()}")
        print(result.summary(), flush=True)
        for line in result.table_growth():
            print(f"    {line}", flush=True)
    return 1 if any(r.violations for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
