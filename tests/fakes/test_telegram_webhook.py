"""The fake Bot API's webhook: updates POSTed with the secret, in order, retried until 2xx; getUpdates refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from fakes.telegram_api import FakeTelegram
from fakes.telegram_webhook import SECRET_HEADER


class Receiver:
    """A webhook endpoint that records what it got and answers `statuses` in turn (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.got: list[tuple[str | None, dict[str, object]]] = []
        self.statuses = statuses or []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append((request.headers.get(SECRET_HEADER), json.loads(await request.read())))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url) as b:
        yield b


async def wait_for(predicate: object, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_updates_are_posted_in_order_with_the_secret(tg: FakeTelegram, bot: Bot) -> None:
    receiver = Receiver()
    await receiver.start()
    try:
        assert await bot.set_webhook(receiver.url, secret_token="s3cret_-X")
        for text in ("/start", "one", "two"):
            await tg.send_message(5, text, 5)
        await wait_for(lambda: len(receiver.got) == 3)
        assert [secret for secret, _ in receiver.got] == ["s3cret_-X"] * 3
        assert [u["message"]["text"] for _, u in receiver.got] == ["/start", "one", "two"]  # type: ignore[index]
        info = await bot.get_webhook_info()
        assert info.url == receiver.url and info.pending_update_count == 0
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
    finally:
        await receiver.stop()


async def test_refused_posts_are_retried_and_reported(tg: FakeTelegram, bot: Bot) -> None:
    receiver = Receiver(statuses=[403, 500])
    await receiver.start()
    try:
        await bot.set_webhook(receiver.url, secret_token="right")
        await tg.send_message(6, "hello", 6)
        await wait_for(lambda: len(receiver.got) == 3 and len(tg.webhook_deliveries) == 3)  # the fake records a
        assert [d.status for d in tg.webhook_deliveries] == [403, 500, 200]  # delivery once its answer is back
        assert len({d.update_id for d in tg.webhook_deliveries}) == 1  # one update, offered until it was taken
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and info.last_error_message == "Wrong response from the webhook: 500"
    finally:
        await receiver.stop()


async def test_delete_webhook_lets_get_updates_poll_again(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/closed", secret_token="x")
    await tg.send_message(7, "kept", 7)
    await wait_for(lambda: tg.webhook_deliveries)
    assert tg.webhook_deliveries[0].status == 0  # nobody listening: kept pending
    assert await bot.delete_webhook()
    [update] = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.text == "kept"


@pytest.mark.parametrize(("url", "secret", "reason"), [
    ("ftp://example.com/hook", None, "(?i)an https url must be provided"),
    ("https://example.com/hook", "has space", "(?i)secret token contains unallowed characters"),
    ("https://example.com/hook", "x" * 257, "(?i)secret token contains unallowed characters"),
])
async def test_bad_webhooks_are_refused(bot: Bot, url: str, secret: str | None, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        await bot.set_webhook(url, secret_token=secret)
