"""Cost at a million articles: each operation at 10 % and at 100 % of the load, on SQLite and on PostgreSQL.

    .venv/bin/python bench/scale.py [--scale 1.0] [--db sqlite|postgres|both] [--postgres-url URL]

The full load (bench/scale_data.py) is 1,000,000 articles, 100,000 stories, 100,000 chats with three topics each:
300 days of history at a constant daily rate; 10 % is the first 30 days of it. `--scale 0.01` shrinks both for a
smoke test. Each load gets a fresh database (SQLite in a temp dir; PostgreSQL `scale_bench`, created and dropped),
and each operation is the application's own code, as the bot calls it:

- claim: `app.delivery.claims.claim_due` for 100 chats due now (the rest due later in the day), median of 9;
- digest: `Digests.for_chat` for one chat, cold (the shared corpus reloaded) and warm, median of 7;
- search: `Stories.search` (`/story`) for 40 queries from real headlines, median per query;
- cluster: `Core.cluster` over 500 new articles, the clusterer warm, median of 3 (its warm-up reported apart);
- prune: `Retention.prune` of one day of history (RETENTION_DAYS = the history's length - 1), median of 3 days;
- size: the database's size per article (SQLite: page_count × page_size; PostgreSQL: pg_database_size).

`--explain FILE` (PostgreSQL) writes the plan, `EXPLAIN (ANALYZE, BUFFERS)`, of each operation's slowest statements
at each load (bench/scale_explain.py). bench/memory.py measures the bot's resident memory on the same load.

Cost is flat when every 100 % figure is at most 1.5 × its 10 % figure. On a shared machine the load drifts between
the two runs: `control_*_ms` times fixed CPU work with no database, so a ratio can be read against the control's.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scale_data import FULL, Load, fix_sequences, headlines, load
from scale_explain import Capture, plans, recording
from sqlalchemy import create_engine, delete, insert, text, update

from app.delivery.claims import ClaimPolicy, claim_due
from app.runtime import Core
from app.settings import Settings
from storage.db import Database, normalize_url
from storage.migrate import upgrade
from storage.models import Article, Chat, Delivery
from storage.search import article_count_estimate

DUE = 100
LIMIT = 1.5


def timed(fn: Callable[[], Any]) -> float:
    with recording():
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 2)


def control_ms() -> float:
    """A fixed piece of CPU work that touches no database: how busy the shared machine is right now. Its ratio
    between the two loads tells how much of a figure's ratio is the machine's, not the archive's."""
    def work() -> None:
        total = 0
        for i in range(300_000):
            total += hash(str(i)) % 7
    return median_ms([timed(work) for _ in range(5)])


def measure_claim(core: Core, now: datetime) -> float:
    samples = []
    for _ in range(9):
        samples.append(timed(lambda: core.background.sync(claim_due, now, ClaimPolicy())))
        with core.db.session() as s:  # make the same chats due again
            s.execute(delete(Delivery).where(Delivery.chat_id <= DUE, Delivery.created_at >= now))
            s.execute(update(Chat).where(Chat.id <= DUE).values(next_digest_at=now - timedelta(minutes=1)))
    return median_ms(samples)


def measure_digest(core: Core, chats: int) -> dict[str, float]:
    cold, warm = [], []
    for n in range(7):
        chat_id = 1 + (n * 7919) % chats
        core.digests.invalidate()
        cold.append(timed(lambda: asyncio.run(core.digests.for_chat(chat_id))))  # noqa: B023
        warm.append(timed(lambda: asyncio.run(core.digests.for_chat(chat_id))))  # noqa: B023
    return {"cold_ms": median_ms(cold), "warm_ms": median_ms(warm)}


def measure_search(core: Core, rng: random.Random) -> float:
    pool = headlines()
    queries = []
    for _ in range(40):
        words = [w.strip(".,:;'\"!?()") for w in rng.choice(pool).split() if len(w) > 3]
        queries.append(" ".join(words[: rng.choice((1, 2, 3))]) or "news")
    asyncio.run(core.stories.search(queries[0]))  # first use: connections, caches
    return median_ms([timed(lambda: asyncio.run(core.stories.search(q))) for q in queries])  # noqa: B023


def add_articles(core: Core, now: datetime, n: int, rng: random.Random) -> None:
    pool = headlines()
    with core.db.session() as s:
        first = article_count_estimate(s) + 1
        s.execute(insert(Article), [{
            "id": first + i, "feed_id": 1 + i % 150, "source_id": 1 + i % 150, "dedup_key": f"new{first + i}",
            "url": f"https://new.example/{first + i}", "title": rng.choice(pool), "summary": "", "categories": "",
            "published_at": now - timedelta(minutes=rng.randrange(60)), "fetched_at": now} for i in range(n)])
    fix_sequences(core.db)


def measure_cluster(core: Core, now: datetime, rng: random.Random) -> dict[str, float]:
    warm_up = timed(core.cluster)  # rebuilds the clusterer from the open stories
    samples = []
    for _ in range(3):
        add_articles(core, now, 500, rng)
        samples.append(timed(core.cluster))
    return {"warm_up_ms": round(1000 * warm_up, 1), "pass_500_ms": median_ms(samples)}


