"""The Bot API methods the fake serves, by lower-cased name (Telegram matches method names case-insensitively)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fakes import telegram_messages as messages
from fakes.telegram_params import Params
from fakes.telegram_state import DEFAULT_ALLOWED_UPDATES, JSON, ApiError, bad_request, chat_member
from fakes.telegram_world import World

Handler = Callable[[World, Params], Awaitable[Any]]
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")  # the command methods take a two-letter ISO 639-1 code, or none
_WEBHOOK_URL = re.compile(r"https?://[^/\s]+(/\S*)?")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_INVALID_QUERY = "query is too old and response timeout expired or query ID is invalid"


async def get_me(world: World, params: Params) -> JSON:
    return world.profile.get_me(world.bot_id)


async def get_updates(world: World, params: Params) -> list[JSON]:
    if world.webhook.url:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    limit = params.integer("limit", 100) or 100
    allowed = params.array("allowed_updates")
    return await world.queue.get(
        offset=params.integer("offset", 0) or 0,
        limit=limit if 1 <= limit <= 100 else 100,
        timeout=params.number("timeout", 0.0),
        allowed=[str(kind) for kind in allowed] if allowed is not None else None,
    )


async def set_webhook(world: World, params: Params) -> bool:
    """An empty url removes the webhook, as on Telegram; the fake also takes http:// (tests run on loopback)."""
    url = params.text("url") or ""
    secret = params.text("secret_token")
    if url and not _WEBHOOK_URL.match(url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.array("allowed_updates")
    if allowed is not None:
        world.queue.allowed = frozenset(str(kind) for kind in allowed) if allowed else DEFAULT_ALLOWED_UPDATES
    world.webhook.url, world.webhook.secret = url, (secret if url else None)
    if params.flag("drop_pending_updates"):
        world.queue.pending.clear()
    world.queue.wake()
    return True


async def delete_webhook(world: World, params: Params) -> bool:
    world.webhook.url, world.webhook.secret = "", None
    if params.flag("drop_pending_updates"):
        world.queue.pending.clear()
    world.queue.wake()
    return True


async def get_webhook_info(world: World, params: Params) -> JSON:
    return world.webhook.info(len(world.queue.pending))


def scope_key(scope: JSON | None, language_code: str | None) -> str:
    """"default", "all_private_chats", "chat:<id>", "chat_member:<chat>:<user>", plus "|<lang>"."""
    if language_code and not _LANGUAGE.fullmatch(language_code):
        raise bad_request("invalid language code specified")
    scope = scope or {"type": "default"}
    key = ":".join(str(scope[part]) for part in ("type", "chat_id", "user_id") if part in scope)
    return f"{key}|{language_code}" if language_code else key


async def set_my_commands(world: World, params: Params) -> bool:
    commands = params.array("commands")
    if commands is None:
        raise bad_request("parameter \"commands\" is required")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = scope_key(params.obj("scope"), params.text("language_code"))
    world.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
    return True


async def get_my_commands(world: World, params: Params) -> list[JSON]:
    return world.commands.get(scope_key(params.obj("scope"), params.text("language_code")), [])


async def delete_my_commands(world: World, params: Params) -> bool:
    world.commands.pop(scope_key(params.obj("scope"), params.text("language_code")), None)
    return True


def _take_query(world: World, query_id: str | None) -> str:
    if not query_id or query_id not in world.open_queries:
        raise bad_request(_INVALID_QUERY)
    world.open_queries.discard(query_id)
    return query_id


async def answer_callback_query(world: World, params: Params) -> bool:
    query_id = _take_query(world, params.text("callback_query_id"))
    world.callback_answers.append({
        "callback_query_id": query_id, "text": params.text("text"), "show_alert": params.flag("show_alert"),
        "url": params.text("url"), "cache_time": params.integer("cache_time", 0),
    })
    return True


async def answer_inline_query(world: World, params: Params) -> bool:
    results = params.array("results")
    if results is None:
        raise bad_request("parameter \"results\" is required")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    if len({str(r.get("id")) for r in results}) != len(results):
        raise bad_request("RESULT_ID_DUPLICATE")
    query_id = _take_query(world, params.text("inline_query_id"))
    world.inline_answers.append({
        "inline_query_id": query_id, "results": results, "cache_time": params.integer("cache_time", 300),
        "is_personal": params.flag("is_personal"), "next_offset": params.text("next_offset"),
        "button": params.obj("button"),
    })
    return True


async def send_chat_action(world: World, params: Params) -> bool:
    chat = world.writable(params.raw("chat_id"))
    action = params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.chat_actions.append({"chat_id": chat.id, "action": action,
                               "message_thread_id": params.integer("message_thread_id")})
    return True


async def get_chat(world: World, params: Params) -> JSON:
    return world.lookup(params.raw("chat_id")).full_info()


async def get_chat_member(world: World, params: Params) -> JSON:
    chat = world.lookup(params.raw("chat_id"))
    user_id = params.integer("user_id")
    if user_id == world.bot_id:
        return chat_member(world.bot_user, chat.bot_status if chat.type != "private" else "member")
    if user_id is None or user_id not in world.users:
        raise bad_request("user not found")
    if chat.type == "private":
        status = "member" if user_id == chat.id else "left"
    else:
        status = chat.members.get(user_id, "left")
    return chat_member(world.users[user_id].to_api(), status)


async def get_chat_administrators(world: World, params: Params) -> list[JSON]:
    chat = world.lookup(params.raw("chat_id"))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [chat_member(world.users[uid].to_api(), status) for uid, status in chat.members.items()
              if status in ("creator", "administrator") and uid in world.users]
    if chat.bot_status == "administrator":
        admins.append(chat_member(world.bot_user, "administrator"))
    return admins


async def log_out(world: World, params: Params) -> bool:
    return True


METHODS: dict[str, Handler] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "sendmessage": messages.send_message,
    "sendphoto": messages.send_photo,
    "editmessagetext": messages.edit_message_text,
    "editmessagecaption": messages.edit_message_caption,
    "editmessagereplymarkup": messages.edit_message_reply_markup,
    "deletemessage": messages.delete_message,
    "answercallbackquery": answer_callback_query,
    "answerinlinequery": answer_inline_query,
    "sendchataction": send_chat_action,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatadministrators": get_chat_administrators,
    "close": log_out,
    "logout": log_out,
}


def describe_chat_id(params: Params) -> int | str | None:
    """The chat a request is about, for the request log."""
    value = params.raw("chat_id")
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value) if not isinstance(value, dict) else json.dumps(value)
