"""The fake Bot API (telegram_api.FakeTelegram) as a server of its own, for benchmarks and manual runs:

    python -m fakes.telegram_serve --port 8081 [--rate-limits] [--global-rate 30] [--private-rate 1] [--group-rate 20]

Another process drives it through JSON over ``/_control/<action>`` (telegram_control.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from fakes.telegram_api import FakeTelegram
from fakes.telegram_limits import RateLimits

__all__ = ["main"]


async def _serve(args: argparse.Namespace) -> None:
    limits = None
    if args.rate_limits or args.global_rate or args.private_rate or args.group_rate:
        limits = RateLimits(args.global_rate or 30, args.private_rate or 1, args.group_rate or 20)
    server = FakeTelegram(bot_username=args.username, rate_limits=limits)
    await server.start(args.host, args.port)
    print(f"fake Telegram Bot API at {server.base_url} (token {server.token})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for tests and benchmarks")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--username", default="storybot_test_bot")
    parser.add_argument("--rate-limits", action="store_true", help="Telegram's limits: 30/s, 1/s, 20/min")
    parser.add_argument("--global-rate", type=float, help="messages per second across chats")
    parser.add_argument("--private-rate", type=float, help="messages per second to one private chat")
    parser.add_argument("--group-rate", type=float, help="messages per minute to one group")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
