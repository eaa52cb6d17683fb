"""The hostile corpus against the pre-session code (bde9a52): its bot.ingest.Ingestor, built by bot.app.build_services.

Run by bench/hostile.py with that tree's own virtualenv, never by hand:

    /tmp/storybot-before/.venv/bin/python bench/hostile_before.py TREE DATABASE_URL LIMIT_MB MODE < urls.json

MODE "tick" runs the old fetch tick as production did (Ingestor.fetch_due); its first uncaught feed error ends the
tick, so MODE "each" also runs every feed's refresh_feed under the same limits (20 at a time), each failure kept to
its feed: what the corpus costs the old code when nothing stops it early.
It caps its own address space at LIMIT_MB (so the machine survives: a MemoryError is what the old code then meets),
prints "lag N" each second (the runner keeps the last one if the process is killed), then one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

from hostile_probe import LagProbe, peak_rss_mb


async def each(ingestor: Any, feeds: list[Any]) -> str:
    """Every feed's refresh, 20 at a time, an exception kept to its feed (the old tick did not do this)."""
    slots = asyncio.Semaphore(20)

    async def one(feed: Any) -> object:
        async with slots:
            return await ingestor.refresh_feed(feed)

    results = await asyncio.gather(*(one(f) for f in feeds), return_exceptions=True)
    escaped = [r for r in results if isinstance(r, BaseException)]
    failed = sum(1 for r in results if not isinstance(r, BaseException) and r.error)
    return (f"{len(feeds)} feeds one by one: {len(feeds) - failed - len(escaped)} ok, {failed} failed, "
            f"{len(escaped)} raised ({', '.join(sorted({type(e).__name__ for e in escaped}))})")


async def run(tree: str, database_url: str, urls: list[str], mode: str) -> dict[str, object]:
    sys.path.insert(0, tree)
    from bot.app import build_services  # the old code's composition root
    from bot.config import Settings
    from storage import feeds as feed_store
    from storage.migrate import upgrade

    settings = Settings(_env_file=None, database_url=database_url, fetch_concurrency=20,  # type: ignore[call-arg]
                        fetch_per_host=20)
    services = build_services(settings)
    upgrade(services.db)
    with services.db.session() as session:
        feed_store.upsert_feeds(session, [(u, "", "") for u in urls])
    probe = LagProbe()
    probe.start()

    async def report() -> None:
        while True:
            await asyncio.sleep(1)
            print(f"lag {probe.max_lag_ms:.0f} rss {peak_rss_mb():.0f}", flush=True)

    reporter = asyncio.get_running_loop().create_task(report())
    started = time.perf_counter()
    error = ""
    try:
        if mode == "tick":
            line = (await services.ingestor.fetch_due()).line()
        else:
            with services.db.session() as session:
                line = await each(services.ingestor, feed_store.due_feeds(session, services.clock()))
    except BaseException as exc:  # the old tick could die of one feed: that is a finding, not a crash of the bench
        line, error = "", f"{type(exc).__name__}: {exc}"[:300]
    seconds = time.perf_counter() - started
    probe.stop()
    reporter.cancel()
    return {"seconds": seconds, "summary": line, "error": error, "max_lag_ms": probe.max_lag_ms,
            "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    tree, database_url, limit_mb, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    urls = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(run(tree, database_url, urls, mode))), flush=True)


if __name__ == "__main__":
    main()
