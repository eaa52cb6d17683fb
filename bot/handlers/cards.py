"""A story card's buttons: "All N sources" pages through every outlet in place, "Coverage" sends the chart."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from app.runtime import Core
from bot.chart import coverage_chart
from bot.handlers.common import bounded_id, edit
from bot.render import sources_page, story_card
from news.types import StoryView

__all__ = ["GONE", "CardHandlers", "card_keyboard", "handlers", "pager_keyboard"]

log = logging.getLogger(__name__)
SOURCES, CARD, COVERAGE = "src:", "card:", "cov:"
GONE = "That story is no longer available."


def card_keyboard(view: StoryView) -> InlineKeyboardMarkup:
    n = view.source_count
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(f"All {n} source{'s' if n != 1 else ''}", callback_data=f"{SOURCES}{view.story_id}:0"),
        InlineKeyboardButton("📊 Coverage", callback_data=f"{COVERAGE}{view.story_id}"),
    ]])


def pager_keyboard(story_id: int, page: int, pages: int) -> InlineKeyboardMarkup:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ Previous", callback_data=f"{SOURCES}{story_id}:{page - 1}"))
    row.append(InlineKeyboardButton("Back to story", callback_data=f"{CARD}{story_id}"))
    if page + 1 < pages:
        row.append(InlineKeyboardButton("Next ▶", callback_data=f"{SOURCES}{story_id}:{page + 1}"))
    return InlineKeyboardMarkup([row])


class CardHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story, page_text = query.data.removeprefix(SOURCES).split(":")
        story_id, page = bounded_id(story), int(page_text)
        found = await self.core.stories.detail(story_id) if story_id else None
        if found is None:
            await query.answer(GONE, show_alert=True)
            return
        text, page, pages = sources_page(found.view.headline, found.sources, page)
        await query.answer()
        await edit(update, text, pager_keyboard(found.view.story_id, page, pages))

    async def card(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(CARD))
        chat = update.effective_chat
        found = await self.core.stories.detail(story_id, chat.id if chat else None) if story_id else None
        if found is None:
            await query.answer(GONE, show_alert=True)
            return
        await query.answer()
        await edit(update, story_card(found.view, zone=found.zone), card_keyboard(found.view))

    async def coverage(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(COVERAGE))
        found = await self.core.stories.detail(story_id) if story_id else None
        if found is None:
            await query.answer(GONE, show_alert=True)
            return
        view = found.view
        # Drawing is CPU work: off the event loop.
        png = await asyncio.to_thread(coverage_chart, view.headline, view.coverage, found.published,
                                      self.core.clock())
        # A card shared inline has no chat we may post in: the chart goes to the presser's private chat.
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        thread = message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None
        try:
            await context.bot.send_photo(chat_id, png, caption="Coverage: who reports it, and when",
                                         message_thread_id=thread)
        except TelegramError:
            log.info("could not send the coverage chart to %s", chat_id, exc_info=True)
            await query.answer("Start a private chat with me to get the chart.", show_alert=True)
            return
        await query.answer()


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = CardHandlers(core)
    return [
        CallbackQueryHandler(h.sources, pattern=rf"^{SOURCES}\d{{1,10}}:\d{{1,4}}$"),
        CallbackQueryHandler(h.card, pattern=rf"^{CARD}\d{{1,10}}$"),
        CallbackQueryHandler(h.coverage, pattern=rf"^{COVERAGE}\d{{1,10}}$"),
    ]
