"""/start (onboarding with a keyboard of popular topics that toggles in place) and /help."""

from __future__ import annotations

import re

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.chats import MAX_TOPICS
from app.runtime import Core
from bot.handlers.cards import reply_card
from bot.handlers.common import COMMAND_UPDATES, Access, bounded_id, chat_ref, edit, reply
from news.topics import SECTIONS

__all__ = [
    "ADMIN_COMMANDS", "COMMANDS", "HELP", "POPULAR", "TOGGLE", "TOGGLES", "StartHandlers", "handlers",
    "popular_keyboard",
]

COMMANDS = [
    BotCommand("start", "Welcome and popular topics"),
    BotCommand("help", "All commands"),
    BotCommand("subscribe", "Follow a topic: /subscribe climate"),
    BotCommand("unsubscribe", "Stop following a topic"),
    BotCommand("topics", "Topics this chat follows"),
    BotCommand("digest", "My digest now"),
    BotCommand("story", "Find a story: /story mars rover"),
    BotCommand("top", "Today's top stories"),
    BotCommand("blindspot", "Stories the left or the right barely covers"),
    BotCommand("source", "An outlet's ratings and owner: /source Reuters"),
    BotCommand("mute", "Hide a word's stories or an outlet's links"),
    BotCommand("unmute", "Undo a mute"),
    BotCommand("time", "Daily digest time: /time 07:30"),
    BotCommand("timezone", "Your timezone: /timezone Europe/Berlin"),
    BotCommand("settings", "Digest time and timezone"),
    BotCommand("stop", "Unsubscribe from everything"),
]
ADMIN_COMMANDS = [
    BotCommand("stats", "Operator: feeds, articles, stories, chats"),
    BotCommand("feeds", "Operator: failing feeds and why"),
]
POPULAR = ("world", "business", "technology", "science", "health", "sports", "entertainment", "climate", "ai")
TOGGLE = "tog:"
TOGGLES = "^" + TOGGLE + "(?:" + "|".join(POPULAR) + ")$"
STORY_LINK = re.compile(r"s(\d{1,10})")

HELP = (
    "<b>Commands</b>\n"
    "/subscribe <i>topic</i> – follow a keyword, a phrase or a section\n"
    "/unsubscribe <i>topic</i> – stop following it\n"
    "/topics – what this chat follows\n"
    "/digest – the top stories for your topics, now (the day's top stories if you follow none)\n"
    "/story <i>words</i> – the best matching recent story\n"
    "/top – today's top stories, whatever this chat follows\n"
    "/blindspot – today's stories that the left or the right barely covers\n"
    "/source <i>outlet</i> – an outlet's bias, factuality, country and owner\n"
    "/mute <i>word</i> – leave out stories about it; /mute source <i>outlet</i> – hide its links\n"
    "/unmute – undo a mute (lists them without a word)\n"
    "/time <i>HH:MM</i> – when the daily digest comes\n"
    "/timezone <i>Area/City</i> – your timezone, e.g. Europe/Berlin\n"
    "/settings – digest time, timezone and the weekly Blindspot section, by buttons\n"
    "/stop – unsubscribe from everything\n"
    "/help – this list\n\n"
    "Sections: {sections}.\n"
    "In any chat, type <code>@{username} words</code> to share a story card."
)


def popular_keyboard(followed: set[str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(("✅ " if topic in followed else "➕ ") + topic, callback_data=TOGGLE + topic)
               for topic in POPULAR]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


class StartHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    def _welcome(self) -> str:
        settings = self.core.settings
        return (
            "👋 <b>Welcome to storybot.</b>\n"
            "I read hundreds of news outlets and group their articles into <i>stories</i>: one card per event, "
            "with how many outlets cover it, from which side, and links to each.\n\n"
            "Tap topics below to follow them, or type your own: <code>/subscribe climate</code>. "
            "Until you follow something, your digest brings the day's top stories (/top shows them now). "
            f"You'll get a digest every day at {settings.digest_time.strftime('%H:%M')} ({settings.digest_timezone}); "
            "change that in /settings, ask for one any time with /digest, or look up a story with /story.\n\n"
            "/help lists every command."
        )

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, or a digest's "Full card" link (/start s<story id>): the story's card."""
        payload = STORY_LINK.fullmatch(context.args[0]) if context.args else None
        story_id = bounded_id(payload.group(1)) if payload else None
        if story_id is not None:
            found = await self.core.stories.detail(story_id, chat_ref(update).id)
            if found is not None:
                await reply_card(update, found.view, found.zone)
                return
        followed = await self.core.chats.start(chat_ref(update))
        await reply(update, self._welcome(), reply_markup=popular_keyboard(set(followed)))

    async def toggle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        topic = query.data.removeprefix(TOGGLE)
        if not await self.access.check(update, context):
            return
        toggled = await self.core.chats.toggle(chat_ref(update), topic)
        if toggled.following is None:
            await query.answer(f"This chat already follows {MAX_TOPICS} topics.", show_alert=True)
            return
        await query.answer(f"Following {topic}" if toggled.following else f"Stopped following {topic}")
        await edit(update, self._welcome(), popular_keyboard(set(toggled.topics)))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        username = context.bot.username or "storybot"
        await reply(update, HELP.format(sections=", ".join(sorted(SECTIONS)), username=username))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = StartHandlers(core, access)
    return [
        CommandHandler("start", h.start, COMMAND_UPDATES),
        CommandHandler("help", h.help, COMMAND_UPDATES),
        CallbackQueryHandler(h.toggle, pattern=TOGGLES),
    ]
