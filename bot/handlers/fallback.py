"""Flood control first; unknown commands and stray messages last; the one place handler errors end up."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers.common import COMMAND_UPDATES, reply
from bot.i18n import N_, SOURCE_LANGUAGE, _, activate, pick
from bot.throttle import Throttle

__all__ = ["NOT_A_COMMAND", "STALE_BUTTON", "UNKNOWN", "Fallback", "gate", "handlers", "on_error"]

log = logging.getLogger(__name__)
UNKNOWN = N_("I don't know that command. /help lists what I can do.")
NOT_A_COMMAND = N_("I answer commands: try /story <i>words</i> to find a story, or /help.")
STALE_BUTTON = N_("That button no longer works here. Send the command again for a fresh one.")


def flood_key(update: Update) -> int | None:
    """Who a command, button press or inline query counts against: the user; or, for a message sent as a chat
    (an anonymous group admin, a channel post), that chat, since all anonymous admins share one user id.
    None for anything else (service messages, plain text)."""
    message = update.message or update.channel_post
    is_command = message is not None and (message.text or "").startswith("/")
    if not (is_command or update.callback_query is not None or update.inline_query is not None):
        return None
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class Fallback:
    def __init__(self, throttle: Throttle | None = None, default_language: str = SOURCE_LANGUAGE) -> None:
        self.throttle = throttle or Throttle()
        self.default_language = default_language

    async def flood_gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every handler (group -1): a sender over their budget is told once, then ignored."""
        sender = flood_key(update)
        if sender is None:
            return
        allowed, warn = self.throttle.check(sender)
        if allowed:
            return
        wait = self.throttle.retry_after(sender)
        # A flood is not worth a database read: the sender's own Telegram language (the chat's comes later).
        user = update.effective_user
        activate(pick(None, user.language_code if user is not None else None, self.default_language))
        note = _("Easy there: too many requests at once. Try again in {seconds} s.").format(seconds=wait)
        if update.callback_query is not None:
            await update.callback_query.answer(note)
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=wait)
        elif warn:
            await reply(update, "⏳ " + note)
        log.info("throttled sender %s", sender)
        raise ApplicationHandlerStop

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        command = (message.text or "").split()[0]
        addressed = "@" in command and command.split("@", 1)[1].lower() == (context.bot.username or "").lower()
        # In groups a bare unknown command may be meant for another bot: answer only when addressed to us.
        if chat.type == ChatType.PRIVATE or addressed:
            await reply(update, _(UNKNOWN))

    async def not_a_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await reply(update, _(NOT_A_COMMAND))

    async def unknown_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Callback data no handler's strict pattern accepted: an old keyboard, or forged. Answered, never an error."""
        query = update.callback_query
        assert query is not None
        log.info("unknown button data %r from user %s", (query.data or "")[:64], query.from_user.id)
        await query.answer(_(STALE_BUTTON))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if isinstance(update, Update):
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        what = (message.text or message.caption or "")[:100] if message is not None else ""
        if update.callback_query is not None:
            what = f"button {update.callback_query.data!r}"
        elif update.inline_query is not None:
            what = f"inline {update.inline_query.query[:100]!r}"
        log.error("handler error: update %s chat %s user %s: %s", update.update_id, chat.id if chat else None,
                  user.id if user else None, what, exc_info=context.error)
    else:
        log.error("error outside an update: %r", update, exc_info=context.error)
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(_("Sorry, something went wrong."))
        elif update.effective_message is not None:
            await reply(update, _("Sorry, something went wrong. Please try again in a moment."))
    except Exception:  # the chat may be gone or the query expired; the error is already logged
        log.warning("could not tell the user about the error", exc_info=True)


def gate(fallback: Fallback) -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    return TypeHandler(Update, fallback.flood_gate)


def handlers(fallback: Fallback | None = None) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    fallback = fallback or Fallback()
    private_content = (filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND
                       & ~filters.StatusUpdate.ALL)
    return [
        MessageHandler(filters.COMMAND & COMMAND_UPDATES, fallback.unknown_command),
        MessageHandler(private_content, fallback.not_a_command),
        CallbackQueryHandler(fallback.unknown_button),
    ]
