"""Bot methods that post or change messages: sendMessage, sendPhoto, editMessage*, deleteMessage."""

from __future__ import annotations

import io
import secrets
from typing import Any

from fakes.telegram_html import FormattedText, HtmlParseError, parse_html, trim, utf16_len
from fakes.telegram_params import Params
from fakes.telegram_state import JSON, ApiError, Chat, SentMessage, bad_request
from fakes.telegram_world import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")


def format_text(world: World, raw: str, params: Params, entities_field: str, *, caption: bool) -> FormattedText:
    parse_mode = (params.text("parse_mode") or "").lower()
    if parse_mode == "html":
        try:
            formatted = parse_html(raw, strict_entities=world.strict_html_entities)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif parse_mode in ("", "markdown", "markdownv2"):  # Markdown is not parsed by this fake
        formatted = FormattedText(raw, list(params.array(entities_field) or []))
    else:
        raise bad_request("unsupported parse_mode")
    formatted = trim(formatted)
    if utf16_len(formatted.text) > (1024 if caption else 4096):
        raise bad_request("message caption is too long" if caption else "message is too long")
    return formatted


def inline_markup(params: Params) -> JSON | None:
    """The inline keyboard, validated like Telegram; other keyboards are accepted and not echoed."""
    markup = params.obj("reply_markup")
    if not markup or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    for button in (b for row in rows for b in row):
        if not button.get("text"):
            raise bad_request("BUTTON_TEXT_INVALID") if "text" in button else bad_request(
                "can't find field \"text\"")
        if sum(key in button for key in _BUTTON_ACTIONS) != 1:
            raise bad_request("BUTTON_TYPE_INVALID")
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}


def thread_id(chat: Chat, params: Params) -> int | None:
    thread = params.integer("message_thread_id")
    if thread is not None and chat.is_forum and thread != 1 and thread not in chat.topics:
        raise bad_request("message thread not found")
    return thread


def reply_target(chat: Chat, params: Params) -> JSON | None:
    reply = params.obj("reply_parameters") or {}
    message_id = reply.get("message_id", params.integer("reply_to_message_id"))
    if message_id is None:
        return None
    allow_missing = reply.get("allow_sending_without_reply", params.flag("allow_sending_without_reply"))
    target = chat.history.get(int(message_id))
    if target is None and not allow_missing:
        raise bad_request("message to be replied not found")
    return target


def flood_check(world: World, chat: Chat) -> None:
    retry_after = world.flood.check(chat.id, chat.type == "private")
    if retry_after is not None:
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def _link_preview_disabled(params: Params) -> bool:
    options = params.obj("link_preview_options") or {}
    return bool(options.get("is_disabled", params.flag("disable_web_page_preview")))


def _post(world: World, chat: Chat, params: Params, formatted: FormattedText, raw: str | None,
          *, caption: bool, **extra: Any) -> tuple[JSON, SentMessage]:
    thread, reply, markup = thread_id(chat, params), reply_target(chat, params), inline_markup(params)
    flood_check(world, chat)
    disabled = _link_preview_disabled(params)
    text_fields = ({"caption": formatted.text or None, "caption_entities": formatted.entities or None}
                   if caption else {"text": formatted.text, "entities": formatted.entities or None})
    message = world.new_message(
        chat, None if chat.type == "channel" else world.bot_user, thread, reply_to_message=reply, **extra,
        **text_fields, link_preview_options={"is_disabled": True} if disabled and not caption else None,
        reply_markup=markup,
    )
    record = SentMessage(
        chat_id=chat.id, message_id=message["message_id"], raw_text=raw, text=formatted.text,
        entities=formatted.entities, parse_mode=params.text("parse_mode"), reply_markup=markup,
        thread_id=thread, link_preview_disabled=disabled,
        reply_to_message_id=reply["message_id"] if reply else None, date=message["date"], message=message,
        link_preview=params.obj("link_preview_options"),
    )
    return message, record


async def send_message(world: World, params: Params) -> JSON:
    chat = world.writable(params.raw("chat_id"))
    raw = params.text("text") or ""
    formatted = format_text(world, raw, params, "entities", caption=False)
    if not formatted.text:
        raise bad_request("message text is empty")
    message, record = _post(world, chat, params, formatted, raw, caption=False)
    world.record_sent(record)
    return message


def _photo_bytes(world: World, params: Params) -> tuple[bytes | None, str]:
    upload = params.files.get("photo")
    reference = params.text("photo") or ""
    if upload is None and reference.startswith("attach://"):
        upload = params.files.get(reference.removeprefix("attach://"))
    if upload is not None:
        if not upload[1]:
            raise bad_request("file must be non-empty")
        return upload[1], ""
    if reference in world.files:
        return world.files[reference], reference
    if reference.startswith(("http://", "https://")):
        return None, ""
    raise bad_request("wrong file identifier/HTTP URL specified" if reference else "there is no photo in the request")


