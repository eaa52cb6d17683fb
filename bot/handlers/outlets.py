"""Outlet profiles: /source NAME, and an outlet's button on a card's "All N sources" pages (edited in place, with
a button back to the page it came from)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.outlets import MAX_OUTLET_QUERY
from app.runtime import Core
from bot.handlers.cards import OUTLET, SOURCES, gone
from bot.handlers.common import COMMAND_UPDATES, argument_text, bounded_id, edit, reply
from bot.i18n import N_, _, number
from bot.render import SOURCES_PER_PAGE
from bot.render_outlet import SOURCE_HOW, outlet_card, unknown_outlet

__all__ = ["BACK_TO_SOURCES", "OutletHandlers", "handlers"]

BACK_TO_SOURCES = N_("◀ All sources")
SOURCE_TOO_LONG = N_("That's a long name; outlet names here are at most {limit} characters.")


class OutletHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = argument_text(update, context)
        if not name:
            await reply(update, _(SOURCE_HOW))
            return
        if len(name) > MAX_OUTLET_QUERY:
            await reply(update, _(SOURCE_TOO_LONG).format(limit=number(MAX_OUTLET_QUERY)))
            return
        found = await self.core.profiles.find(name)
        await reply(update, outlet_card(found.profile) if found.profile else unknown_outlet(name, found))

    async def from_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story, index = query.data.removeprefix(OUTLET).split(":")
        story_id = bounded_id(story)
        profile = await self.core.profiles.in_story(story_id, int(index)) if story_id else None
        if profile is None or profile.story_id is None:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
            return
        back = f"{SOURCES}{profile.story_id}:{int(index) // SOURCES_PER_PAGE}"
        await query.answer()
        await edit(update, outlet_card(profile),
                   InlineKeyboardMarkup([[InlineKeyboardButton(_(BACK_TO_SOURCES), callback_data=back)]]))


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = OutletHandlers(core)
    return [
        CommandHandler("source", h.source, COMMAND_UPDATES),
        CallbackQueryHandler(h.from_sources, pattern=rf"^{OUTLET}\d{{1,10}}:\d{{1,4}}$"),
    ]
