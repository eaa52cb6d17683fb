"""A story card's buttons: "All N sources" pages through every outlet in place, "Coverage" sends the chart;
"Compare sides" is bot.handlers.sides."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from time import monotonic
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from app.runtime import Core
from app.stories import StoryDetail
from bot.chart import coverage_chart
from bot.handlers.common import NO_PREVIEW, bounded_id, chat_view, edit, reply
from bot.i18n import _, ngettext, number
from bot.i18n import current as current_language
from bot.render import SOURCES_PER_PAGE, caption_fits, sources_page, story_card
from bot.render_origins import first_report_lines
from bot.render_outlet import raters_line
from news.types import StoryView

__all__ = [
    "CARD", "COMPARE", "FOLLOW", "OUTLET", "SOURCES", "CardHandlers", "card_keyboard", "card_preview", "gone",
    "handlers", "pager_keyboard", "pager_row", "reply_card",
]

log = logging.getLogger(__name__)
SOURCES, CARD, COVERAGE, OUTLET, COMPARE, FOLLOW = "src:", "card:", "cov:", "out:", "cmp:", "fol:"
REPOST_AFTER = 600.0  # seconds before a group gets the same story's chart again
CHART_CACHE = 256


def gone(days: int) -> str:
    """What a card's button or link says once its story is gone: retention deletes a story 2 x RETENTION_DAYS after
    its last article (an alias sooner, but past RETENTION_DAYS), so "older than RETENTION_DAYS" is always true."""
    return ngettext("This story is older than {days} day and is no longer kept.",
                    "This story is older than {days} days and is no longer kept.", days).format(days=number(days))


def card_keyboard(view: StoryView) -> InlineKeyboardMarkup:
    n = view.source_count
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(ngettext("All {count} source", "All {count} sources", n).format(count=number(n)),
                             callback_data=f"{SOURCES}{view.story_id}:0"),
        InlineKeyboardButton(_("📊 Coverage"), callback_data=f"{COVERAGE}{view.story_id}"),
    ], [InlineKeyboardButton(_("⚖️ Compare sides"), callback_data=f"{COMPARE}{view.story_id}"),
        InlineKeyboardButton(_("🔔 Follow"), callback_data=f"{FOLLOW}{view.story_id}")]])


def card_preview(view: StoryView) -> LinkPreviewOptions:
    """A text card's picture: Telegram's large preview of the story's image, else of its headline article."""
    url = view.image_url or view.headline_url
    return LinkPreviewOptions(url=url, prefer_large_media=True) if url else NO_PREVIEW


async def reply_card(update: Update, view: StoryView, zone: ZoneInfo) -> None:
    """A story card as a reply: a photo with the card as its caption when the story has a picture and the card
    fits a caption; otherwise text, with the picture (or the headline article) as its link preview."""
    text, markup = story_card(view, zone=zone), card_keyboard(view)
    message = update.effective_message
    assert message is not None
    if view.image_url and caption_fits(text):
        try:
            await message.reply_photo(view.image_url, caption=text, reply_markup=markup, do_quote=False)
            return
        except BadRequest as exc:  # Telegram could not fetch or read the picture: the card goes as text
            log.info("story %d: its picture was refused (%s); sent as text", view.story_id, exc.message)
    await reply(update, text, reply_markup=markup, link_preview_options=card_preview(view))


def pager_keyboard(story_id: int, page: int, pages: int,
                   outlets: Sequence[tuple[int, str]] = ()) -> InlineKeyboardMarkup:
    """Previous / back / next, under a button per outlet of the page ((index in all sources, name)) that opens
    its profile (bot.handlers.outlets)."""
    profiles = [InlineKeyboardButton(f"ℹ️ {name[:30]}", callback_data=f"{OUTLET}{story_id}:{index}")
                for index, name in outlets]
    row = pager_row(page, pages, lambda to: f"{SOURCES}{story_id}:{to}",
                    InlineKeyboardButton(_("Back to story"), callback_data=f"{CARD}{story_id}"))
    return InlineKeyboardMarkup([*(profiles[i : i + 2] for i in range(0, len(profiles), 2)), row])


def pager_row(page: int, pages: int, data: Callable[[int], str],
              middle: InlineKeyboardButton) -> list[InlineKeyboardButton]:
    """◀ Previous (past the first page), `middle`, Next ▶ (before the last); `data(page)` is a page's callback."""
    row = [InlineKeyboardButton(_("◀ Previous"), callback_data=data(page - 1))] if page > 0 else []
    row.append(middle)
    if page + 1 < pages:
        row.append(InlineKeyboardButton(_("Next ▶"), callback_data=data(page + 1)))
    return row


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
        chat = await chat_view(self.core.chats, update)  # none under a card shared inline: no chat's mutes apply
        found = await self.core.stories.detail(story_id, chat) if story_id else None
        if found is None:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
            return
        intro = first_report_lines(found.first, found.zone) if found.first is not None else []
        text, page, pages = sources_page(found.view.headline, found.sources, page, intro)
        first = page * SOURCES_PER_PAGE
        shown = [(first + i, line.outlet) for i, line in enumerate(found.sources[first : first + SOURCES_PER_PAGE])]
        if rated_by := raters_line(self.core.profiles.raters(name for _i, name in shown)):
            text = f"{text}\n\n{rated_by}"
        await query.answer()
        await edit(update, text, pager_keyboard(found.view.story_id, page, pages, shown))

    async def card(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(CARD))
        chat = await chat_view(self.core.chats, update)
        found = await self.core.stories.detail(story_id, chat) if story_id else None
        if found is None:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
            return
        await query.answer()
        await edit(update, story_card(found.view, zone=found.zone), card_keyboard(found.view),
                   card_preview(found.view))

    async def coverage(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The coverage chart, as a reply to the card it was asked from. In a group, a story's chart is posted at
        most once per REPOST_AFTER seconds; a card shared inline has no chat to post in, so it goes to the
        presser's private chat."""
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(COVERAGE))
        chat = await chat_view(self.core.chats, update)  # the reader's zone for the first report's time
        found = await self.core.stories.detail(story_id, chat) if story_id else None
        if found is None:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
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
            await context.bot.send_photo(chat_id, png, caption=chart_caption(found),
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


def chart_caption(found: StoryDetail) -> str:
    """"Coverage: who reports it, and when", then who broke it and when each side joined."""
    first = first_report_lines(found.first, found.zone) if found.first is not None else []
    return "\n".join([_("Coverage: who reports it, and when"), *first])


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = CardHandlers(core)
    return [
        CallbackQueryHandler(h.sources, pattern=rf"^{SOURCES}\d{{1,10}}:\d{{1,4}}$"),
        CallbackQueryHandler(h.card, pattern=rf"^{CARD}\d{{1,10}}$"),
        CallbackQueryHandler(h.coverage, pattern=rf"^{COVERAGE}\d{{1,10}}$"),
    ]
