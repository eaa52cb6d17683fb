"""Two bot processes' worth of runtimes behind one reverse proxy, sharing one PostgreSQL database: Telegram posts
to the proxy's URL, the proxy spreads the posts over both; every user gets one answer, and both did work."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.runtime import Runtime
from bot.webhook import SECRET_HEADER
from fakes.telegram_api import FakeTelegram
from tests.bot.botkit import FAST, NOW, wait_until
from tests.bot.harness import WEBHOOK_SECRET, bot_settings, free_port


@asynccontextmanager
async def round_robin(backends: list[str]) -> AsyncIterator[str]:
    """A reverse proxy on loopback that forwards each POST (body and secret header) to the next backend."""
    turn = itertools.cycle(backends)

    async def forward(request: web.Request) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k in (SECRET_HEADER, "Content-Type")}
        async with session.post(next(turn), data=await request.read(), headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())

    app = web.Application()
    app.router.add_post("/telegram/updates", forward)
    runner = web.AppRunner(app)
    async with aiohttp.ClientSession() as session:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            yield f"http://127.0.0.1:{runner.addresses[0][1]}/telegram/updates"
        finally:
            await runner.cleanup()


async def test_two_webhook_processes_behind_a_proxy_answer_everyone_once(tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database (SQLite is for one process)")
    ports = [free_port(), free_port()]
    async with FakeTelegram() as telegram, round_robin([f"http://127.0.0.1:{p}/telegram/updates" for p in ports]) \
            as public_url, AsyncExitStack() as stack:
        runtimes = []
        for port in ports:
            config = bot_settings(telegram, tmp_path, db_url, webhook_url=public_url, webhook_secret=WEBHOOK_SECRET,
                                  webhook_port=port, **FAST)
            runtimes.append(await stack.enter_async_context(Runtime(config, clock=lambda: NOW, webhook=True)))
        assert telegram.webhook_info()["url"] == public_url
        users = [telegram.add_user(f"User{i}") for i in range(12)]
        for user in users:
            await telegram.send_message(telegram.add_private_chat(user).id, "/start", user)
        for user in users:
            [welcome] = await telegram.wait_for_messages(user.id, 1, timeout=20)
            assert welcome.text and "Welcome to storybot" in welcome.text
        def handled() -> list[float | None]:
            return [r.metrics.registry.get_sample_value("storybot_update_seconds_count", {"kind": "command"})
                    for r in runtimes]

        await wait_until(lambda: sum(n or 0 for n in handled()) == len(users))  # counted once a handler returns
        assert handled() == [6.0, 6.0]  # the proxy alternated; each process answered its half
        assert {d.status for d in telegram.webhook_deliveries} == {200}
        for user in users:
            assert len(telegram.messages(user.id)) == 1  # nobody answered twice
