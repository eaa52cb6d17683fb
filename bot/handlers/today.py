"""/top (today's biggest stories, whatever the chat follows) and /blindspot (those one side barely covers)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from app.runtime import Core
from bot.handlers.common import COMMAND_UPDATES, chat_view, reply
from bot.render_today import blindspot_messages, top_messages

__all__ = ["TodayHandlers", "handlers"]


class TodayHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def top(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        today = await self.core.headlines.top(await chat_view(self.core.chats, update))
        for text in top_messages(today.stories, today.zone, context.bot.username):
            await reply(update, text)

    async def blindspot(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        today = await self.core.headlines.blindspots(await chat_view(self.core.chats, update))
        for text in blindspot_messages(today.stories, today.zone, context.bot.username):
            await reply(update, text)


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = TodayHandlers(core)
    return [CommandHandler("top", h.top, COMMAND_UPDATES), CommandHandler("blindspot", h.blindspot, COMMAND_UPDATES)]
