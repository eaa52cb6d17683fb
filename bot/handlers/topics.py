"""/subscribe, /unsubscribe, /topics (with a remove button per topic)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.chats import MAX_TOPICS, Follow
from app.mutes import Mute, mutes_of
from app.runtime import Core
from bot.handlers.common import (
    COMMAND_UPDATES,
    Access,
    argument_text,
    bounded_id,
    chat_ref,
    chat_view,
    e,
    edit,
    problem,
    reply,
)
from bot.handlers.mute import mute_lines, unmute_buttons
from bot.i18n import N_, _, number
from bot.render import MAX_MESSAGE
from news.topics import InvalidTopic, normalize_topic

__all__ = ["REMOVE", "SUBSCRIBED", "TopicHandlers", "handlers", "topics_message"]

REMOVE = "rm:"
LISTED = 40  # a topic's length in /topics when the whole list would not fit one message
SUBSCRIBED = {
    Follow.ADDED: N_("✅ Subscribed to <b>{topic}</b>. Try /digest to see its top stories now."),
    Follow.ALREADY: N_("You already follow <b>{topic}</b>. /topics lists them all."),
    Follow.FULL: N_("This chat already follows {limit} topics, the most I keep. Remove one with /unsubscribe first."),
}


def topics_message(subscriptions: list[tuple[int, str]],
                   mutes: list[Mute] | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the chat follows (a remove button each) and, when it mutes anything, its mutes (an unmute button
    each)."""
    mutes = mutes or []
    muted = f"\n\n{mute_lines(mutes)}" if mutes else ""
    if not subscriptions:
        text = _("No topics yet. Follow one with <code>/subscribe climate</code>.")
        return text + muted, _keyboard([], mutes)
    heading = _("<b>Your topics</b> ({count}/{limit})").format(count=number(len(subscriptions)),
                                                                limit=number(MAX_TOPICS))
    tap = _("Tap a topic to stop following it, a mute to unmute it.") if mutes else _(
        "Tap a topic to stop following it.")
    for limit in (None, LISTED):  # 30 long topics and 30 long mutes don't fit one message: shorten the topics
        listed = "\n".join(f"• {e(_short(topic, limit))}" for _id, topic in subscriptions)
        text = f"{heading}\n{listed}{muted}\n\n{tap}"
        if len(text) <= MAX_MESSAGE:
            break
    return text, _keyboard(subscriptions, mutes)


def _short(topic: str, limit: int | None) -> str:
    return topic if limit is None or len(topic) <= limit else topic[: limit - 1] + "…"


def _keyboard(subscriptions: list[tuple[int, str]], mutes: list[Mute]) -> InlineKeyboardMarkup | None:
    buttons = [InlineKeyboardButton(f"✖ {topic[:40]}", callback_data=f"{REMOVE}{sub_id}")
               for sub_id, topic in subscriptions] + unmute_buttons(mutes)
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]) if buttons else None


class TopicHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def _topic(self, update: Update, context: ContextTypes.DEFAULT_TYPE, example: str) -> str | None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, example)
            return None
        try:
            return normalize_topic(raw)
        except InvalidTopic as exc:
            await reply(update, problem(exc))
            return None

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        topic = await self._topic(update, context, _("Tell me what to follow, e.g. <code>/subscribe climate</code> "
                                                     "or <code>/subscribe technology</code>."))
        if topic is None or not await self.access.check(update, context):
            return
        outcome = await self.core.chats.follow(chat_ref(update), topic)
        await reply(update, _(SUBSCRIBED[outcome]).format(topic=e(topic), limit=number(MAX_TOPICS)))

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        topic = await self._topic(update, context, _("Which topic? e.g. <code>/unsubscribe climate</code>. "
                                                     "/topics lists yours."))
        if topic is None or not await self.access.check(update, context):
            return
        if await self.core.chats.unfollow(chat_ref(update), topic):
            await reply(update, _("Unsubscribed from <b>{topic}</b>.").format(topic=e(topic)))
        else:
            await reply(update, _("This chat doesn't follow <b>{topic}</b>. /topics lists what it follows.").format(
                topic=e(topic)))

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = await chat_view(self.core.chats, update)
        assert chat is not None
        text, markup = topics_message(list(chat.subscriptions), mutes_of(chat))
        await reply(update, text, reply_markup=markup)

    async def remove_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        subscription = bounded_id(query.data.removeprefix(REMOVE))
        removed, left = await self.core.chats.remove(chat_ref(update).id, subscription or 0)
        await query.answer(_("Removed {topic}").format(topic=removed) if removed else _("Already removed"))
        chat = await chat_view(self.core.chats, update)  # as read before the removal: its mutes are the same
        await edit(update, *topics_message(left, mutes_of(chat) if chat is not None else []))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = TopicHandlers(core, access)
    return [
        CommandHandler("subscribe", h.subscribe, COMMAND_UPDATES),
        CommandHandler("unsubscribe", h.unsubscribe, COMMAND_UPDATES),
        CommandHandler("topics", h.topics, COMMAND_UPDATES),
        CallbackQueryHandler(h.remove_button, pattern=rf"^{REMOVE}\d{{1,10}}$"),
    ]
