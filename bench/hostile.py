"""Hostile-feed benchmark: every feed of the hostile corpus fetched at once, 20 at a time, next to healthy feeds.

    .venv/bin/python bench/hostile.py [--copies 3] [--bomb-mb 1024] [--before /tmp/storybot-before] [--limit-mb 3000]

Measures the ingesting process's peak RSS (and, separately, its parse workers'), the event loop's longest stall
(a 10 ms ticker) and the outcome of every feed, for one poll of the corpus (fakes/hostile_feeds.py: bombs of
`--bomb-mb`, entity tricks, absurd headers, 10,000 entries, impersonation, redirects into private addresses)
served `--copies` times, plus 20 healthy feeds. Target: peak RSS < 400 MB, healthy feeds all ingested.

`--before PATH` first runs the same corpus against the pre-session code in PATH (a copy of commit bde9a52 with its
own .venv; see bench/hostile_before.py), twice: its fetch tick as it was ("tick", which one bad header ends), and
every feed's refresh on its own ("each"), each capped at `--limit-mb` of address space and killed when its RSS
passes it. Its redirect feeds point at 127.0.0.2:9 instead of 10.0.0.1 / 169.254.169.254 (the old code follows them, and
nothing may leave loopback); the new code gets the real targets and a dialer that reaches 127.0.0.1 only.
The feed farm runs in its own process; timings are noisy on a shared 2-core machine, memory figures are not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil
from hostile_probe import LagProbe, peak_rss_mb
from sqlalchemy import func, select

from app.runtime import Core
from app.settings import Settings
from fakes.feed_server import FeedServer
from fakes.hostile_feeds import corpus, item, loopback_guard, rss
from storage import feeds as feed_store
from storage.migrate import upgrade
from storage.models import Article, Feed

HEALTHY = 20
STAND_IN = "http://127.0.0.2:9/"  # where the old code's redirects lead instead: loopback, closed


@dataclass
class Run:
    name: str
    peak_rss_mb: float = 0.0
    workers_peak_mb: float = 0.0
    max_lag_ms: float = 0.0
    seconds: float = 0.0
    outcome: str = ""
    killed: str = ""
    notes: list[str] = field(default_factory=list)


def serve(copies: int, bomb_mb: int, out: multiprocessing.connection.Connection) -> None:
    async def main() -> None:
        async with FeedServer() as server:
            paths: dict[str, list[str]] = {"after": [], "before": []}
            for copy in range(copies):
                for feed in corpus(bomb_mb):
                    paths["after"].append(server.add(f"/c{copy}{feed.path}", feed.body, **feed.route))
                    route = {**feed.route, "redirect_to": STAND_IN} if "redirect_to" in feed.route else feed.route
                    paths["before"].append(server.add(f"/before/c{copy}{feed.path}", feed.body, **route))
            for n in range(HEALTHY):
                body = rss("".join(item(i, feed=f"healthy{n}") for i in range(20))).encode()
                url = server.add(f"/healthy/{n}.xml", body)
                paths["after"].append(url)
                paths["before"].append(url)
            out.send(paths)
            await asyncio.Event().wait()

    asyncio.run(main())


class RssSampler(threading.Thread):
    """Samples this process's parse workers (children) every 20 ms: their largest sum, off the event loop."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.workers_peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self._done.wait(0.02):
            total = 0
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # gone between listing and asking
                    total += child.memory_info().rss
            self.workers_peak_mb = max(self.workers_peak_mb, total / 2**20)

    def stop(self) -> None:
        self._done.set()
        self.join()


async def run_after(urls: list[str], database_url: str) -> Run:
    settings = Settings(_env_file=None, database_url=database_url, fetch_concurrency=20,  # type: ignore[call-arg]
                        fetch_per_host=20)
    core = Core.build(settings, guard=loopback_guard())
    upgrade(core.db)
    with core.db.session() as session:
        feed_store.upsert_feeds(session, [(u, "", "") for u in urls])
    sampler, probe = RssSampler(), LagProbe()
    sampler.start()
    probe.start()
    started = time.perf_counter()
    try:
        summary = await core.ingestor.fetch_due()
    finally:
        seconds = time.perf_counter() - started
        probe.stop()
        await core.close()
        sampler.stop()
    with core.db.session() as session:
        healthy = session.scalar(select(func.count(Article.id)).join(Feed).where(Feed.url.contains("/healthy/")))
        errors = sorted({(f.last_error or "").split(":")[0] for f in session.scalars(select(Feed)) if f.error_count})
    run = Run("after", peak_rss_mb(), sampler.workers_peak_mb, probe.max_lag_ms, seconds, summary.line())
    run.notes = [f"healthy articles stored: {healthy} of {HEALTHY * 20}", f"failure kinds: {', '.join(errors)}"]
    return run


