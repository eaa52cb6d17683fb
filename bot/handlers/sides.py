"""A card's "Compare sides" button: the card edited in place into one part per side (bot.render_sides), with
buttons that page through a side's outlets and go back to the compare view and to the card.

Callback data: "cmp:ID" (the compare view) and "cmp:ID:S:PAGE" (side S of l, c, r, u; u = unrated). Like "All N
sources", it works under a card shared inline (no chat: no mutes apply) and in groups (anyone may press).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from app.compare import StorySides
from app.runtime import Core
from bot.handlers.cards import CARD, COMPARE, gone, pager_row
from bot.handlers.common import bounded_id, chat_view, edit
from bot.i18n import _, number
from bot.render_sides import SIDE_NAMES, compare_view, mark, side_page
from news.sides import SidePart

__all__ = ["handlers"]

SIDE_CODES = {"l": "left", "c": "center", "r": "right", "u": None}
CODE_OF = {side: code for code, side in SIDE_CODES.items()}


def compare_keyboard(sides: StorySides) -> InlineKeyboardMarkup:
    """A button per side that has outlets (its pages), then back to the card."""
    buttons = [InlineKeyboardButton(f"{mark(part.side)} {_(SIDE_NAMES[part.side])} · {number(len(part.outlets))}",
                                    callback_data=f"{COMPARE}{sides.story_id}:{CODE_OF[part.side]}:0")
               for part in sides.parts if part.outlets]
    back = [InlineKeyboardButton(_("Back to story"), callback_data=f"{CARD}{sides.story_id}")]
    return InlineKeyboardMarkup([*(buttons[i : i + 2] for i in range(0, len(buttons), 2)), back])


def side_keyboard(story_id: int, part: SidePart, page: int, pages: int) -> InlineKeyboardMarkup:
    code = CODE_OF[part.side]
    row = pager_row(page, pages, lambda to: f"{COMPARE}{story_id}:{code}:{to}",
                    InlineKeyboardButton(_("⚖️ Compare sides"), callback_data=f"{COMPARE}{story_id}"))
    return InlineKeyboardMarkup([row, [InlineKeyboardButton(_("Back to story"), callback_data=f"{CARD}{story_id}")]])


class SidesHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def _sides(self, update: Update, digits: str) -> StorySides | None:
        """The story's sides, or None after telling the presser it is gone."""
        query = update.callback_query
        assert query is not None
        story_id = bounded_id(digits)
        chat = await chat_view(self.core.chats, update)  # none under a card shared inline: no chat's mutes apply
        found = await self.core.compare.sides(story_id, chat) if story_id else None
        if found is None:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
        return found

    async def compare(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        found = await self._sides(update, query.data.removeprefix(COMPARE))
        if found is None:
            return
        await query.answer()
        await edit(update, compare_view(found.headline, found.source_count, found.parts), compare_keyboard(found))

    async def side(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story, code, page_text = query.data.removeprefix(COMPARE).split(":")
        found = await self._sides(update, story)
        if found is None:
            return
        side = SIDE_CODES[code]
        part = next((p for p in found.parts if p.side == side), SidePart(side, (), (), (), found.parts[0].evidence))
        text, page, pages = side_page(found.headline, part, int(page_text))
        await query.answer()
        await edit(update, text, side_keyboard(found.story_id, part, page, pages))


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = SidesHandlers(core)
    return [
        CallbackQueryHandler(h.compare, pattern=rf"^{COMPARE}\d{{1,10}}$"),
        CallbackQueryHandler(h.side, pattern=rf"^{COMPARE}\d{{1,10}}:[lcru]:\d{{1,4}}$"),
    ]
