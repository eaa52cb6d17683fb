"""What every handler module shares: the chat an update came from (and how it reads, once per update), argument
text, replies, edits, and the group-admin check (the rule is app.chats.who_may_change; asking Telegram who is an
admin happens here)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from html import escape
from time import monotonic
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes, filters

from app.chat_view import ChatView
from app.chats import ChatRef, Chats, Permission, who_may_change
from app.digest_time import InvalidSchedule
from bot.i18n import N_, _, normalize
from bot.render import caption_fits
from news.topics import InvalidTopic

__all__ = [
    "ADMIN_STATUSES",
    "COMMAND_UPDATES",
    "MAX_ID",
    "NO_PREVIEW",
    "REFUSAL",
    "Access",
    "TelegramApplication",
    "argument_text",
    "bounded_id",
    "chat_ref",
    "chat_view",
    "e",
    "edit",
    "new_update",
    "problem",
    "reply",
]

log = logging.getLogger(__name__)
TelegramApplication = Application[Any, Any, Any, Any, Any, Any]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Commands arrive as messages (private chats, groups) or channel posts; edits are not commands again.
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
NO_CHAT = N_("This button works in the chat where the message was sent, not in a shared copy.")
MAX_ID = 2**31 - 1  # the largest story or subscription id the database holds; callback data may claim anything
# The chat of the update being handled, as read by the first handler that needed it (python-telegram-bot handles
# each update in a task of its own, and its handlers in turn within it).
_viewed: ContextVar[ChatView | None] = ContextVar("storybot_chat_view", default=None)
REFUSAL = N_("Only this group's admins can change its topics and settings. Ask one of them, or message me privately.")


def e(text: str) -> str:
    return escape(text, quote=False)


def problem(exc: InvalidSchedule | InvalidTopic) -> str:
    """A refusal of the schedule or topic rules, in the current language, its values escaped."""
    return e(_(exc.template).format(**{name: str(value) for name, value in exc.fields.items()}))


def argument_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Everything after the command, as the user typed it (spaces folded)."""
    return " ".join(context.args or []).strip()


def bounded_id(digits: str) -> int | None:
    """A database id from callback data (the pattern allows at most 10 digits), or None when out of range."""
    value = int(digits)
    return value if 0 < value <= MAX_ID else None


def chat_ref(update: Update) -> ChatRef:
    """The chat of a message, a channel post or a pressed button, as the application layer knows chats."""
    chat = update.effective_chat
    assert chat is not None
    message = update.effective_message
    thread = None
    if chat.is_forum and isinstance(message, Message) and message.is_topic_message:
        thread = message.message_thread_id
    user = update.effective_user
    language = normalize(user.language_code) if user is not None else None
    return ChatRef(chat.id, chat.type, chat.title or chat.full_name or "", thread, bool(chat.is_forum), language)


def new_update() -> None:
    """Forget the chat read for the previous update (the first handler of each update calls this)."""
    _viewed.set(None)


async def chat_view(chats: Chats, update: Update) -> ChatView | None:
    """The update's chat as its readers see it (app.chat_view), read at most once per update: the language gate
    reads it, and the handler answering gets the same. None for an update without a chat (a button under a card
    shared inline)."""
    chat = update.effective_chat
    if chat is None:
        return None
    seen = _viewed.get()
    if seen is not None and seen.id == chat.id:
        return seen
    view = await chats.view(chat.id)
    _viewed.set(view)
    return view


async def reply(update: Update, text: str, **kwargs: object) -> None:
    message = update.effective_message
    assert message is not None
    kwargs.setdefault("link_preview_options", NO_PREVIEW)
    await message.reply_text(text, do_quote=False, **kwargs)  # type: ignore[arg-type]


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None,
               preview: LinkPreviewOptions = NO_PREVIEW) -> None:
    """Edit the pressed button's message in place; pressing twice (nothing to change) is not an error. A photo
    card's caption is edited instead of its text; what doesn't fit a caption comes as a new message under it."""
    query = update.callback_query
    assert query is not None
    message = query.message if isinstance(query.message, Message) else None
    try:
        if message is not None and message.photo:
            if caption_fits(text):
                await query.edit_message_caption(text, reply_markup=markup)
            else:
                await message.reply_text(text, reply_markup=markup, link_preview_options=NO_PREVIEW, do_quote=False)
            return
        await query.edit_message_text(text, reply_markup=markup, link_preview_options=preview)
    except BadRequest as exc:  # "not modified": pressed twice; otherwise the message is gone or too old to edit
        if "not modified" not in exc.message:
            log.info("could not edit the message of a button press: %s", exc.message)


class Access:
    """Whether the sender may change the chat (app.chats.who_may_change); group admins are looked up with
    getChatMember, and the answers are cached for `ttl` seconds so a busy group doesn't ask on every command."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None:
            return True
        as_chat = message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id
        rule = who_may_change(chat.type, channel_post=update.channel_post is not None, posted_as_chat=as_chat)
        if rule is Permission.ANYONE:
            return True
        return user is not None and await self._is_admin(context, chat.id, user.id)

    async def _is_admin(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> bool:
        key = (chat_id, user_id)
        cached = self._cache.get(key)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await context.bot.get_chat_member(chat_id, user_id)
        except TelegramError:
            log.warning("getChatMember failed for chat %s user %s", chat_id, user_id, exc_info=True)
            return False
        allowed = member.status in ADMIN_STATUSES
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (self.clock(), allowed)
        return allowed

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """True when allowed; otherwise the user has been told why not (a button under a message shared through
        inline mode has no chat to change)."""
        if update.effective_chat is None:
            if update.callback_query is not None:
                await update.callback_query.answer(_(NO_CHAT))
            return False
        if await self.may_change(update, context):
            return True
        if update.callback_query is not None:
            await update.callback_query.answer(_(REFUSAL), show_alert=True)
        else:
            await reply(update, _(REFUSAL))
        return False
