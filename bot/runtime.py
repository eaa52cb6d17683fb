"""The composition root: Settings -> Core (app.runtime) + the Telegram Application, its handlers, jobs and the
digest workers. Tests, benchmarks and `storybot run` all start the bot through `Runtime`.

    async with Runtime(settings) as runtime:   # start(): migrate, add feeds, getMe, command menus, updates
        ...                                    # stop(): updates, ticks, sends in flight (SHUTDOWN_GRACE_SECONDS),
                                               #         jobs, digest workers, clients, in that order

Updates come by long polling, or with `webhook=True` (`run --webhook`) by bot.webhook. With METRICS_PORT set,
bot.service serves /healthz, /readyz and /metrics.

Roles (`storybot run --role`): `bot` answers updates; `worker` fetches, clusters and delivers digests; `all` does
both. On SQLite the process locks the database file (storage.exclusive): a second one refuses to start. On
PostgreSQL any number of processes share the work (README, "Several processes").
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Literal

import httpx
from telegram import BotCommandScopeChat
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, Defaults

from app.delivery import DigestDelivery, delivery_policy
from app.digests import Digest
from app.follows import FOLLOW_DAYS, FollowNote, FollowUpdates
from app.health import Health
from app.metrics import Metrics
from app.runtime import Core, StartupError, utc_now
from app.settings import Settings
from app.tx import Transactions
from bot import handlers
from bot.handlers.start import command_menu
from bot.i18n import languages, use
from bot.jobs import Jobs
from bot.logs import PollingErrors
from bot.pace import SendLimits, SharedPace
from bot.render_digest import digest_messages
from bot.render_follow import follow_message
from bot.sender import ProjectRateLimiter, TelegramSender
from bot.service import ServiceEndpoint
from bot.updates import ChatOrderedProcessor, update_kind
from bot.webhook import WebhookListener
from storage.exclusive import AlreadyRunning, SqliteLock

__all__ = ["ROLES", "BotApiUnavailable", "Role", "Runtime"]

Role = Literal["all", "bot", "worker"]
ROLES: tuple[Role, ...] = ("all", "bot", "worker")

log = logging.getLogger("storybot")


class BotApiUnavailable(StartupError):
    """The Bot API can't be used at start: unreachable, or it refused the token."""