def measure_prune(core: Core, clock: list[datetime]) -> dict[str, float]:
    samples, removed = [], []
    for _ in range(3):
        clock[0] += timedelta(days=1)
        with recording():
            started = time.perf_counter()
            summary = core.retention.prune()
            samples.append(time.perf_counter() - started)
        removed.append(summary.articles)
    again = timed(core.retention.prune)
    return {"prune_day_ms": median_ms(samples), "articles_per_day": statistics.median(removed),
            "second_run_ms": round(1000 * again, 2)}


def size(db: Database) -> int:
    with db.session() as s:
        if db.engine.dialect.name == "sqlite":
            return int(s.scalar(text("PRAGMA page_count")) or 0) * int(s.scalar(text("PRAGMA page_size")) or 0)
        return int(s.scalar(text("SELECT pg_database_size(current_database())")) or 0)


def run_load(url: str, work: Path, target: Load, explain: Path | None = None) -> dict[str, Any]:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = [now]
    db = Database(url)
    upgrade(db)
    started = time.perf_counter()
    load(db, target, now, DUE)
    fix_sequences(db)
    if db.engine.dialect.name == "postgresql":  # what autovacuum has done on a live database
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    loaded = time.perf_counter() - started
    db.dispose()
    feeds = work / "feeds.opml"
    feeds.write_text('<?xml version="1.0"?><opml version="2.0"><body/></opml>')
    settings = Settings(_env_file=None, database_url=url, feeds_file=feeds,  # type: ignore[call-arg]
                        retention_days=target.days - 1)
    core = Core.build(settings, clock=lambda: clock[0])
    rng = random.Random(2)
    try:
        result: dict[str, Any] = {"load": vars(target), "load_seconds": round(loaded, 1)}
        result["size_bytes"] = size(core.db)
        result["size_bytes_per_article"] = round(result["size_bytes"] / target.articles)
        capture = Capture(core.db.engine)
        result["control_before_ms"] = control_ms()
        with capture.operation("claim"):
            result["claim_100_due_ms"] = measure_claim(core, now)
        with capture.operation("digest"):
            result["digest_one_chat"] = measure_digest(core, target.chats)
        with capture.operation("search"):
            result["story_search_ms"] = measure_search(core, rng)
        with capture.operation("cluster"):
            result["cluster"] = measure_cluster(core, now, rng)
        with capture.operation("prune"):
            result["prune"] = measure_prune(core, clock)
        result["control_after_ms"] = control_ms()
        if explain is not None:
            with explain.open("a", encoding="utf-8") as out:
                out.write(plans(capture, f"{target.articles:,} articles"))
        return result
    finally:
        asyncio.run(core.close())


def fraction(load_: Load, share: float) -> Load:
    return replace(load_, articles=round(load_.articles * share), stories=round(load_.stories * share),
                   chats=round(load_.chats * share), days=max(3, round(load_.days * share)))


def postgres_database(admin_url: str, name: str) -> tuple[Any, str]:
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, admin.url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin: Any, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_engine(kind: str, full: Load, admin_url: str, name: str = "scale_bench",
                 explain: Path | None = None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for label, share in (("10%", 0.1), ("100%", 1.0)):
        target = fraction(full, share)
        with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
            if kind == "sqlite":
                figures[label] = run_load(f"sqlite:///{Path(tmp) / 'scale.db'}", Path(tmp), target, explain)
            else:
                admin, url = postgres_database(admin_url, name)
                try:
                    figures[label] = run_load(url, Path(tmp), target, explain)
                finally:
                    drop_postgres(admin, name)
        print(f"{kind} {label}: {json.dumps(figures[label])}", flush=True)
    figures["ratios"] = ratios(figures["10%"], figures["100%"])
    print(f"{kind} ratios: {json.dumps(figures['ratios'])}", flush=True)
    return figures


def _flat(figures: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in figures.items():
        if isinstance(value, dict) and key != "load":
            out.update(_flat(value, f"{prefix}{key}."))
        elif key.endswith("_ms") or key == "size_bytes_per_article":
            out[prefix + key] = float(value)
    return out


def ratios(small: dict[str, Any], big: dict[str, Any]) -> dict[str, Any]:
    a, b = _flat(small), _flat(big)
    found = {key: round(b[key] / a[key], 2) if a[key] else None for key in a}
    found["flat"] = all(r is None or r <= LIMIT for r in found.values())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full load (1,000,000 articles)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBOT_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--postgres-db", default="scale_bench", help="the database made (and dropped) for the bench")
    parser.add_argument("--explain", type=Path, help="PostgreSQL: write EXPLAIN (ANALYZE, BUFFERS) of each "
                        "operation's slowest statements to this file (bench/scale_explain.py)")
    args = parser.parse_args()
    full = fraction(FULL, args.scale)
    full = replace(full, days=FULL.days)  # the same history, at a smaller daily rate
    report: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
                              "full_load": vars(full)}
    for kind in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        report[kind] = bench_engine(kind, full, args.postgres_url, args.postgres_db, args.explain)
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
