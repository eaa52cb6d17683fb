"""Digest fan-out: N chats due at once, against the fake Bot API enforcing Telegram's limits in another process.

    .venv/bin/python bench/fanout.py                   # 10,000 chats at 30 msg/s (about 6 minutes)
    .venv/bin/python bench/fanout.py --chats 600       # a quick run (about 20 s)
    .venv/bin/python bench/fanout.py --crash           # SIGKILL the bot at ~50 %, restart it, check the outbox
    .venv/bin/python bench/fanout.py --processes 2 --postgres postgresql://postgres@127.0.0.1:5432/test
        # one process, then two, each on a fresh PostgreSQL database made (and dropped) on that server

The bot runs as `storybot run --role worker` does (the real Application, its JobQueue and the digest workers; no
polling) in child processes on a fresh database: SQLite by default (one process), PostgreSQL with --postgres.
With --processes N the same run first measures one process as the baseline; with --crash and N > 1 one of the
processes is killed at ~50 % and not restarted: the others take its digests over once its leases expire.
Figures: time from the bot's start to the last digest against the
ideal (messages / rate), digests delivered, duplicates, missed, 429s received, and for --crash the rows in
flight at the kill (UNKNOWN: never re-sent) and whether every other chat still got its digest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from app.settings import Settings
from bot.logs import configure_logging
from bot.runtime import Runtime
from fakes.newsroom import Item, seed_story
from fakes.telegram_world import DEFAULT_TOKEN
from news.opml import export_opml
from storage.db import Database, normalize_url
from storage.migrate import upgrade
from storage.models import Chat, Delivery, DeliveryStatus, Subscription

TOPICS = ["climate", "election", "space", "football", "markets", "vaccine", "robots", "energy"]
FINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED, DeliveryStatus.UNKNOWN)


def control(api: str, action: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{api}/_control/{action}", data=data, method="POST" if data else "GET",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["result"]


async def open_private_chats(api: str, ids: range) -> None:
    """Each user writes to the bot once (Telegram answers 'chat not found' otherwise)."""
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(16)

    async def one(chat_id: int) -> None:
        async with gate:
            await loop.run_in_executor(None, control, api, "send_message",
                                       {"chat_id": chat_id, "text": "hi", "user_id": chat_id})

    await asyncio.gather(*(one(i) for i in ids))


def seed(db: Database, chats: int, now: datetime) -> None:
    upgrade(db)
    with db.session() as s:
        for t, topic in enumerate(TOPICS):
            for n in range(4):
                items = [Item(f"Outlet {k}", f"outlet{k}.example", f"{topic.title()} news {n}: officials react",
                              f"Officials and experts discuss {topic} developments, part {n}.", None, 1 + n + k / 10)
                         for k in range(t + n, t + n + 3 + n)]
                seed_story(s, f"{topic}-{n}", items, now=now)
        due = now - timedelta(seconds=30)
        s.execute(insert(Chat), [{"id": i, "type": "private", "title": f"chat {i}", "timezone": "UTC",
                                  "digest_times": due.strftime("%H:%M"), "next_digest_at": due}
                                 for i in range(1, chats + 1)])
        subs = [{"chat_id": i, "topic": TOPICS[i % len(TOPICS)]} for i in range(1, chats + 1)]
        subs += [{"chat_id": i, "topic": TOPICS[(i * 3 + 1) % len(TOPICS)]} for i in range(3, chats + 1, 3)]
        s.execute(insert(Subscription), subs)


def start_bot(args: argparse.Namespace, api: str, db_url: str, feeds: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, __file__, "--child", "--api", api, "--db", db_url,
                             "--feeds", str(feeds), "--rate", str(args.rate)])


@contextmanager
def database(args: argparse.Namespace, work: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a PostgreSQL database made on the --postgres server and dropped after."""
    if not args.postgres:
        yield f"sqlite:///{work / f'fanout-{uuid.uuid4().hex[:6]}.db'}"
        return
    admin = create_engine(normalize_url(args.postgres), isolation_level="AUTOCOMMIT")
    name = f"storybot_fanout_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_url(args.postgres)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def run_child(args: argparse.Namespace) -> None:
    configure_logging("WARNING")
    settings = Settings(_env_file=None, telegram_bot_token=DEFAULT_TOKEN, telegram_api_url=args.api,  # type: ignore[call-arg]
                        database_url=args.db, feeds_file=Path(args.feeds), send_rate_global=args.rate,
                        digest_stories_per_topic=2, log_level="WARNING")
    # As `storybot run` starts it, without polling: the JobQueue's first digest tick recovers the outbox and
    # claims the due chats.
    async with Runtime(settings, polling=False, role="worker"):
        await asyncio.Event().wait()


