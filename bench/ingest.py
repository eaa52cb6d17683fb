"""Ingest benchmark: 1,000 feeds x 50 entries from 127.0.0.1 -> the production Ingestor -> a fresh database.

    .venv/bin/python bench/ingest.py [--feeds 1000] [--database-url postgresql://...]   (an empty database)

Measures (a) a cold poll of every feed: wall time, entries/s, peak RSS; (b) a warm re-poll, all 304; (c) a poll
of the next generation (5 new entries per feed) in which 10% of the feeds fault (HTTP 500, timeouts, malformed
bodies); then (d) the faulty feeds recover. After each phase the stored articles are checked against the generated
truth: nothing lost, nothing duplicated. The feed farm runs in its own process (bench/ingest_farm.py), so the
figures are the ingesting process's alone. Targets on a 2-core machine: cold < 60 s, warm < 5 s, peak RSS < 300 MB.

Every feed is on 127.0.0.1, so the per-host limit is raised to the global one: that models the real shape, a
thousand feeds spread over hundreds of hosts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import ingest_farm  # the sibling module in bench/ (the spawned farm process imports it too)
from sqlalchemy import func, select, update

from app.feeds import FetchSummary
from app.runtime import Core
from app.settings import Settings
from storage import feeds as feed_store
from storage.migrate import upgrade
from storage.models import Article, Feed

FAULT_KINDS = ("500", "timeout", "malformed")


@dataclass
class Row:
    phase: str
    seconds: float
    summary: FetchSummary
    entries: int
    lost: int
    duplicated: int
    peak_rss_mb: float


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def make_due(core: Core, feed_urls: list[str] | None = None) -> None:
    with core.db.session() as session:
        statement = update(Feed).values(next_check_at=None)
        if feed_urls is not None:
            statement = statement.where(Feed.url.in_(feed_urls))
        session.execute(statement)


def check(core: Core, expected: set[str]) -> tuple[int, int]:
    """(lost, duplicated): truth URLs not stored, and stored rows beyond one per true article."""
    with core.db.session() as session:
        stored = list(session.scalars(select(Article.url)))
        rows = session.scalar(select(func.count(Article.id))) or 0
    lost = len(expected - set(stored))
    duplicated = rows - len(set(stored) & expected)
    return lost, duplicated


def feed_number(url: str) -> int:
    return int(url.rsplit("/", 1)[1].removesuffix(".xml"))


async def run(feeds: int, database_url: str, concurrency: int, timeout: float) -> list[Row]:
    farm, port = ingest_farm.start(feeds)
    control = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        fetch_concurrency=concurrency,
        fetch_per_host=concurrency,
        fetch_timeout_seconds=timeout,
        fetch_connect_timeout_seconds=timeout,
    )
    core = Core.build(settings)
    upgrade(core.db)
    urls = [f"http://127.0.0.1:{port}/feed/{i}.xml" for i in range(feeds)]
    with core.db.session() as session:
        feed_store.upsert_feeds(session, ((u, "", "bench") for u in urls))
    rows: list[Row] = []
    polled: dict[int, int] = {}  # feed number -> the newest generation it was fetched at successfully

    async def phase(name: str, generation: int, due: list[str] | None = None) -> None:
        make_due(core, due)
        since = datetime.now(UTC)
        started = time.perf_counter()
        summary = await core.ingestor.fetch_due()
        seconds = time.perf_counter() - started
        with core.db.session() as session:
            for url, succeeded_at in session.execute(select(Feed.url, Feed.last_success_at)):
                if succeeded_at is not None and succeeded_at >= since:
                    polled[feed_number(url)] = generation
        lost, duplicated = check(core, ingest_farm.truth(feeds, polled))
        entries = (summary.ok - summary.not_modified) * ingest_farm.ENTRIES  # bodies parsed
        rows.append(Row(name, seconds, summary, entries, lost, duplicated, peak_rss_mb()))

    faulty = {i: FAULT_KINDS[n % len(FAULT_KINDS)] for n, i in enumerate(range(3, feeds, 10))}
    try:
        await phase("cold", 1)
        await phase("warm (304)", 1)
        (await control.post("/_control", params={"generation": 2})).raise_for_status()
        (await control.post("/_faults", json=faulty)).raise_for_status()
        await phase("10% faulty", 2)
        (await control.post("/_faults", json={})).raise_for_status()
        await phase("recovery", 2, [urls[i] for i in faulty])
    finally:
        await core.close()
        await control.aclose()
        farm.terminate()
        farm.join(5)
    return rows


def print_table(rows: list[Row]) -> None:
    header = f"{'phase':<12}{'wall s':>8}{'feeds ok':>10}{'304':>6}{'failed':>8}{'new':>8}{'entries/s':>11}" \
             f"{'lost':>6}{'dup':>5}{'peak RSS MB':>13}"
    print(header)
    print("-" * len(header))
    for r in rows:
        s = r.summary
        rate = f"{r.entries / r.seconds:,.0f}" if r.entries else "-"
        print(f"{r.phase:<12}{r.seconds:>8.2f}{s.ok:>10}{s.not_modified:>6}{s.failed:>8}{s.new_articles:>8}"
              f"{rate:>11}{r.lost:>6}{r.duplicated:>5}{r.peak_rss_mb:>13.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--concurrency", type=int, default=20, help="FETCH_CONCURRENCY (default 20, as shipped)")
    parser.add_argument("--timeout", type=float, default=2.0, help="FETCH_TIMEOUT_SECONDS for the run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        print(f"{args.feeds} feeds x {ingest_farm.ENTRIES} entries, concurrency {args.concurrency}, "
              f"database {url.split('@')[-1]}; peak RSS before polling {peak_rss_mb():.0f} MB")
        rows = asyncio.run(run(args.feeds, url, args.concurrency, args.timeout))
    print_table(rows)
    cold, warm, faulty, recovery = rows
    expected_failures = len(range(3, args.feeds, 10))
    ok = (cold.seconds < 60 and warm.seconds < 5 and max(r.peak_rss_mb for r in rows) < 300
          and all(r.lost == 0 and r.duplicated == 0 for r in rows)
          and (cold.summary.failed, warm.summary.failed, recovery.summary.failed) == (0, 0, 0)
          and faulty.summary.failed == expected_failures and warm.summary.not_modified == args.feeds)
    print("targets (cold < 60 s, warm < 5 s, peak RSS < 300 MB, nothing lost or duplicated):",
          "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
