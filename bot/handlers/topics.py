"""/subscribe, /unsubscribe, /topics (with a remove button per topic)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.handlers.common import COMMAND_UPDATES, Access, argument_text, e, edit, register_chat, reply
from bot.services import Services
from news.topics import normalize_topic
from storage import chats as chat_store

MAX_TOPICS = 30
REMOVE = "rm:"


def topics_message(subscriptions: list[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup | None]:
    if not subscriptions:
        return "No topics yet. Follow one with <code>/subscribe climate</code>.", None
    text = f"<b>Your topics</b> ({len(subscriptions)}/{MAX_TOPICS})\n" + "\n".join(
        f"• {e(topic)}" for _, topic in subscriptions
    ) + "\n\nTap a topic to stop following it."
    buttons = [InlineKeyboardButton(f"✖ {topic[:40]}", callback_data=f"{REMOVE}{sub_id}")
               for sub_id, topic in subscriptions]
    return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


class TopicHandlers:
    def __init__(self, services: Services, access: Access) -> None:
        self.services = services
        self.access = access

    async def _topic(self, update: Update, context: ContextTypes.DEFAULT_TYPE, example: str) -> str | None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, example)
            return None
        try:
            return normalize_topic(raw)
        except ValueError as exc:
            await reply(update, e(str(exc)))
            return None

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        topic = await self._topic(update, context, "Tell me what to follow, e.g. <code>/subscribe climate</code> "
                                                   "or <code>/subscribe technology</code>.")
        if topic is None or not await self.access.check(update, context):
            return
        chat_id = await register_chat(self.services, update, record_thread=True)
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
        topic = await self._topic(update, context, "Which topic? e.g. <code>/unsubscribe climate</code>. "
                                                   "/topics lists yours.")
        if topic is None or not await self.access.check(update, context):
            return
        chat_id = await register_chat(self.services, update)
        removed = await self.services.query(chat_store.unsubscribe, chat_id, topic)
        if removed:
            await reply(update, f"Unsubscribed from <b>{e(topic)}</b>.")
        else:
            await reply(update, f"This chat doesn't follow <b>{e(topic)}</b>. /topics lists what it follows.")

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await register_chat(self.services, update)
        text, markup = topics_message(await self.services.query(chat_store.subscriptions, chat_id))
        await reply(update, text, reply_markup=markup)

    async def remove_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and query.message is not None
        if not await self.access.check(update, context):
            return
        chat_id = query.message.chat.id
        removed = await self.services.query(chat_store.unsubscribe_id, chat_id, int(query.data.removeprefix(REMOVE)))
        await query.answer(f"Removed {removed}" if removed else "Already removed")
        text, markup = topics_message(await self.services.query(chat_store.subscriptions, chat_id))
        await edit(update, text, markup)


def handlers(services: Services, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = TopicHandlers(services, access)
    return [
        CommandHandler("subscribe", h.subscribe, COMMAND_UPDATES),
        CommandHandler("unsubscribe", h.unsubscribe, COMMAND_UPDATES),
        CommandHandler("topics", h.topics, COMMAND_UPDATES),
        CallbackQueryHandler(h.remove_button, pattern=rf"^{REMOVE}\d+$"),
    ]
