"""The language of each update (picked right after flood control, before the handlers) and /language.

An update is answered in its chat's language; a chat whose language is not known yet (it never wrote, or its
first user's Telegram language is not shipped) is answered in the language of whoever wrote, else in
DEFAULT_LANGUAGE. In a group only an admin changes it, as with topics and settings.

Only updates that get an answer read the chat (`answered`): group chatter, channel posts and service messages
cost no database read. The chat read here is the one the answering handler uses (bot.handlers.common.chat_view).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, TypeHandler, filters

from app.runtime import Core
from bot.handlers.common import (
    COMMAND_UPDATES,
    Access,
    argument_text,
    chat_ref,
    chat_view,
    e,
    edit,
    new_update,
    reply,
)
from bot.i18n import _, activate, current, languages, normalize, pick

__all__ = ["CHOOSE", "NAMES", "LanguageHandlers", "answered", "gate", "handlers", "language_keyboard",
           "language_text"]

CHOOSE = "lang:"
PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
# Each language by its own name, so a reader finds theirs whatever the chat speaks now.
NAMES = {"en": "English", "es": "Español"}


def answered(update: Update) -> bool:
    """Whether a handler may answer the update in its chat: a command, a button, or a private message (the
    fallback answers those). Not chatter in groups, channel posts that are not commands, service messages."""
    if update.callback_query is not None:
        return True
    message = update.message or update.channel_post
    if message is None:
        return False
    return (message.text or "").startswith("/") or bool(PRIVATE_MESSAGE.check_update(update))


def _name(code: str) -> str:
    return NAMES.get(code, code)


def language_text() -> str:
    return _("The language I speak in this chat: <b>{language}</b>. Pick another one:").format(
        language=e(_name(current())))


def language_keyboard() -> InlineKeyboardMarkup:
    chosen = current()
    buttons = [InlineKeyboardButton(f"• {_name(code)} •" if code == chosen else _name(code),
                                    callback_data=CHOOSE + code) for code in languages()]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


class LanguageHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def choose(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Before every other handler: the language this update is answered in."""
        new_update()
        user = update.effective_user
        chat = await chat_view(self.core.chats, update) if answered(update) else None
        activate(pick(chat.language if chat is not None else None, user.language_code if user is not None else None,
                      self.core.settings.default_language))

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: the keyboard; /language es: straight to Spanish."""
        wanted = argument_text(update, context)
        if not wanted:
            await reply(update, language_text(), reply_markup=language_keyboard())
            return
        code = normalize(wanted)
        if code is None:
            shown = ", ".join(f"<code>{c}</code> ({_name(c)})" for c in languages())
            await reply(update, _("I don't speak that language. I speak: {languages}.").format(languages=shown),
                        reply_markup=language_keyboard())
            return
        if await self.access.check(update, context):
            await self._set(update, code)
            await reply(update, self._done())

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        code = normalize(query.data.removeprefix(CHOOSE))
        if code is None or not await self.access.check(update, context):
            return
        await self._set(update, code)
        await query.answer(self._done())
        await edit(update, language_text(), language_keyboard())

    async def _set(self, update: Update, code: str) -> None:
        await self.core.chats.set_language(chat_ref(update), code)
        activate(code)  # the answer is in the new language already

    @staticmethod
    def _done() -> str:
        return _("From now on I speak {language} here.").format(language=_name(current()))


def gate(core: Core, access: Access) -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    return TypeHandler(Update, LanguageHandlers(core, access).choose)


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = LanguageHandlers(core, access)
    pattern = "^" + CHOOSE + "(?:" + "|".join(languages()) + ")$"
    return [
        CommandHandler("language", h.language, COMMAND_UPDATES),
        CallbackQueryHandler(h.button, pattern=pattern),
    ]
