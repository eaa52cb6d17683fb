"""The people's side: users write, press buttons, query inline, and admins move the bot around chats."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fakes.telegram_html import utf16_len
from fakes.telegram_state import JSON, Chat, ChatState, User, chat_member, now
from fakes.telegram_world import World

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?!\S)")


def command_entities(text: str) -> list[JSON]:
    """bot_command entities wherever Telegram's clients mark them (offsets in UTF-16 code units)."""
    return [{"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))}
            for m in _COMMAND.finditer(text)]


def _bot_sees(world: World, chat: Chat, message: JSON) -> bool:
    """Privacy mode: a group bot that is no admin sees commands, mentions and replies to itself only."""
    if chat.type != "group" and chat.type != "supergroup":
        return True
    if world.profile.can_read_all_group_messages or chat.bot_status == "administrator":
        return True
    text = message.get("text") or message.get("caption") or ""
    mention = f"@{world.profile.username}".lower()
    if mention in text.lower():
        return True
    replied = message.get("reply_to_message") or {}
    if (replied.get("from") or {}).get("id") == world.bot_id:
        return True
    for entity in message.get("entities", []):
        command = text[entity["offset"] : entity["offset"] + entity["length"]]
        if entity["type"] == "bot_command" and "@" not in command:
            return True
    content = ("text", "caption", "photo", "document", "sticker", "video", "voice", "audio", "animation")
    return not any(key in message for key in content)  # service messages reach every bot


def resolve_chat(world: World, chat_id: int, user: User | int | None) -> tuple[Chat, User | None]:
    if chat_id not in world.chats and chat_id > 0:
        return world.private_chat(world.user(user, default_id=chat_id)), world.users[chat_id]
    chat = world.chat(chat_id)
    if chat.type == "private":
        return chat, chat.user
    if chat.type == "channel":
        return chat, None
    sender = world.user(user, default_id=next(iter(chat.members), None))
    chat.members.setdefault(sender.id, "member")
    return chat, sender


def _come_back(world: World, chat: Chat, user: User) -> None:
    """A user who blocked the bot unblocks it by writing again."""
    if chat.state is ChatState.BLOCKED:
        chat.state = ChatState.ACTIVE
        emit_my_chat_member(world, chat, user, "kicked", "member")


# Telegram's stand-in for every anonymous group admin: one user id, in every group.
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


def post(world: World, chat_id: int, user: User | int | None, thread_id: int | None = None,
         reply_to: int | None = None, *, as_chat: bool = False, **fields: Any) -> JSON:
    """A user (or a channel admin) posts a message; the bot gets it if privacy mode lets it. `as_chat`: an
    anonymous group admin, who writes as the group itself."""
    if as_chat:
        chat = world.chat(chat_id)
        message = world.new_message(chat, ANONYMOUS_ADMIN, thread_id, sender_chat=chat.to_api(), **fields)
        if _bot_sees(world, chat, message):
            world.queue.push("message", message)
        return message
    chat, sender = resolve_chat(world, chat_id, user)
    if sender is not None:
        _come_back(world, chat, sender)
    if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
        raise KeyError(f"chat {chat_id} has no topic {thread_id}; create_topic first")
    reply = chat.history.get(reply_to) if reply_to is not None else None
    if reply_to is not None and reply is None:
        raise KeyError(f"chat {chat_id} has no message {reply_to}")
    message = world.new_message(chat, sender.to_api() if sender else None, thread_id, reply_to_message=reply,
                                **fields)
    if _bot_sees(world, chat, message):
        world.queue.push("channel_post" if chat.type == "channel" else "message", message)
    return message


def send_text(world: World, chat_id: int, text: str, user: User | int | None = None,
              thread_id: int | None = None, reply_to: int | None = None,
              entities: list[JSON] | None = None, as_chat: bool = False) -> JSON:
    found = command_entities(text) if entities is None else entities
    return post(world, chat_id, user, thread_id, reply_to, as_chat=as_chat, text=text, entities=found or None)


def send_photo(world: World, chat_id: int, data: bytes, user: User | int | None = None,
               caption: str | None = None, thread_id: int | None = None) -> JSON:
    file_id = "AgACAgIAAxkBAAU" + secrets.token_urlsafe(24)
    world.files[file_id] = data
    size = {"file_id": file_id, "file_unique_id": file_id[-16:], "width": 320, "height": 320,
            "file_size": len(data)}
    return post(world, chat_id, user, thread_id, photo=[size], caption=caption)


def press_button(world: World, chat_id: int, message_id: int, data: str, user: User | int | None = None,
                 forged: bool = False) -> JSON:
    """A user presses a button. `forged`: a modified client sends data no button of the message carries (the Bot
    API passes any callback data of up to 64 bytes on to the bot)."""
    record = world.find_sent(chat_id, message_id)
    if record is None or record.deleted:
        raise KeyError(f"the bot has no message {message_id} in chat {chat_id}")
    if forged:
        if not 1 <= len(data.encode()) <= 64:
            raise ValueError("callback data is 1-64 bytes")
    elif not any(b.get("callback_data") == data for row in record.buttons for b in row):
        raise KeyError(f"message {message_id} has no button with callback_data {data!r}: {record.buttons}")
    chat, presser = resolve_chat(world, chat_id, user)
    query_id = str(world.next_id() * 1_000_003 + 4_242)
    world.open_queries.add(query_id)
    query = {"id": query_id, "from": (presser or world.user(user)).to_api(), "message": record.message,
             "chat_instance": world.chat_instance(chat), "data": data}
    world.queue.push("callback_query", query)
    return query


def press_inline_button(world: World, user: User | int | None, data: str) -> JSON:
    """A button under a message sent through inline mode: the query has an inline_message_id and no message, so
    the bot learns neither the chat nor the message."""
    query_id = str(world.next_id() * 1_000_003 + 5_151)
    world.open_queries.add(query_id)
    query = {"id": query_id, "from": world.user(user).to_api(), "inline_message_id": f"AAAAA{world.next_id()}",
             "chat_instance": "-1", "data": data}
    world.queue.push("callback_query", query)
    return query


def inline_query(world: World, user: User | int | None, query: str, offset: str = "",
                 chat_type: str | None = "private") -> JSON:
    if not world.profile.supports_inline_queries:
        raise ValueError("this bot has inline mode off (supports_inline_queries=False)")
    query_id = str(world.next_id() * 1_000_003 + 7_777)
    world.open_queries.add(query_id)
    payload: JSON = {"id": query_id, "from": world.user(user).to_api(), "query": query, "offset": offset}
    if chat_type:
        payload["chat_type"] = chat_type
    world.queue.push("inline_query", payload)
    return payload


def emit_my_chat_member(world: World, chat: Chat, by: User | None, old: str, new: str) -> JSON:
    actor = by or chat.user or world.user(None)
    update = {"chat": chat.to_api(), "from": actor.to_api(), "date": now(),
              "old_chat_member": chat_member(world.bot_user, old),
              "new_chat_member": chat_member(world.bot_user, new)}
    world.queue.push("my_chat_member", update)
    return update


def set_bot_status(world: World, chat_id: int, status: str, by: User | int | None = None) -> JSON:
    """The bot is added ("member"), promoted ("administrator"), removed ("left") or banned ("kicked")."""
    chat = world.chat(chat_id)
    old, chat.bot_status = chat.bot_status, status
    chat.state = ChatState.KICKED if status in ("left", "kicked") else ChatState.ACTIVE
    actor = world.user(by, default_id=next(iter(chat.members), None))
    return emit_my_chat_member(world, chat, actor, old, status)


def block(world: World, chat_id: int) -> None:
    chat = world.chat(chat_id)
    if chat.type != "private":
        raise ValueError("only a private chat's user can block the bot; use kick for groups")
    chat.state = ChatState.BLOCKED
    emit_my_chat_member(world, chat, chat.user, "member", "kicked")


def migrate_group(world: World, old_id: int, by: User | int | None = None) -> int:
    old = world.chat(old_id)
    if old.type != "group":
        raise ValueError(f"chat {old_id} is a {old.type}; only basic groups migrate")
    new_id = -1_000_000_000_000 - world.next_id()
    new = Chat(id=new_id, type="supergroup", title=old.title, members=dict(old.members),
               bot_status=old.bot_status)
    world.chats[new_id] = new
    actor = world.user(by, default_id=next(iter(old.members), None))
    post(world, old_id, actor, migrate_to_chat_id=new_id)
    old.state, old.migrated_to = ChatState.MIGRATED, new_id
    post(world, new_id, actor, migrate_from_chat_id=old_id)
    return new_id


def create_topic(world: World, chat_id: int, name: str, user: User | int | None = None) -> int:
    chat = world.chat(chat_id)
    if not chat.is_forum:
        raise ValueError(f"chat {chat_id} is not a forum supergroup")
    message = post(world, chat_id, user, forum_topic_created={"name": name, "icon_color": 7322096})
    thread_id = int(message["message_id"])
    chat.topics[thread_id] = name
    message["message_thread_id"], message["is_topic_message"] = thread_id, True
    return thread_id
