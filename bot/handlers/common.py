"""Small helpers every handler module shares: chat registration, who may change a group, argument text, replies."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from time import monotonic

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from bot.digest_time import next_digest_at, parse_times, parse_zone
from bot.services import Services
from storage import chats as chat_store

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_ARGUMENT = 256
# Commands arrive as messages (private chats, groups) or channel posts; edits are not commands again.
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
REFUSAL = "Only this group's admins can change its topics and settings. Ask one of them, or message me privately."


def e(text: str) -> str:
    return escape(text, quote=False)


def argument_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Everything after the command, as the user typed it (spaces folded)."""
    return " ".join(context.args or []).strip()


async def register_chat(services: Services, update: Update, *, record_thread: bool = False) -> int:
    """The chat's id, after making sure it is known. `record_thread`: in a forum, digests go to this topic."""
    chat = update.effective_chat
    assert chat is not None
    settings = services.settings
    times = parse_times(settings.digest_time.strftime("%H:%M"))
    first = next_digest_at(times, parse_zone(settings.digest_timezone), services.clock())
    await services.query(
        lambda s: chat_store.ensure_chat(
            s, chat.id, type=chat.type, title=chat.title or chat.full_name or "",
            timezone=settings.digest_timezone, digest_times=settings.digest_time.strftime("%H:%M"),
            next_digest_at=first,
        )
    )
    message = update.effective_message
    if record_thread and chat.is_forum and message is not None:
        thread = message.message_thread_id if message.is_topic_message else None
        await services.query(chat_store.set_thread, chat.id, thread)
    return chat.id


async def reply(update: Update, text: str, **kwargs: object) -> None:
    message = update.effective_message
    assert message is not None
    kwargs.setdefault("link_preview_options", NO_PREVIEW)
    await message.reply_text(text, do_quote=False, **kwargs)  # type: ignore[arg-type]


class Access:
    """Who may change a chat: anyone in private, whoever posts in a channel (only admins can), admins elsewhere.

    getChatMember answers are cached for `ttl` seconds so a busy group doesn't ask Telegram on every command."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None or chat.type == ChatType.PRIVATE or update.channel_post is not None:
            return True  # only a channel's admins can post in it
        if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
            return True  # an anonymous admin writes as the group itself
        # Everything else, including a button pressed under a channel post, needs an admin.
        if user is None:
            return False
        key = (chat.id, user.id)
        cached = self._cache.get(key)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            log.warning("getChatMember failed for chat %s user %s", chat.id, user.id, exc_info=True)
            return False
        allowed = member.status in ADMIN_STATUSES
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (self.clock(), allowed)
        return allowed

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """True when allowed; otherwise the user has been told why not."""
        if await self.may_change(update, context):
            return True
        if update.callback_query is not None:
            await update.callback_query.answer(REFUSAL, show_alert=True)
        else:
            await reply(update, REFUSAL)
        return False


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed button's message in place; pressing twice (nothing to change) is not an error."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, reply_markup=markup, link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
