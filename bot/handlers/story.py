"""/digest (my digest now: the digest this chat would get if it were sent now) and /story <query>."""

from __future__ import annotations

import dataclasses

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from app.runtime import Core
from app.stories import MAX_QUERY
from bot.handlers.cards import card_keyboard
from bot.handlers.common import COMMAND_UPDATES, argument_text, chat_ref, e, reply
from bot.i18n import N_, _, number
from bot.render import link, story_card
from bot.render_digest import digest_messages

__all__ = ["NO_TOPICS", "StoryHandlers", "handlers"]

NO_TOPICS = N_("You don't follow any topic yet. Try <code>/subscribe world</code> or /start.")


class StoryHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        digest = await self.core.digests.for_chat(chat_ref(update).id)
        if digest is None or not digest.topics:
            await reply(update, _(NO_TOPICS))
            return
        # Asked for, so "nothing new" is said even in a chat that prefers silence on empty days.
        for text in digest_messages(dataclasses.replace(digest, send_empty=True), context.bot.username):
            await reply(update, text)

    async def story(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = argument_text(update, context)
        if not query:
            await reply(update, _("What are you looking for? e.g. <code>/story mars rover</code>."))
            return
        if len(query) > MAX_QUERY:
            await reply(update, _("That's a long search; please use at most {count} characters.").format(
                count=number(MAX_QUERY)))
            return
        found = await self.core.stories.search(query, chat_id=chat_ref(update).id)
        if found.stories:
            view = found.stories[0]
            await reply(update, story_card(view, zone=found.zone), reply_markup=card_keyboard(view))
            return
        text = _("No story found for <i>{query}</i>. Try fewer or other words.").format(query=e(query))
        if found.suggestions:
            text += "\n\n" + _("<b>Maybe one of these:</b>") + "\n" + "\n".join(
                f"• {link(v.headline, v.headline_url, 120)}" for v in found.suggestions
            )
        await reply(update, text)


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = StoryHandlers(core)
    return [CommandHandler("digest", h.digest, COMMAND_UPDATES), CommandHandler("story", h.story, COMMAND_UPDATES)]
