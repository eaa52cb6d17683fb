"""/top and /blindspot as Telegram messages (pure): today's stories as compact cards, each with its "Full card"
link, packed into as few messages as fit."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.render import pack, story_card
from bot.render_digest import BLINDSPOT_EXPLAINED, open_link
from news.types import StoryView

__all__ = ["BLINDSPOT_TITLE", "NO_BLINDSPOTS", "NO_TOP", "TOP_TITLE", "blindspot_messages", "top_messages"]

TOP_TITLE = "⭐ <b>Top stories today</b>\nThe most covered stories of the day, whatever this chat follows."
NO_TOP = "📭 No stories today yet. Try again later, or look one up with /story."
BLINDSPOT_TITLE = "🔍 <b>Blindspots today</b>\n" + BLINDSPOT_EXPLAINED
NO_BLINDSPOTS = ("🔍 No blindspots today: none of today's biggest stories is barely covered by the left or the right. "
                 + BLINDSPOT_EXPLAINED)


def _cards(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    return [story_card(view, zone=zone, compact=True) + open_link(view.story_id, bot_username) for view in views]


def top_messages(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    if not views:
        return [NO_TOP]
    return pack([TOP_TITLE, *_cards(views, zone, bot_username)])


def blindspot_messages(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    if not views:
        return [NO_BLINDSPOTS]
    return pack([BLINDSPOT_TITLE, *_cards(views, zone, bot_username)])
