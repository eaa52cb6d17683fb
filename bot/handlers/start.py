"""/start (onboarding with a keyboard of popular topics that toggles in place) and /help."""

from __future__ import annotations

import re

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.chats import MAX_TOPICS
from app.runtime import Core
from bot.handlers.cards import gone, reply_card
from bot.handlers.common import COMMAND_UPDATES, Access, bounded_id, chat_ref, chat_view, e, edit, reply
from bot.i18n import N_, _, number
from news.topics import SECTIONS

__all__ = [
    "ADMIN_COMMANDS", "COMMANDS", "HELP", "POPULAR", "TOGGLE", "TOGGLES", "StartHandlers", "command_menu", "handlers",
    "help_text", "popular_keyboard", "welcome_text",
]

# (command, description in the command menu): the names stay English, as Telegram bots' do; the descriptions are
# translated (command_menu), one menu per shipped language.
COMMANDS = [
    ("start", N_("Welcome and popular topics")),
    ("help", N_("All commands")),
    ("subscribe", N_("Follow a topic: /subscribe climate")),
    ("unsubscribe", N_("Stop following a topic")),
    ("topics", N_("Topics this chat follows")),
    ("digest", N_("My digest now")),
    ("story", N_("Find a story: /story mars rover")),
    ("top", N_("Today's top stories")),
    ("blindspot", N_("Stories the left or the right barely covers")),
    ("source", N_("An outlet's ratings and owner: /source Reuters")),
    ("following", N_("Stories you follow")),
    ("mute", N_("Hide a word's stories or an outlet's links")),
    ("unmute", N_("Undo a mute")),
    ("time", N_("Daily digest time: /time 07:30")),
    ("timezone", N_("Your timezone: /timezone Europe/Berlin")),
    ("settings", N_("Digest time and timezone")),
    ("language", N_("The language I speak in this chat")),
    ("stop", N_("Unsubscribe from everything")),
]
ADMIN_COMMANDS = [
    ("stats", N_("Operator: feeds, articles, stories, chats")),
    ("feeds", N_("Operator: failing feeds and why")),
]
# /help: (command, its argument, what it does); the argument and the text are translated.
HELP = [
    ("subscribe", N_("topic"), N_("follow a keyword, a phrase or a section")),
    ("unsubscribe", N_("topic"), N_("stop following it")),
    ("topics", "", N_("what this chat follows")),
    ("digest", "", N_("the top stories for your topics, now (the day's top stories if you follow none)")),
    ("story", N_("words"), N_("the best matching recent story")),
    ("top", "", N_("today's top stories, whatever this chat follows")),
    ("blindspot", "", N_("today's stories that the left or the right barely covers")),
    ("source", N_("outlet"), N_("an outlet's bias, factuality, country and owner")),
    ("following", "", N_("the stories you follow (🔔 Follow under a card), to stop following them")),
    ("mute", N_("word"), N_("leave out stories about it; /mute source <i>outlet</i> – hide its links")),
    ("unmute", "", N_("undo a mute (lists them without a word)")),
    ("time", N_("HH:MM"), N_("when the daily digest comes")),
    ("timezone", N_("Area/City"), N_("your timezone, e.g. Europe/Berlin")),
    ("settings", "", N_("digest time, timezone and the weekly Blindspot section, by buttons")),
    ("language", "", N_("the language I speak in this chat")),
    ("stop", "", N_("unsubscribe from everything")),
    ("help", "", N_("this list")),
]
POPULAR = ("world", "business", "technology", "science", "health", "sports", "entertainment", "climate", "ai")
TOGGLE = "tog:"
TOGGLES = "^" + TOGGLE + "(?:" + "|".join(POPULAR) + ")$"
STORY_LINK = re.compile(r"s(\d{1,10})")



def command_menu(*, operator: bool = False) -> list[BotCommand]:
    """The command menu in the current language (an operator's also lists the operator commands)."""
    return [BotCommand(name, _(text)) for name, text in COMMANDS + (ADMIN_COMMANDS if operator else [])]


def help_text(username: str) -> str:
    """/help in the current language. Topics and sections stay the English words the news is matched on."""
    lines = [_("<b>Commands</b>")]
    for name, argument, text in HELP:
        shown = f" <i>{_(argument)}</i>" if argument else ""
        lines.append(f"/{name}{shown} – {_(text)}")
    sections = _("Sections: {sections}.").format(sections=", ".join(sorted(SECTIONS)))
    inline = _("In any chat, type <code>@{username} words</code> to share a story card.").format(username=e(username))
    return "\n".join(lines) + f"\n\n{sections}\n{inline}"


def welcome_text(time: str, zone: str) -> str:
    """/start's text in the current language, with the default digest time and zone new chats get."""
    return _(
        "👋 <b>Welcome to storybot.</b>\n"
        "I read hundreds of news outlets and group their articles into <i>stories</i>: one card per event, "
        "with how many outlets cover it, from which side, and links to each.\n\n"
        "Tap topics below to follow them, or type your own: <code>/subscribe climate</code>. "
        "Until you follow something, your digest brings the day's top stories (/top shows them now). "
        "You'll get a digest every day at {time} ({zone}); "
        "change that in /settings, ask for one any time with /digest, or look up a story with /story.\n\n"
        "/help lists every command. /language changes the language I speak."
    ).format(time=e(time), zone=e(zone))


def popular_keyboard(followed: set[str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(("✅ " if topic in followed else "➕ ") + topic, callback_data=TOGGLE + topic)
               for topic in POPULAR]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


class StartHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    def _welcome(self) -> str:
        return welcome_text(self.core.settings.digest_time.strftime("%H:%M"), self.core.settings.digest_timezone)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, or a digest's "Full card" link (/start s<story id>): the story's card. In a group, a member
        who is not an admin gets the welcome without bringing a stopped group back."""
        payload = STORY_LINK.fullmatch(context.args[0]) if context.args else None
        story_id = bounded_id(payload.group(1)) if payload else None
        if story_id is not None:
            found = await self.core.stories.detail(story_id, await chat_view(self.core.chats, update))
            if found is not None:
                await reply_card(update, found.view, found.zone)
                return
            await reply(update, gone(self.core.settings.retention_days))  # then the welcome, as for a plain /start
        if await self.access.may_change(update, context):
            followed = await self.core.chats.start(chat_ref(update))
        else:
            read = await chat_view(self.core.chats, update)
            followed = frozenset(read.topics if read is not None else ())
        await reply(update, self._welcome(), reply_markup=popular_keyboard(set(followed)))

    async def toggle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        topic = query.data.removeprefix(TOGGLE)
        if not await self.access.check(update, context):
            return
        toggled = await self.core.chats.toggle(chat_ref(update), topic)
        if toggled.following is None:
            await query.answer(_("This chat already follows {count} topics.").format(count=number(MAX_TOPICS)),
                               show_alert=True)
            return
        done = _("Following {topic}") if toggled.following else _("Stopped following {topic}")
        await query.answer(done.format(topic=topic))
        await edit(update, self._welcome(), popular_keyboard(set(toggled.topics)))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        username = context.bot.username or "storybot"
        await reply(update, help_text(username))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = StartHandlers(core, access)
    return [
        CommandHandler("start", h.start, COMMAND_UPDATES),
        CommandHandler("help", h.help, COMMAND_UPDATES),
        CallbackQueryHandler(h.toggle, pattern=TOGGLES),
    ]