def run_before(tree: Path, urls: list[str], database_url: str, limit_mb: int, timeout: float, mode: str) -> Run:
    script = Path(__file__).with_name("hostile_before.py")
    process = subprocess.Popen(
        [str(tree / ".venv/bin/python"), str(script), str(tree), database_url, str(limit_mb), mode],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(urls))
    process.stdin.close()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    run, watched, deadline = Run(f"before, {mode}"), psutil.Process(process.pid), time.monotonic() + timeout
    while process.poll() is None:
        try:
            run.peak_rss_mb = max(run.peak_rss_mb, watched.memory_info().rss / 2**20)
        except psutil.Error:
            break
        if run.peak_rss_mb > limit_mb or time.monotonic() > deadline:
            run.killed = f"killed at {run.peak_rss_mb:.0f} MB" if run.peak_rss_mb > limit_mb else "killed (timeout)"
            process.kill()
        time.sleep(0.02)
    process.wait()
    reader.join(5)
    progress = [line for line in lines if line.startswith("lag ")]
    if progress:
        run.max_lag_ms = float(progress[-1].split()[1])
    results = [json.loads(line) for line in lines if line.startswith("{")]
    if results:
        result = results[-1]
        run = replace(run, max_lag_ms=result["max_lag_ms"], seconds=result["seconds"],
                      outcome=result["summary"] or f"the fetch tick died: {result['error']}")
        run.peak_rss_mb = max(run.peak_rss_mb, result["peak_rss_mb"])
    elif not run.killed:
        run.killed = f"exited {process.returncode}"
    return run


def print_table(runs: list[Run]) -> None:
    print(f"{'':<28}" + "".join(f"{r.name:>26}" for r in runs))
    rows = [("peak RSS, ingesting process", lambda r: f"{r.peak_rss_mb:.0f} MB" + (f" ({r.killed})" if r.killed
                                                                                       else "")),
            ("peak RSS, parse workers", lambda r: f"{r.workers_peak_mb:.0f} MB" if r.name == "after" else "-"),
            ("event loop, longest stall", lambda r: f"{r.max_lag_ms:.0f} ms"),
            ("wall time", lambda r: f"{r.seconds:.1f} s" if r.seconds else "-")]
    for label, value in rows:
        print(f"{label:<28}" + "".join(f"{value(r):>26}" for r in runs))
    for run in runs:
        print(f"{run.name}: {run.outcome or '(no summary)'}")
        for note in run.notes:
            print(f"  {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=3, help="times each hostile feed is served (default 3)")
    parser.add_argument("--bomb-mb", type=int, default=1024, help="what each bomb inflates to (default 1024)")
    parser.add_argument("--before", type=Path, help="a copy of commit bde9a52 with its own .venv")
    parser.add_argument("--limit-mb", type=int, default=3000, help="the old code's memory cap (default 3000)")
    parser.add_argument("--before-timeout", type=float, default=300.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe()
    farm = context.Process(target=serve, args=(args.copies, args.bomb_mb, send), daemon=True)
    farm.start()
    paths = receive.recv()
    print(f"{len(paths['after']) - HEALTHY} hostile feeds ({args.copies} copies of the corpus, bombs of "
          f"{args.bomb_mb} MB) + {HEALTHY} healthy, 20 at a time")
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for mode in ("tick", "each") if args.before else ():  # first, while this process is small
                runs.append(run_before(args.before, paths["before"], f"sqlite:///{folder}/before-{mode}.db",
                                       args.limit_mb, args.before_timeout, mode))
            runs.append(asyncio.run(run_after(paths["after"], f"sqlite:///{folder}/after.db")))
    finally:
        farm.terminate()
        farm.join(5)
    print_table(runs)
    after = runs[-1]
    met = after.peak_rss_mb < 400 and f"{HEALTHY * 20} of" in after.notes[0]
    print("target (peak RSS < 400 MB, every healthy article stored):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