def _photo_sizes(data: bytes | None, file_id: str) -> list[JSON]:
    width = height = 320
    if data is not None:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Exception:
            raise bad_request("IMAGE_PROCESS_FAILED") from None
    return [{"file_id": file_id, "file_unique_id": file_id[-16:], "width": width, "height": height,
             "file_size": len(data) if data is not None else 0}]


async def send_photo(world: World, params: Params) -> JSON:
    chat = world.writable(params.raw("chat_id"))
    data, file_id = _photo_bytes(world, params)
    raw = params.text("caption")
    formatted = format_text(world, raw or "", params, "caption_entities", caption=True)
    file_id = file_id or "AgACAgIAAxkBAAI" + secrets.token_urlsafe(24)
    sizes = _photo_sizes(data, file_id)
    message, record = _post(world, chat, params, formatted, raw, caption=True, photo=sizes)
    if data is not None:
        world.files[file_id] = data
    else:
        record.photo_url = params.text("photo")
    record.photo, record.photo_file_id = data, file_id
    world.record_sent(record)
    return message


def _editable(world: World, params: Params) -> tuple[Chat, SentMessage] | None:
    if params.text("inline_message_id"):
        return None
    chat = world.writable(params.raw("chat_id"))
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    if message_id not in chat.history:
        raise bad_request("message to edit not found")
    record = world.find_sent(chat.id, message_id)
    if record is None:
        raise bad_request("message can't be edited")
    return chat, record


def _apply_edit(world: World, chat: Chat, record: SentMessage, formatted: FormattedText, raw: str | None,
                params: Params, markup: JSON | None) -> JSON:
    if (formatted.text, formatted.entities, markup) == (record.text, record.entities, record.reply_markup):
        raise bad_request(NOT_MODIFIED)
    flood_check(world, chat)
    record.edits.append({"raw_text": record.raw_text, "text": record.text, "entities": record.entities,
                         "reply_markup": record.reply_markup})
    record.raw_text, record.text, record.entities = raw, formatted.text, formatted.entities
    record.reply_markup = markup
    if "text" in params.values or "caption" in params.values:
        record.parse_mode = params.text("parse_mode")
    if "text" in params.values:
        record.link_preview = params.obj("link_preview_options")
        record.link_preview_disabled = _link_preview_disabled(params)
    message = record.message
    key, entities_key = ("caption", "caption_entities") if "photo" in message else ("text", "entities")
    message[key] = formatted.text
    message.pop(entities_key, None)
    message.pop("reply_markup", None)
    if formatted.entities:
        message[entities_key] = formatted.entities
    if markup:
        message["reply_markup"] = markup
    message["edit_date"] = message["date"] + 1
    world.notify_sent()
    return message


async def edit_message_text(world: World, params: Params) -> JSON | bool:
    target = _editable(world, params)
    raw = params.text("text") or ""
    formatted = format_text(world, raw, params, "entities", caption=False)
    if not formatted.text:
        raise bad_request("message text is empty")
    if target is None:
        return True
    chat, record = target
    if "photo" in record.message:
        raise bad_request("there is no text in the message to edit")
    return _apply_edit(world, chat, record, formatted, raw, params, inline_markup(params))


async def edit_message_caption(world: World, params: Params) -> JSON | bool:
    """A photo's caption (and buttons); a text message has none to edit, as on Telegram."""
    target = _editable(world, params)
    raw = params.text("caption") or ""
    formatted = format_text(world, raw, params, "caption_entities", caption=True)
    if target is None:
        return True
    chat, record = target
    if "photo" not in record.message:
        raise bad_request("there is no caption in the message to edit")
    return _apply_edit(world, chat, record, formatted, raw, params, inline_markup(params))


async def edit_message_reply_markup(world: World, params: Params) -> JSON | bool:
    target = _editable(world, params)
    if target is None:
        return True
    chat, record = target
    current = FormattedText(record.text or "", record.entities)
    return _apply_edit(world, chat, record, current, record.raw_text, params, inline_markup(params))


async def delete_message(world: World, params: Params) -> bool:
    chat = world.lookup(params.raw("chat_id"))
    message_id = params.integer("message_id")
    if message_id is None or chat.history.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    record = world.find_sent(chat.id, message_id)
    if record is not None:
        record.deleted = True
        world.notify_sent()
    return True
