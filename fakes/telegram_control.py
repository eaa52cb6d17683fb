"""``/_control/...``: the control API as JSON over HTTP, for a benchmark or test in another process.

POST /_control/<action> with a JSON object of the Python method's keyword arguments (``user_id`` for
``user``, ``data_base64`` for photo bytes); GET /_control/<reading>. Errors come back as
``{"ok": false, "error": "..."}`` with status 400; results as ``{"ok": true, "result": ...}``.
"""

from __future__ import annotations

import base64
import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from fakes.telegram_state import JSON, Chat, SentMessage, User

if TYPE_CHECKING:
    from fakes.telegram_api import FakeTelegram

ACTIONS = frozenset(
    {"add_user", "add_group", "add_supergroup", "add_channel", "create_topic", "set_member", "send_message",
     "send_photo", "press_button", "inline_query", "migrate_group", "set_bot_status", "block", "kick",
     "delete_chat", "enable_rate_limits", "disable_rate_limits", "inject_fault", "revoke_token"}
)


def to_json(value: Any) -> Any:
    if isinstance(value, SentMessage):
        return value.to_json()
    if isinstance(value, User):
        return value.to_api()
    if isinstance(value, Chat):
        return {**value.to_api(), "state": value.state.value, "bot_status": value.bot_status,
                "members": {str(k): v for k, v in value.members.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def _kwargs(body: JSON) -> JSON:
    kwargs = dict(body)
    if "user_id" in kwargs and "user" not in kwargs and "first_name" not in kwargs:
        kwargs["user"] = kwargs.pop("user_id")
    for key in ("members", "admins"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    if "data_base64" in kwargs:
        kwargs["data"] = base64.b64decode(kwargs.pop("data_base64"))
    return kwargs


def control_routes(server: FakeTelegram) -> list[web.RouteDef]:
    def ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": to_json(result)})

    def error(exc: Exception) -> web.Response:
        return web.json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status=400)

    async def act(request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action not in ACTIONS:
            return web.json_response({"ok": False, "error": f"unknown action {action}"}, status=404)
        body = await request.json() if request.can_read_body else {}
        try:
            result = getattr(server, action)(**_kwargs(body))
            if hasattr(result, "__await__"):
                result = await result
        except (KeyError, ValueError, TypeError) as exc:
            return error(exc)
        return ok({"new_chat_id": result} if action == "migrate_group" else result)

    async def messages(request: web.Request) -> web.Response:
        chat_id = int(request.query["chat_id"])
        if "count" not in request.query:
            return ok(server.messages(chat_id))
        try:
            timeout = float(request.query.get("timeout", "5"))
            return ok(await server.wait_for_messages(chat_id, int(request.query["count"]), timeout))
        except TimeoutError as exc:
            return error(exc)

    async def reading(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        readings = {
            "inline_answers": lambda: server.inline_answers,
            "callback_answers": lambda: server.callback_answers,
            "commands": lambda: server.commands,
            "chat_actions": lambda: server.chat_actions,
            "request_log": lambda: server.request_log,
            "pending_updates": lambda: server.pending_updates,
            "webhook_deliveries": lambda: server.webhook_deliveries,
            "webhook_info": server.webhook_info,
            "chats": lambda: list(server.world.chats.values()),
            "stats": lambda: {"rate_limited": server.rate_limited_count,
                              "requests": len(server.request_log),
                              "pending_updates": len(server.world.queue.pending)},
        }
        if name not in readings:
            return web.json_response({"ok": False, "error": f"unknown reading {name}"}, status=404)
        return ok(readings[name]())

    return [
        web.get("/_control/messages", messages),
        web.get("/_control/{name}", reading),
        web.post("/_control/{action}", act),
    ]
