"""Unknown commands, stray messages, and the one place handler errors end up."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.handlers.common import reply

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, "I don't know that command. /help lists what I can do.")


async def not_a_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        await reply(update, "I answer commands: try /story <i>words</i> to find a story, or /help.")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("handler error for update %s", getattr(update, "update_id", update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update, "Sorry, something went wrong. Please try again in a moment.")
        except Exception:  # the chat may be gone; the error is already logged
            log.warning("could not tell the user about the error", exc_info=True)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, not_a_command),
    ]
