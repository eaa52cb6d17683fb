"""Webhook delivery, as the Bot API does it once ``setWebhook`` named a URL.

Each pending update is POSTed as JSON to the URL, with ``X-Telegram-Bot-Api-Secret-Token`` when a secret was
set, in order, one at a time; a 2xx answer confirms it, anything else (or no answer) keeps it pending and it is
tried again after a short pause, the error kept for ``getWebhookInfo``. While a webhook is set, ``getUpdates``
answers 409 (telegram_methods). Every attempt is recorded in ``deliveries`` for tests to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass

import aiohttp

from fakes.telegram_state import JSON, UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_PAUSE = 0.2  # seconds before a refused or failed update is offered again (Telegram backs off longer)


@dataclass(frozen=True)
class WebhookAttempt:
    update_id: int
    url: str
    status: int  # HTTP status; 0 when no answer came
    error: str | None = None


@dataclass
class WebhookConfig:
    url: str = ""
    secret: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int) -> JSON:
        info: JSON = {"url": self.url, "has_custom_certificate": False, "pending_update_count": pending}
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


class WebhookPusher:
    """Pushes the queue's updates to the webhook while one is set; ``run()`` until ``close()``."""

    def __init__(self, queue: UpdateQueue, config: WebhookConfig, timeout: float = 10.0) -> None:
        self.queue = queue
        self.config = config
        self.timeout = timeout
        self.deliveries: list[WebhookAttempt] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self.queue.closed:
                url = self.config.url
                if not url or not self.queue.pending:
                    await self.queue.wait_changed(1.0)
                    continue
                update = self.queue.pending[0]
                attempt = await self._post(session, url, update)
                self.deliveries.append(attempt)
                if 200 <= attempt.status < 300:
                    self.queue.pending = [u for u in self.queue.pending if u["update_id"] != update["update_id"]]
                    continue
                self.config.last_error_date = int(time.time())
                self.config.last_error_message = attempt.error or f"Wrong response from the webhook: {attempt.status}"
                await asyncio.sleep(RETRY_PAUSE)

    async def _post(self, session: aiohttp.ClientSession, url: str, update: JSON) -> WebhookAttempt:
        headers = {"Content-Type": "application/json"}
        if self.config.secret:
            headers[SECRET_HEADER] = self.config.secret
        try:
            async with session.post(url, data=json.dumps(update), headers=headers) as response:
                await response.read()
                return WebhookAttempt(update["update_id"], url, response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return WebhookAttempt(update["update_id"], url, 0, f"Connection failed: {type(exc).__name__}")
