"""Webhook mode (`storybot run --webhook`): Telegram POSTs each update to WEBHOOK_URL; this process listens on
WEBHOOK_LISTEN:WEBHOOK_PORT, usually behind a reverse proxy that terminates TLS, and serves the URL's path.

Each request is hostile until bounded:

    no or wrong X-Telegram-Bot-Api-Secret-Token   403 (compared in constant time, before the body is read)
    a body over MAX_BODY                          413
    not JSON, or not an Update                    400
    an update id seen moments ago (a redelivery)  200, handled once

The first refusal of each kind is logged as a WARNING, later ones only counted (storybot_webhook_refused_total),
so a scanner can't flood the log. An accepted update goes into the Application's update queue, as
python-telegram-bot's own webhook handler does (its tornado server answers bad JSON with a 500 and a traceback
and reads bodies of up to 100 MB, hence this small aiohttp one). Several processes can serve one URL behind a
proxy: each sets the same webhook and secret at start, and stopping leaves the webhook set for the others.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot

from app.metrics import Metrics
from app.runtime import StartupError

__all__ = ["MAX_BODY", "SECRET_HEADER", "WebhookListener"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kB; Telegram's largest are far below this
RECENT = 4096  # update ids remembered to answer a redelivery without handling it twice


class WebhookListener:
    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], url: str, secret: str,
                 listen: str, port: int, metrics: Metrics) -> None:
        self.application, self.url, self.metrics = application, url, metrics
        self._secret = secret.encode()
        self.listen, self.port = listen, port
        self.path = urlsplit(url).path or "/"
        self._runner: web.AppRunner | None = None
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._warned: set[str] = set()

    async def start(self) -> None:
        """Listen first, then tell Telegram where to post: no update arrives before something answers."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.listen, self.port).start()
        except OSError as exc:
            raise StartupError(f"cannot listen on {self.listen}:{self.port} for the webhook ({exc.strerror}); "
                               "check WEBHOOK_LISTEN and WEBHOOK_PORT") from None
        try:
            await self.application.bot.set_webhook(self.url, secret_token=self._secret.decode(),
                                                   drop_pending_updates=False)
        except TelegramError as exc:
            raise StartupError(f"setWebhook failed for WEBHOOK_URL {self.url} ({exc.message})") from None
        log.info("webhook mode: listening on %s:%d%s for %s", self.listen, self.port, self.path,
                 urlsplit(self.url).netloc)

    async def stop(self) -> None:
        """Stop taking updates (requests in flight finish); the webhook stays set for the other processes."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _refuse(self, status: int, reason: str, detail: str) -> web.Response:
        self.metrics.webhook_refused.labels(reason).inc()
        if reason not in self._warned:
            self._warned.add(reason)
            log.warning("webhook: refused a request (%d, %s); further refusals of this kind are only counted in "
                        "storybot_webhook_refused_total", status, detail)
        return web.Response(status=status, text=f"{detail}\n")

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            return self._refuse(403, "secret", "missing or wrong secret token")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(413, "too_large", f"body over {MAX_BODY} bytes")
        update = self._parse(body)
        if update is None:
            return self._refuse(400, "bad_update", "not a Telegram update")
        if update.update_id in self._recent:
            return web.Response(text="ok\n")
        self._recent[update.update_id] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        bot = self.application.bot
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)
        await self.application.update_queue.put(update)
        return web.Response(text="ok\n")

    def _parse(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return None
            return Update.de_json(data, self.application.bot)
        except Exception:  # whatever the body holds, the answer is 400; nothing of it is logged
            return None
