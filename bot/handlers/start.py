"""/start and /help."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.handlers.common import register_chat, reply
from bot.services import Services
from news.topics import SECTIONS

COMMANDS = [
    BotCommand("start", "Welcome and how to use storybot"),
    BotCommand("help", "All commands"),
    BotCommand("subscribe", "Follow a topic: /subscribe climate"),
    BotCommand("unsubscribe", "Stop following a topic"),
    BotCommand("topics", "Topics this chat follows"),
    BotCommand("digest", "My digest now"),
    BotCommand("story", "Find a story: /story mars rover"),
]

HELP = (
    "<b>Commands</b>\n"
    "/subscribe <i>topic</i> – follow a keyword, a phrase or a section\n"
    "/unsubscribe <i>topic</i> – stop following it\n"
    "/topics – what this chat follows\n"
    "/digest – the top stories for your topics, now\n"
    "/story <i>words</i> – the best matching recent story\n"
    "/help – this list\n\n"
    "Sections: {sections}."
)


class StartHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await register_chat(self.services, update)
        digest_at = self.services.settings.digest_time.strftime("%H:%M")
        await reply(
            update,
            "👋 <b>Welcome to storybot.</b>\n"
            "I read hundreds of news outlets and group their articles into <i>stories</i>: one card per event, "
            "with how many outlets cover it, from which side, and links to each.\n\n"
            "Follow a topic with /subscribe, e.g. <code>/subscribe climate</code> or "
            "<code>/subscribe technology</code>. "
            f"You'll get a digest every day at {digest_at} ({self.services.settings.digest_timezone}); "
            "ask for one any time with /digest, or look up a story with /story.\n\n/help lists every command.",
        )

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await reply(update, HELP.format(sections=", ".join(sorted(SECTIONS))))


def handlers(services: Services) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = StartHandlers(services)
    return [CommandHandler("start", h.start), CommandHandler("help", h.help)]
