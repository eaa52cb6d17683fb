"""Digest fan-out: N chats due at once, against the fake Bot API enforcing Telegram's limits in another process.

    .venv/bin/python bench/fanout.py                   # 10,000 chats at 30 msg/s (about 6 minutes)
    .venv/bin/python bench/fanout.py --chats 600       # a quick run (about 20 s)
    .venv/bin/python bench/fanout.py --crash           # SIGKILL the bot at ~50 %, restart it, check the outbox

The bot runs as `storybot` does (the real Application, its JobQueue and the digest workers; no polling) in a
child process on a fresh SQLite database. Figures: time from the bot's start to the last digest against the
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
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from app.settings import Settings
from bot.logs import configure_logging
from bot.runtime import Runtime
from fakes.newsroom import Item, seed_story
from fakes.telegram_world import DEFAULT_TOKEN
from news.opml import export_opml
from storage.db import Database
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


async def run_child(args: argparse.Namespace) -> None:
    configure_logging("WARNING")
    settings = Settings(_env_file=None, telegram_bot_token=DEFAULT_TOKEN, telegram_api_url=args.api,  # type: ignore[call-arg]
                        database_url=args.db, feeds_file=Path(args.feeds), send_rate_global=args.rate,
                        digest_stories_per_topic=2)
    # As `storybot run` starts it, without polling: the JobQueue's first digest tick recovers the outbox and
    # claims the due chats.
    async with Runtime(settings, polling=False):
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
    parser.add_argument("--crash", action="store_true", help="SIGKILL the bot at about 50 %% and restart it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--feeds", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(run_child(args))
        return

    work = Path(tempfile.mkdtemp(prefix="fanout-"))
    api = f"http://127.0.0.1:{args.port}"
    fake = subprocess.Popen([sys.executable, "-m", "fakes.telegram_api", "--port", str(args.port),
                             "--global-rate", str(args.rate)], stdout=subprocess.DEVNULL)
    bots: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(100):
            try:
                control(api, "stats")
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(open_private_chats(api, range(1, args.chats + 1)))
        db_url = f"sqlite:///{work / 'fanout.db'}"
        db = Database(db_url)
        seed(db, args.chats, datetime.now(UTC))
        feeds = work / "feeds.opml"
        feeds.write_text(export_opml([]))
        print(f"{args.chats} chats due, fake Bot API at {args.rate:g} msg/s, database {db_url}", flush=True)
        started = time.monotonic()
        in_flight_at_kill = watch(args, api, db, db_url, feeds, started, bots)
        report(args, api, db, started, in_flight_at_kill)
    finally:
        for process in (*bots, fake):
            if process.poll() is None:
                process.terminate()
                process.wait(10)


def watch(args: argparse.Namespace, api: str, db: Database, db_url: str, feeds: Path, started: float,
          bots: list[subprocess.Popen[bytes]]) -> int | None:
    """Start the bot and wait until every digest is final; with --crash, SIGKILL it halfway and start another.
    Returns the rows in SENDING at the kill."""
    bots.append(start_bot(args, api, db_url, feeds))
    in_flight_at_kill: int | None = None
    deadline = started + 3 * args.chats / args.rate + 120
    last_report = started
    while time.monotonic() < deadline:
        time.sleep(0.5)
        counts = status_counts(db)
        if args.crash and in_flight_at_kill is None and counts["sent"] >= args.chats // 2:
            os.kill(bots[-1].pid, signal.SIGKILL)
            bots[-1].wait()
            in_flight_at_kill = status_counts(db)["sending"]
            print(f"SIGKILL at {counts['sent']} sent; {in_flight_at_kill} rows in SENDING", flush=True)
            bots.append(start_bot(args, api, db_url, feeds))
        if time.monotonic() - last_report > 15:
            last_report = time.monotonic()
            print(f"  {last_report - started:6.1f} s: {dict(counts)}", flush=True)
        if sum(counts[s.value] for s in FINAL) >= args.chats:
            break
    return in_flight_at_kill


def report(args: argparse.Namespace, api: str, db: Database, started: float, in_flight: int | None) -> None:
    log = control(api, "request_log")
    sends = [r for r in log if r["method"] == "sendmessage"]
    ok = [r for r in sends if r["status"] == 200 and isinstance(r["chat_id"], int) and r["chat_id"] > 0]
    received = Counter(r["chat_id"] for r in ok)
    with db.session() as s:
        rows = {d.chat_id: (d.status, len(json.loads(d.messages or "[]"))) for d in s.query(Delivery)}
    counts = Counter(status.value for status, _parts in rows.values())
    parts = sum(p for _s, p in rows.values())
    unknown = [c for c, (st, _p) in rows.items() if st is DeliveryStatus.UNKNOWN]
    duplicates = [c for c, n in received.items() if n > rows.get(c, (None, 0))[1]]
    missed = [c for c in range(1, args.chats + 1) if received[c] == 0 and c not in unknown]
    elapsed = max(r["time"] for r in ok) - started if ok else float("nan")
    ideal = parts / args.rate
    print(json.dumps({
        "chats": args.chats, "rate": args.rate, "messages_expected": parts,
        "messages_delivered": sum(received.values()), "chats_with_digest": len(received),
        "seconds": round(elapsed, 1), "ideal_seconds": round(ideal, 1), "ratio": round(elapsed / ideal, 3),
        "send_span_seconds": round(max(r["time"] for r in ok) - min(r["time"] for r in ok), 1) if ok else None,
        "duplicates": len(duplicates), "missed": len(missed), "http_429": sum(r["status"] == 429 for r in sends),
        "other_errors": sum(r["status"] not in (200, 429) for r in sends), "rows": dict(counts),
        "crash": None if in_flight is None else {
            "in_flight_at_kill": in_flight, "unknown_rows": len(unknown),
            "unknown_but_delivered": sum(received[c] > 0 for c in unknown)},
    }, indent=2), flush=True)


if __name__ == "__main__":
    main()