def status_counts(db: Database) -> Counter[str]:
    with db.session() as s:
        rows = s.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return Counter({status.value: n for status, n in rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="the fake's global limit, and the bot's")
    parser.add_argument("--port", type=int, default=18081)
    parser.add_argument("--crash", action="store_true", help="SIGKILL a bot at about 50 %% (one process: restart it)")
    parser.add_argument("--processes", type=int, default=1, help="bot processes on one database (needs --postgres)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL: each run makes and drops a database there")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--feeds", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(run_child(args))
        return
    if args.processes > 1 and not args.postgres:
        parser.error("several processes need PostgreSQL (--postgres URL); SQLite serves one process")
    results = [one_run(args, n) for n in sorted({1, args.processes})]
    if len(results) > 1:
        base, multi = results
        print(json.dumps({"machine": f"{os.cpu_count()} cores, shared", "processes": args.processes,
                          "seconds_1_process": base["seconds"], f"seconds_{args.processes}_processes": multi["seconds"],
                          "ratio_to_1_process": round(multi["seconds"] / base["seconds"], 3),
                          "ratio_to_ideal": multi["ratio"]}, indent=2), flush=True)


@contextmanager
def world(args: argparse.Namespace, prefix: str) -> Iterator[tuple[str, Database, str, Path]]:
    """The fake Bot API in its own process with the chats open, and a seeded database with an empty feed list:
    (api, db, db_url, feeds). Everything is stopped and dropped at the end."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    with fake_bot_api(args.port, args.rate) as api:
        asyncio.run(open_private_chats(api, range(1, args.chats + 1)))
        with database(args, work) as db_url:
            db = Database(db_url)
            seed(db, args.chats, datetime.now(UTC))
            feeds = work / "feeds.opml"
            feeds.write_text(export_opml([]))
            try:
                yield api, db, db_url, feeds
            finally:
                db.dispose()


@contextmanager
def fake_bot_api(port: int, rate: float | None = None) -> Iterator[str]:
    """The fake Bot API in a process of its own (enforcing `rate` messages/s across chats when given): its URL."""
    api = f"http://127.0.0.1:{port}"
    limits = ["--global-rate", str(rate)] if rate else []
    fake = subprocess.Popen([sys.executable, "-m", "fakes.telegram_serve", "--port", str(port), *limits],
                            stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                control(api, "stats")
                break
            except OSError:
                time.sleep(0.1)
        yield api
    finally:
        if fake.poll() is None:
            fake.terminate()
            fake.wait(10)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def one_run(args: argparse.Namespace, processes: int) -> dict[str, Any]:
    bots: list[subprocess.Popen[bytes]] = []
    with world(args, "fanout-") as (api, db, db_url, feeds):
        try:
            shown = make_url(db_url).render_as_string(hide_password=True)
            print(f"{args.chats} chats due, {processes} process(es), fake Bot API at {args.rate:g} msg/s, "
                  f"database {shown}", flush=True)
            started = time.monotonic()
            in_flight_at_kill = watch(args, processes, api, db, db_url, feeds, started, bots)
            return report(args, processes, api, db, started, in_flight_at_kill)
        finally:
            stop(bots)


def watch(args: argparse.Namespace, processes: int, api: str, db: Database, db_url: str, feeds: Path,
          started: float, bots: list[subprocess.Popen[bytes]]) -> int | None:
    """Start the bots and wait until every digest is final; with --crash, SIGKILL one halfway (one process: start
    another). Returns the rows in SENDING at the kill."""
    bots += [start_bot(args, api, db_url, feeds) for _ in range(processes)]
    in_flight_at_kill: int | None = None
    deadline = started + 3 * args.chats / args.rate + 180
    last_report = started
    while time.monotonic() < deadline:
        time.sleep(0.5)
        counts = status_counts(db)
        if args.crash and in_flight_at_kill is None and counts["sent"] >= args.chats // 2:
            os.kill(bots[0].pid, signal.SIGKILL)
            bots[0].wait()
            in_flight_at_kill = status_counts(db)["sending"]
            print(f"SIGKILL at {counts['sent']} sent; {in_flight_at_kill} rows in SENDING", flush=True)
            if processes == 1:
                bots.append(start_bot(args, api, db_url, feeds))
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            print(f"  {last_report - started:6.1f} s: {dict(counts)}", flush=True)
        if sum(counts[s.value] for s in FINAL) >= args.chats:
            break
    return in_flight_at_kill


def _parts(row: Delivery) -> int:
    """The parts a row's digest had: a final row keeps only the ids of those sent (its content is dropped), and
    one caught mid-send may have sent one more."""
    if row.messages is not None:
        return len(json.loads(row.messages))
    return len([m for m in row.message_ids.split(",") if m]) + (row.status is DeliveryStatus.UNKNOWN)


def report(args: argparse.Namespace, processes: int, api: str, db: Database, started: float,
           in_flight: int | None) -> dict[str, Any]:
    log = control(api, "request_log")
    sends = [r for r in log if r["method"] == "sendmessage"]
    if os.environ.get("FANOUT_LOG"):  # the fake's request log, for a closer look
        Path(os.environ["FANOUT_LOG"]).with_suffix(f".{processes}.json").write_text(json.dumps(sends))
    ok = [r for r in sends if r["status"] == 200 and isinstance(r["chat_id"], int) and r["chat_id"] > 0]
    received = Counter(r["chat_id"] for r in ok)
    with db.session() as s:
        rows = {d.chat_id: (d.status, _parts(d)) for d in s.query(Delivery)}
    counts = Counter(status.value for status, _parts in rows.values())
    parts = sum(p for _s, p in rows.values())
    unknown = [c for c, (st, _p) in rows.items() if st is DeliveryStatus.UNKNOWN]
    duplicates = [c for c, n in received.items() if n > rows.get(c, (None, 0))[1]]
    missed = [c for c in range(1, args.chats + 1) if received[c] == 0 and c not in unknown]
    elapsed = max(r["time"] for r in ok) - started if ok else float("nan")
    ideal = parts / args.rate
    result = {
        "chats": args.chats, "processes": processes, "rate": args.rate, "messages_expected": parts,
        "messages_delivered": sum(received.values()), "chats_with_digest": len(received),
        "seconds": round(elapsed, 1), "ideal_seconds": round(ideal, 1), "ratio": round(elapsed / ideal, 3),
        "send_span_seconds": round(max(r["time"] for r in ok) - min(r["time"] for r in ok), 1) if ok else None,
        "duplicates": len(duplicates), "missed": len(missed), "http_429": sum(r["status"] == 429 for r in sends),
        "other_errors": sum(r["status"] not in (200, 429) for r in sends), "rows": dict(counts),
        "crash": None if in_flight is None else {
            "in_flight_at_kill": in_flight, "unknown_rows": len(unknown),
            "unknown_but_delivered": sum(received[c] > 0 for c in unknown)},
    }
    print(json.dumps(result, indent=2), flush=True)
    return result


if __name__ == "__main__":
    main()
