"""A fake Telegram Bot API server that a real PTB ``Application`` talks to over HTTP.

    async with FakeTelegram() as tg:
        app = Application.builder().token(tg.token).base_url(tg.base_url).build()
        await tg.send_message(42, "/start")           # user 42 writes to the bot
        [reply] = await tg.wait_for_messages(42, 1)   # what the bot answered

Bot side: ``POST /bot<token>/<method>`` (see telegram_methods.py); once the bot calls ``setWebhook``, updates
are POSTed to its URL instead (telegram_webhook.py). Control side for tests: the async
methods below, or JSON over ``/_control/<action>`` (telegram_control.py) for another process.
Standalone, for another process: ``python -m fakes.telegram_serve`` (telegram_serve.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import Any

from aiohttp import web

from fakes import telegram_users as people
from fakes.telegram_control import control_routes
from fakes.telegram_limits import Fault, RateLimits
from fakes.telegram_methods import METHODS, describe_chat_id
from fakes.telegram_params import Params, read_params
from fakes.telegram_state import JSON, ApiError, Chat, ChatState, RequestRecord, SentMessage, User
from fakes.telegram_webhook import WebhookAttempt, WebhookPusher
from fakes.telegram_world import DEFAULT_TOKEN, BotProfile, World

TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{35}")
log = logging.getLogger(__name__)


class FakeTelegram:
    """The server plus the control API a test uses to act as users and read what the bot did."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, bot_username: str = "storybot_test_bot",
                 bot_first_name: str = "Storybot", can_join_groups: bool = True,
                 can_read_all_group_messages: bool = False, supports_inline_queries: bool = True,
                 rate_limits: RateLimits | None = None, strict_html_entities: bool = False) -> None:
        self.token = token
        profile = BotProfile(bot_username, bot_first_name, can_join_groups, can_read_all_group_messages,
                             supports_inline_queries)
        self.world = World(profile=profile, bot_id=int(token.split(":")[0]),
                           strict_html_entities=strict_html_entities)
        self.world.flood.configure(rate_limits)
        self.revoked_tokens: set[str] = set()
        self.api_root = ""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.webhook = WebhookPusher(self.world.queue, self.world.webhook)

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What PTB's ``ApplicationBuilder.base_url`` wants: requests go to ``{base_url}{token}/{method}``."""
        return f"{self.api_root}/bot"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.add_routes(control_routes(self))
        app.router.add_route("*", "/bot{token}/{method}", self._bot_endpoint)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        self._runner = web.AppRunner(self.make_app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.api_root = f"http://{host}:{bound_port}"
        self.webhook.start()
        return self

    async def stop(self) -> None:
        self._closing.set()
        self.world.queue.close()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- the Bot API -----------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").to_json(), status=404)

    async def _bot_endpoint(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        token, method = request.match_info["token"], request.match_info["method"]
        if not TOKEN.fullmatch(token):
            return await self._not_found(request)
        if token in self.revoked_tokens:
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        self.world.bot_id = int(token.split(":")[0])
        name = method.lower()
        try:
            params = await read_params(request)
        except ApiError as exc:
            return web.json_response(exc.to_json(), status=exc.code)
        fault = self.world.faults.take(name) if name in METHODS else None
        if fault is not None and fault.kind != "close_after":
            return await self._fail(request, fault, name, params, started)
        handler = METHODS.get(name)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            body: JSON = {"ok": True, "result": await handler(self.world, params)}
            status = 200
        except ApiError as exc:
            body, status = exc.to_json(), exc.code
        self.world.log(name, describe_chat_id(params), started, status, body.get("description"))
        if fault is not None:
            return self._drop(request)
        return web.json_response(body, status=status)

    async def _fail(self, request: web.Request, fault: Fault, name: str, params: Params,
                    started: float) -> web.StreamResponse:
        self.world.log(name, describe_chat_id(params), started, 500 if fault.kind == "500" else 0, fault.kind)
        if fault.kind == "500":
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return web.json_response(body, status=500)
        if fault.kind == "hang":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.hang_seconds)
        return self._drop(request)

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    # --- people and chats ------------------------------------------------------------------------

    def add_user(self, first_name: str = "Alice", username: str | None = None, user_id: int | None = None,
                 language_code: str | None = "en", last_name: str | None = None) -> User:
        user = self.world.user(user_id)
        user.first_name, user.last_name, user.language_code = first_name, last_name, language_code
        user.username = username
        return user

    def add_private_chat(self, user: User | int) -> Chat:
        return self.world.private_chat(self.world.user(user))

    async def add_group(self, title: str = "Group", *, members: tuple[User | int, ...] = (),
                        admins: tuple[User | int, ...] = (), creator: User | int | None = None,
                        chat_type: str = "group", is_forum: bool = False, username: str | None = None,
                        bot_status: str = "member", announce: bool = True) -> Chat:
        """A group, supergroup or channel with the bot in it as ``bot_status``; ``announce`` sends the
        my_chat_member update Telegram sends when someone adds the bot."""
        offset = 4_000_000_000 if chat_type == "group" else 1_000_000_000_000
        chat = Chat(id=-(offset + self.world.next_id()), type=chat_type, title=title, username=username,
                    is_forum=is_forum, bot_status="left")
        owner = self.world.user(creator)
        chat.members[owner.id] = "creator"
        for admin in admins:
            chat.members[self.world.user(admin).id] = "administrator"
        for member in members:
            chat.members.setdefault(self.world.user(member).id, "member")
        self.world.chats[chat.id] = chat
        if announce:
            people.set_bot_status(self.world, chat.id, bot_status, owner)
        else:
            chat.bot_status = bot_status
        return chat

    async def add_supergroup(self, title: str = "Supergroup", *, is_forum: bool = False, **kw: Any) -> Chat:
        return await self.add_group(title, chat_type="supergroup", is_forum=is_forum, **kw)

    async def add_channel(self, title: str = "Channel", *, bot_status: str = "administrator", **kw: Any) -> Chat:
        return await self.add_group(title, chat_type="channel", bot_status=bot_status, **kw)

    def set_member(self, chat_id: int, user: User | int, status: str) -> None:
        """creator, administrator, member, left or kicked: what getChatMember answers for the user."""
        self.world.chat(chat_id).members[self.world.user(user).id] = status

    async def create_topic(self, chat_id: int, name: str, user: User | int | None = None) -> int:
        return people.create_topic(self.world, chat_id, name, user)

    # --- acting as users -------------------------------------------------------------------------

    async def send_message(self, chat_id: int, text: str, user: User | int | None = None,
                           thread_id: int | None = None, reply_to: int | None = None,
                           entities: list[JSON] | None = None, *, as_chat: bool = False) -> JSON:
        """`as_chat`: an anonymous group admin writes as the group (Telegram's GroupAnonymousBot)."""
        return people.send_text(self.world, chat_id, text, user, thread_id, reply_to, entities, as_chat)

    async def send_photo(self, chat_id: int, data: bytes, user: User | int | None = None,
                         caption: str | None = None, thread_id: int | None = None) -> JSON:
        return people.send_photo(self.world, chat_id, data, user, caption, thread_id)

    async def press_button(self, chat_id: int, message_id: int, data: str, user: User | int | None = None,
                           *, forged: bool = False) -> JSON:
        return people.press_button(self.world, chat_id, message_id, data, user, forged)

    async def press_inline_button(self, user: User | int | None, data: str) -> JSON:
        return people.press_inline_button(self.world, user, data)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """A forum topic is deleted: sending to it answers 400 message thread not found."""
        self.world.chat(chat_id).topics.pop(thread_id, None)

    async def inline_query(self, user: User | int | None, query: str, offset: str = "",
                           chat_type: str | None = "private") -> JSON:
        return people.inline_query(self.world, user, query, offset, chat_type)

    async def migrate_group(self, old_id: int, by: User | int | None = None) -> int:
        return people.migrate_group(self.world, old_id, by)

    async def set_bot_status(self, chat_id: int, status: str, by: User | int | None = None) -> JSON:
        return people.set_bot_status(self.world, chat_id, status, by)

    async def block(self, chat_id: int) -> None:
        people.block(self.world, chat_id)

    async def kick(self, chat_id: int, by: User | int | None = None) -> None:
        people.set_bot_status(self.world, chat_id, "kicked", by)

    async def delete_chat(self, chat_id: int) -> None:
        self.world.chat(chat_id).state = ChatState.DELETED

    # --- reading what the bot did ----------------------------------------------------------------

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to the chat, in order; edits update a record, deletes mark it."""
        return list(self.world.sent.get(chat_id, []))

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        return await self.world.wait_for_sent(chat_id, count, timeout)

    @property
    def inline_answers(self) -> list[JSON]:
        return self.world.inline_answers

    @property
    def callback_answers(self) -> list[JSON]:
        return self.world.callback_answers

    @property
    def commands(self) -> dict[str, list[JSON]]:
        """setMyCommands by scope key: "default", "all_private_chats", "chat:<id>", ... with "|<lang>"."""
        return self.world.commands

    @property
    def chat_actions(self) -> list[JSON]:
        return self.world.chat_actions

    @property
    def request_log(self) -> list[RequestRecord]:
        return self.world.request_log

    @property
    def rate_limited_count(self) -> int:
        return len(self.world.flood.limited)

    @property
    def rate_limited(self) -> list[tuple[int, str, float]]:
        """Each 429 answered: the chat, the window that was full ("global" or "chat") and how far short it was."""
        return list(self.world.flood.limited)

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self.world.queue.pending)

    @property
    def webhook_deliveries(self) -> list[WebhookAttempt]:
        """Every POST of an update to the webhook, in order: update id, url, HTTP status (0: no answer)."""
        return list(self.webhook.deliveries)

    def webhook_info(self) -> JSON:
        return self.world.webhook.info(len(self.world.queue.pending))

    def requests(self, method: str) -> list[RequestRecord]:
        return [r for r in self.world.request_log if r.method == method.lower()]

    # --- limits and faults -----------------------------------------------------------------------

    def enable_rate_limits(self, global_per_second: float | None = 30, private_per_second: float | None = 1,
                           group_per_minute: float | None = 20) -> None:
        self.world.flood.configure(RateLimits(global_per_second, private_per_second, group_per_minute))

    def disable_rate_limits(self) -> None:
        self.world.flood.configure(None)

    def inject_fault(self, method: str, count: int = 1, kind: str = "500", hang_seconds: float = 3600.0) -> None:
        """The next ``count`` calls of ``method`` answer 500, hang, drop the connection ("close") or do
        the work and then drop it ("close_after")."""
        self.world.faults.add(method, count, kind, hang_seconds)

    def revoke_token(self, token: str) -> None:
        """Requests with this token now get 401 Unauthorized, as after /revoke in BotFather."""
        self.revoked_tokens.add(token)


if __name__ == "__main__":  # the standalone server's first name; it lives in telegram_serve.py now
    from fakes.telegram_serve import main

    main()
