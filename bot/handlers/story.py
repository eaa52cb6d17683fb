"""/digest (my digest now) and /story <query>."""

from __future__ import annotations

from itertools import groupby

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.handlers.cards import card_keyboard
from bot.handlers.common import COMMAND_UPDATES, argument_text, e, register_chat, reply
from bot.render import digest_messages, link, story_card
from bot.services import Services
from bot.stories import find_story, suggestions, top_stories
from storage import chats as chat_store

MAX_QUERY = 200


class StoryHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await register_chat(self.services, update)
        topics = await self.services.query(chat_store.topics, chat_id)
        if not topics:
            await reply(update, "You don't follow any topic yet. Try <code>/subscribe world</code> or /start.")
            return
        per_topic = self.services.settings.digest_stories_per_topic
        now = self.services.clock()
        picked = await self.services.query(lambda s: top_stories(s, topics, now, per_topic=per_topic))
        if not picked:
            await reply(update, "No stories for your topics in the last two days yet. I'll keep looking.")
            return
        sections = [(topic, [view for _, view in group]) for topic, group in groupby(picked, key=lambda p: p[0])]
        for text in digest_messages(sections, "Your digest"):
            await reply(update, text)

    async def story(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = argument_text(update, context)
        if not query:
            await reply(update, "What are you looking for? e.g. <code>/story mars rover</code>.")
            return
        if len(query) > MAX_QUERY:
            await reply(update, f"That's a long search; please use at most {MAX_QUERY} characters.")
            return
        now = self.services.clock()
        view = await self.services.query(find_story, query, now)
        if view is not None:
            await reply(update, story_card(view), reply_markup=card_keyboard(view))
            return
        others = await self.services.query(suggestions, query, now)
        text = f"No story found for <i>{e(query)}</i>. Try fewer or other words."
        if others:
            text += "\n\n<b>Maybe one of these:</b>\n" + "\n".join(
                f"• {link(v.headline, v.headline_url, 120)}" for v in others
            )
        await reply(update, text)


def handlers(services: Services) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = StoryHandlers(services)
    return [CommandHandler("digest", h.digest, COMMAND_UPDATES), CommandHandler("story", h.story, COMMAND_UPDATES)]