class Runtime:
    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now,
                 client: httpx.AsyncClient | None = None, polling: bool = True, webhook: bool = False,
                 role: Role = "all") -> None:
        self.settings = settings
        self.role = role
        if webhook and role != "worker" and settings.webhook_problem():
            raise StartupError(settings.webhook_problem())
        self.exclusive = SqliteLock(settings.database_url)
        try:
            self.exclusive.acquire()
        except AlreadyRunning as exc:
            raise StartupError(str(exc)) from None
        try:
            self._build(settings, clock, client, polling, webhook and role != "worker")
        except BaseException:
            self.exclusive.release()
            raise

    def _build(self, settings: Settings, clock: Callable[[], datetime], client: httpx.AsyncClient | None,
               polling: bool, webhook: bool) -> None:
        self.core = Core.build(settings, client=client, clock=clock)
        self.metrics, self.health = Metrics(), Health()
        alone = self.core.db.engine.dialect.name != "postgresql"
        # Paces shared by every process on PostgreSQL, on a pool of their own (never behind a digest's build).
        self._pace_tx = None if alone else Transactions(self.core.db, threads=2, name="db-pace")
        self._shared = shared = None if self._pace_tx is None else SharedPace.for_rate(
            self._pace_tx, settings.send_rate_global)
        # One pace for replies and digests: global, per private chat, per group (bot.pace).
        self.limits = SendLimits(settings.send_rate_global, settings.send_rate_private,
                                 settings.send_rate_group_per_minute, shared=shared)
        self.limits.on_rate_limited = self.metrics.rate_limited.inc
        processor = ChatOrderedProcessor(observe=self._observe_update)
        self.application = (
            Application.builder().token(settings.token()).base_url(settings.bot_base_url)
            .base_file_url(settings.bot_base_file_url).defaults(Defaults(parse_mode=ParseMode.HTML))
            .rate_limiter(ProjectRateLimiter(self.limits)).concurrent_updates(processor).build()
        )
        sender = TelegramSender(self.application.bot, self.limits)
        # A digest part's outbox writes (right before and after its request) never queue behind a digest's build.
        self._part_tx = Transactions(self.core.db, threads=2, name="db-parts")
        self.delivery = DigestDelivery(self.core.background, self.core.digests, sender, self._render_digest,
                                       delivery_policy(settings), clock, metrics=self.metrics, alone=alone,
                                       part_tx=self._part_tx)
        self.language = settings.default_language
        self.follow_updates = FollowUpdates(self.core.background, self.delivery, self.core.cards, self._render_follow,
                                            clock, timedelta(hours=settings.cluster_window_hours))
        handlers.register(self.application, self.core)
        self.jobs = Jobs(self.core, self.delivery, self.health, self.metrics, self.follow_updates)
        answers = self.role != "worker"
        self.polling = polling and answers and not webhook
        self.webhook = self._webhook_listener() if webhook else None
        self.endpoint = None if settings.metrics_port is None else ServiceEndpoint(
            self.core.operators, self.health, self.metrics, settings.metrics_host, settings.metrics_port)

    async def start(self) -> None:
        """Migrate and add feeds, check the Bot API (getMe), set the command menus, then poll and run the jobs."""
        added = await asyncio.to_thread(self.core.prepare)
        if added:
            log.info("added %d feeds from %s", added, self.settings.feeds_file or "the bundled list")
        await self._initialize()
        if self.role != "worker":
            await self._command_menus()
        if self.endpoint is not None:
            await self.endpoint.start()
        if self.webhook is not None:
            await self.webhook.start()
        elif self.polling:
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=None, drop_pending_updates=False,
                                                         error_callback=PollingErrors())
        # Scheduled now, not when built: the first runs ("in 1 s") count from here, however long migrating took.
        if self.role != "bot":
            self.jobs.schedule(self.application)
        else:  # no clustering here: the digest corpus follows what the workers write, in the background
            self.jobs.schedule_corpus(self.application)
        await self.application.start()
        log.info("storybot started (role %s): Bot API at %s, database %s", self.role, self.settings.telegram_api_url,
                 self.core.db.engine.url.render_as_string(hide_password=True))

    async def stop(self) -> None:
        """Stop taking updates and starting ticks, give the sends in flight SHUTDOWN_GRACE_SECONDS, then close."""
        if self.webhook is not None:
            await self.webhook.stop()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        queue = self.application.job_queue
        if queue is not None and queue.scheduler.running:
            queue.scheduler.pause()  # no new ticks: nothing new is fetched, clustered or claimed
        await self.delivery.drain(self.settings.shutdown_grace_seconds)
        if self.application.running:
            await self.application.stop()
        await self.delivery.stop()
        await self.application.shutdown()
        if self.endpoint is not None:
            await self.endpoint.stop()
        await self.core.close()
        self._part_tx.close()
        if self._shared is not None:
            await self._shared.close()
        if self._pace_tx is not None:
            self._pace_tx.close()
        self.exclusive.release()

    async def __aenter__(self) -> Runtime:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    async def serve(self) -> int:
        """Run until SIGINT or SIGTERM. Once running, python-telegram-bot rides out network outages."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        async with self:
            # What start-up built (modules, the models, the outlet table) lives as long as the process. Frozen, it is
            # out of the collector's full passes, which otherwise stall the event loop for tens of milliseconds:
            # between a send's slot and its request, that is enough to crowd the next slot (bot.pace.LATE).
            gc.collect()
            gc.freeze()
            await stopping.wait()
            log.info("storybot stopping")
        return 0

    async def _initialize(self) -> None:
        bot = self.application.bot
        try:
            await self.application.initialize()
        except InvalidToken as exc:
            raise BotApiUnavailable("Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped?); "
                                    "get the current one from @BotFather") from exc
        except NetworkError as exc:  # TimedOut is a NetworkError too
            reason = exc.message.replace(bot.token, "<token>")
            raise BotApiUnavailable(f"cannot reach the Telegram Bot API at {self.settings.telegram_api_url} "
                                    f"({reason}); check TELEGRAM_API_URL and the network, then start again") from exc

    def _webhook_listener(self) -> WebhookListener:
        assert self.settings.webhook_url is not None and self.settings.webhook_secret is not None
        return WebhookListener(self.application, self.settings.webhook_url,
                               self.settings.webhook_secret.get_secret_value(), self.settings.webhook_listen,
                               self.settings.webhook_port, self.metrics)

    def _observe_update(self, update: object, seconds: float) -> None:
        self.metrics.updates.labels(update_kind(update)).observe(seconds)

    def _render_digest(self, digest: Digest) -> list[str]:
        """The digest renderer, with links back to this bot (its username is known once started), in the chat's
        language (the default one for a chat whose language is not known)."""
        with use(self.language):
            return digest_messages(digest, self.application.bot.username)

    def _render_follow(self, note: FollowNote) -> str:
        """A followed story's update or last line, in its chat's language."""
        with use(note.language or self.language):
            return follow_message(note, self.application.bot.username, FOLLOW_DAYS)

    async def _command_menus(self) -> None:
        """Everyone sees the user commands; each operator's own chat also lists the operator commands. The menu
        without a language is in DEFAULT_LANGUAGE; each shipped language has its own (Telegram picks by the
        user's language)."""
        bot = self.application.bot
        menus = [(None, self.language), *((code, code) for code in languages())]
        for language_code, language in menus:
            with use(language):
                await bot.set_my_commands(command_menu(), language_code=language_code)
        for admin_id in self.settings.admin_user_ids:
            try:
                for language_code, language in menus:
                    with use(language):
                        await bot.set_my_commands(command_menu(operator=True), scope=BotCommandScopeChat(admin_id),
                                                  language_code=language_code)
            except TelegramError as exc:  # the operator has not opened a chat with the bot yet
                log.warning("no operator command menu for %s: %s", admin_id, exc)

