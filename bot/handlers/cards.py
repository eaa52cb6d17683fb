"""A story card's buttons: "All N sources" pages through every outlet in place, "Coverage" sends the chart."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from time import monotonic

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from app.runtime import Core
from app.stories import StoryDetail
from bot.chart import coverage_chart
from bot.handlers.common import bounded_id, edit
from bot.i18n import N_, _, ngettext, number
from bot.i18n import current as current_language
from bot.render import sources_page, story_card
from news.types import StoryView

__all__ = ["GONE", "CardHandlers", "card_keyboard", "handlers", "pager_keyboard"]

log = logging.getLogger(__name__)
SOURCES, CARD, COVERAGE = "src:", "card:", "cov:"
GONE = N_("That story is no longer available.")
REPOST_AFTER = 600.0  # seconds before a group gets the same story's chart again
CHART_CACHE = 256


def card_keyboard(view: StoryView) -> InlineKeyboardMarkup:
    n = view.source_count
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(ngettext("All {count} source", "All {count} sources", n).format(count=number(n)),
                             callback_data=f"{SOURCES}{view.story_id}:0"),
        InlineKeyboardButton(_("📊 Coverage"), callback_data=f"{COVERAGE}{view.story_id}"),
    ]])


def pager_keyboard(story_id: int, page: int, pages: int) -> InlineKeyboardMarkup:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(_("◀ Previous"), callback_data=f"{SOURCES}{story_id}:{page - 1}"))
    row.append(InlineKeyboardButton(_("Back to story"), callback_data=f"{CARD}{story_id}"))
    if page + 1 < pages:
        row.append(InlineKeyboardButton(_("Next ▶"), callback_data=f"{SOURCES}{story_id}:{page + 1}"))
    return InlineKeyboardMarkup([row])


class CardHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._charts: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._posted: dict[tuple[int, int], float] = {}  # (group chat, story): when its chart was last posted

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story, page_text = query.data.removeprefix(SOURCES).split(":")
        story_id, page = bounded_id(story), int(page_text)
        found = await self.core.stories.detail(story_id) if story_id else None
        if found is None:
            await query.answer(_(GONE), show_alert=True)
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
            await query.answer(_(GONE), show_alert=True)
            return
        await query.answer()
        await edit(update, story_card(found.view, zone=found.zone), card_keyboard(found.view))

    async def coverage(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The coverage chart, as a reply to the card it was asked from. In a group, a story's chart is posted at
        most once per REPOST_AFTER seconds; a card shared inline has no chat to post in, so it goes to the
        presser's private chat."""
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(COVERAGE))
        found = await self.core.stories.detail(story_id) if story_id else None
        if found is None:
            await query.answer(_(GONE), show_alert=True)
            return
        message = query.message if isinstance(query.message, Message) else None
        chat_id = message.chat.id if message is not None else query.from_user.id
        if message is not None and message.chat.type != ChatType.PRIVATE:
            posted = self._posted.get((chat_id, found.view.story_id))
            if posted is not None and monotonic() - posted < REPOST_AFTER:
                minutes = round((monotonic() - posted) / 60)
                await query.answer(_("The chart was posted here {minutes} min ago ↑").format(minutes=number(minutes)))
                return
            self._posted[(chat_id, found.view.story_id)] = monotonic()
        png = await self._chart(found)
        thread = message.message_thread_id if message is not None and message.is_topic_message else None
        replying = ReplyParameters(message.message_id, allow_sending_without_reply=True) if message else None
        try:
            await context.bot.send_photo(chat_id, png, caption=_("Coverage: who reports it, and when"),
                                         message_thread_id=thread, reply_parameters=replying)
        except TelegramError:
            log.info("could not send the coverage chart to %s", chat_id, exc_info=True)
            await query.answer(_("Start a private chat with me to get the chart."), show_alert=True)
            return
        await query.answer()

    async def _chart(self, found: StoryDetail) -> bytes:
        """Drawn once per version of the story, hour (the histogram runs to now) and language, off the event loop
        (`to_thread` carries the language along)."""
        now = self.core.clock()
        view = found.view
        key = (view.story_id, view.article_count, view.last_updated, now.replace(minute=0, second=0, microsecond=0),
               current_language())
        if (png := self._charts.get(key)) is None:
            png = await asyncio.to_thread(coverage_chart, view.headline, view.coverage, found.published, now)
            self._charts[key] = png
            while len(self._charts) > CHART_CACHE:
                self._charts.popitem(last=False)
        if len(self._posted) > 10_000:
            self._posted.clear()
        return png


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = CardHandlers(core)
    return [
        CallbackQueryHandler(h.sources, pattern=rf"^{SOURCES}\d{{1,10}}:\d{{1,4}}$"),
        CallbackQueryHandler(h.card, pattern=rf"^{CARD}\d{{1,10}}$"),
        CallbackQueryHandler(h.coverage, pattern=rf"^{COVERAGE}\d{{1,10}}$"),
    ]
