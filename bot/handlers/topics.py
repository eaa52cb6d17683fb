"""/subscribe, /unsubscribe, /topics."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.handlers.common import argument_text, e, register_chat, reply
from bot.services import Services
from news.topics import normalize_topic
from storage import chats as chat_store

MAX_TOPICS = 30


class TopicHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, "Tell me what to follow, e.g. <code>/subscribe climate</code> "
                                "or <code>/subscribe technology</code>.")
            return
        try:
            topic = normalize_topic(raw)
        except ValueError as exc:
            await reply(update, e(str(exc)))
            return
        chat_id = await register_chat(self.services, update)
        try:
            added = await self.services.query(chat_store.subscribe, chat_id, topic, MAX_TOPICS)
        except chat_store.TooManyTopics as exc:
            await reply(update, f"This chat already follows {exc.limit} topics, the most I keep. "
                                "Remove one with /unsubscribe first.")
            return
        if added:
            await reply(update, f"✅ Subscribed to <b>{e(topic)}</b>. Try /digest to see its top stories now.")
        else:
            await reply(update, f"You already follow <b>{e(topic)}</b>. /topics lists them all.")

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, "Which topic? e.g. <code>/unsubscribe climate</code>. /topics lists yours.")
            return
        try:
            topic = normalize_topic(raw)
        except ValueError as exc:
            await reply(update, e(str(exc)))
            return
        chat_id = await register_chat(self.services, update)
        removed = await self.services.query(chat_store.unsubscribe, chat_id, topic)
        if removed:
            await reply(update, f"Unsubscribed from <b>{e(topic)}</b>.")
        else:
            await reply(update, f"This chat doesn't follow <b>{e(topic)}</b>. /topics lists what it follows.")

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await register_chat(self.services, update)
        names = await self.services.query(chat_store.topics, chat_id)
        if not names:
            await reply(update, "No topics yet. Follow one with <code>/subscribe climate</code>.")
            return
        await reply(update, "<b>Your topics</b>\n" + "\n".join(f"• {e(t)}" for t in names))


def handlers(services: Services) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = TopicHandlers(services)
    return [
        CommandHandler("subscribe", h.subscribe),
        CommandHandler("unsubscribe", h.unsubscribe),
        CommandHandler("topics", h.topics),
    ]
