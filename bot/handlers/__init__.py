"""The Telegram edge's handlers: each parses an update, calls one use case of the application (app/), and
renders the result. Group-admin checks and flood control happen here, before the use case.

    language.py  the language of each update (after flood control), and /language
    start.py     /start (popular topics, toggled in place) and /help
    topics.py    /subscribe, /unsubscribe, /topics
    settings.py  /time, /timezone, /settings, /stop
    story.py     /digest and /story
    today.py     /top and /blindspot
    mute.py      /mute, /unmute
    outlets.py   /source NAME, and an outlet's profile from a card's sources pages
    cards.py     a card's buttons: all sources, coverage chart
    follow.py    a card's Follow button, /following
    sides.py     a card's "Compare sides": one part per side, a side's outlets page by page
    inline.py    @bot words, in any chat
    groups.py    the bot added to or removed from a chat; a group becoming a supergroup
    admin.py     operators' /stats and /feeds
    fallback.py  flood control first; unknown commands, stray messages and stale buttons last; errors
"""

from __future__ import annotations

from app.runtime import Core
from bot.handlers import (
    admin,
    cards,
    fallback,
    follow,
    groups,
    inline,
    language,
    mute,
    outlets,
    sides,
    start,
    story,
    today,
    topics,
)
from bot.handlers import settings as chat_settings
from bot.handlers.common import Access, TelegramApplication
from bot.throttle import Throttle

__all__ = ["register"]


def register(application: TelegramApplication, core: Core) -> None:
    """Every handler, in the order python-telegram-bot tries them."""
    settings = core.settings
    access = Access()
    guard = fallback.Fallback(Throttle(settings.command_burst, settings.command_window_seconds),
                              settings.default_language)
    application.add_handler(fallback.gate(guard), group=-2)  # flood control runs before any handler
    application.add_handler(language.gate(core, access), group=-1)  # then the language of the answers
    application.add_handlers(admin.handlers(core))  # before the fallback: non-admins get its hint
    application.add_handlers(start.handlers(core, access))
    application.add_handlers(language.handlers(core, access))
    application.add_handlers(topics.handlers(core, access))
    application.add_handlers(chat_settings.handlers(core, access))
    application.add_handlers(story.handlers(core))
    application.add_handlers(today.handlers(core))
    application.add_handlers(mute.handlers(core, access))
    application.add_handlers(cards.handlers(core))
    application.add_handlers(follow.handlers(core, access))
    application.add_handlers(sides.handlers(core))
    application.add_handlers(outlets.handlers(core))
    application.add_handlers(inline.handlers(core))
    application.add_handlers(groups.handlers(core))
    application.add_handlers(fallback.handlers(guard))  # last in the group: only what nothing else took
    application.add_error_handler(fallback.on_error)
