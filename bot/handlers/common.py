"""Small helpers every handler module shares: chat registration, argument text, replies."""

from __future__ import annotations

from html import escape

from telegram import LinkPreviewOptions, Update
from telegram.ext import ContextTypes

from bot.services import Services
from storage import chats as chat_store

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_ARGUMENT = 256


def e(text: str) -> str:
    return escape(text, quote=False)


def argument_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Everything after the command, as the user typed it (spaces folded)."""
    return " ".join(context.args or []).strip()


async def register_chat(services: Services, update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    settings = services.settings
    await services.query(
        lambda s: chat_store.ensure_chat(
            s, chat.id, type=chat.type, title=chat.title or chat.full_name or "",
            timezone=settings.digest_timezone, digest_times=settings.digest_time.strftime("%H:%M"),
        )
    )
    return chat.id


async def reply(update: Update, text: str, **kwargs: object) -> None:
    message = update.effective_message
    assert message is not None
    kwargs.setdefault("link_preview_options", NO_PREVIEW)
    await message.reply_text(text, do_quote=False, **kwargs)  # type: ignore[arg-type]
