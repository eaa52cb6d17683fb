"""Inline mode: `@bot words` in any chat offers matching story cards to share."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, ContextTypes, InlineQueryHandler

from app.runtime import Core
from app.stories import MAX_QUERY
from bot.handlers.cards import card_keyboard, card_preview
from bot.render import counts_line, story_card
from news.types import StoryView

__all__ = ["CACHE_SECONDS", "RESULTS", "InlineHandlers", "handlers", "result"]

RESULTS = 5
CACHE_SECONDS = 60


def result(view: StoryView, zone: ZoneInfo) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=str(view.story_id),
        title=view.headline[:200],
        description=counts_line(view)[:200],
        input_message_content=InputTextMessageContent(
            story_card(view, zone=zone), parse_mode=ParseMode.HTML, link_preview_options=card_preview(view)
        ),
        reply_markup=card_keyboard(view),
        thumbnail_url=view.image_url or None,
    )


class InlineHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        words = " ".join(query.query.split())
        views: list[StoryView] = []
        if words and len(words) <= MAX_QUERY:
            views = (await self.core.stories.search(words, limit=RESULTS, suggest=0)).stories
        elif not words:
            views = await self.core.stories.trending(RESULTS)
        # A card shared inline may land in any chat: its dateline is in the bot's default zone.
        await query.answer([result(v, self.core.stories.zone) for v in views], cache_time=CACHE_SECONDS)


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [InlineQueryHandler(InlineHandlers(core).answer)]
