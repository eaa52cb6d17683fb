"""A private `/help` while a group floods the bot with commands: how long the private user waits.

    .venv/bin/python bench/flood.py [--rounds 8] [--flood 6]

The real Application against the fake Bot API (in this process), with Telegram's paces on: a group gets about
one message every 3 s. Each round, one member of a fresh group sends `--flood` commands at once; while the group's
replies are being paced, another user sends `/help` in a private chat, and the time to its answer is taken. The
baseline, in the same run, is the bot handling one update at a time (python-telegram-bot's default, which storybot
used before it processed chats concurrently).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import SimpleUpdateProcessor

from app.settings import Settings
from bot.runtime import Runtime
from fakes.telegram_api import FakeTelegram

NOW = datetime(2026, 7, 31, 18, tzinfo=UTC)


async def one_round(telegram: FakeTelegram, flood: int, n: int) -> float:
    member = telegram.add_user(f"Loud{n}")
    group = await telegram.add_group(f"Busy {n}", members=(member,), announce=False)
    for _ in range(flood):
        await telegram.send_message(group.id, "/help", member)
    await telegram.wait_for_messages(group.id, 1, timeout=30)  # the flood is being answered
    calm = telegram.add_private_chat(telegram.add_user(f"Calm{n}"))
    started = time.perf_counter()
    await telegram.send_message(calm.id, "/help")
    await telegram.wait_for_messages(calm.id, 1, timeout=120)
    waited = time.perf_counter() - started
    await telegram.wait_for_messages(group.id, flood, timeout=120)  # let the group drain before the next round
    return waited


async def run(rounds: int, flood: int, sequential: bool) -> list[float]:
    workdir = Path(tempfile.mkdtemp(prefix="flood-"))
    (workdir / "feeds.opml").write_text('<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>')
    async with FakeTelegram() as telegram:
        settings = Settings(_env_file=None, telegram_bot_token=telegram.token,  # type: ignore[call-arg]
                            telegram_api_url=telegram.api_root, database_url=f"sqlite:///{workdir / 'b.db'}",
                            feeds_file=workdir / "feeds.opml", log_level="WARNING")
        runtime = Runtime(settings, clock=lambda: NOW)
        if sequential:  # the old behaviour: one update at a time, whatever chat it comes from
            runtime.application._update_processor = SimpleUpdateProcessor(1)
        async with runtime:
            return [await one_round(telegram, flood, n) for n in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--flood", type=int, default=6, help="commands the group member sends at once")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
          f"{args.rounds} rounds of a {args.flood}-command group flood")
    for label, sequential in (("chats concurrently (now)", False), ("one update at a time (before)", True)):
        waits = asyncio.run(run(args.rounds, args.flood, sequential))
        print(f"  {label:<30} private /help answered in: median {statistics.median(waits):6.2f} s, "
              f"max {max(waits):6.2f} s")


if __name__ == "__main__":
    main()
