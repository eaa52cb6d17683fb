"""/digest (my digest now: the digest this chat would get if it were sent now) and /story <query>."""

from __future__ import annotations

import dataclasses

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from app.runtime import Core
from app.stories import MAX_QUERY
from bot.handlers.cards import reply_card
from bot.handlers.common import COMMAND_UPDATES, argument_text, chat_ref, chat_view, e, reply
from bot.i18n import _, number
from bot.render import link
from bot.render_digest import digest_messages

__all__ = ["StoryHandlers", "handlers"]


class StoryHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A chat that follows nothing (or that the bot doesn't know yet) gets the top stories.
        digest = await self.core.digests.for_chat(chat_ref(update).id) or await self.core.digests.for_topics(())
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
        found = await self.core.stories.search(query, chat=await chat_view(self.core.chats, update))
        if found.stories:
            await reply_card(update, found.stories[0], found.zone)
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
