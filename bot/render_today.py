"""/top and /blindspot as Telegram messages (pure): today's stories as compact cards, each with its "Full card"
link, packed into as few messages as fit."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import N_, _
from bot.render import story_card
from bot.render_digest import BLINDSPOT_EXPLAINED, open_link
from bot.render_pack import pack_stories
from news.types import StoryView

__all__ = ["BLINDSPOT_TITLE", "NO_BLINDSPOTS", "NO_TOP", "TOP_TITLE", "blindspot_messages", "top_messages"]

TOP_TITLE = N_("⭐ <b>Top stories today</b>\nThe most covered stories of the day, whatever this chat follows.")
NO_TOP = N_("📭 No stories today yet. Try again later, or look one up with /story.")
BLINDSPOT_TITLE = N_("🔍 <b>Blindspots today</b>")  # then BLINDSPOT_EXPLAINED, on a line of its own
NO_BLINDSPOTS = N_("🔍 No blindspots today: the left and the right cover today's political stories about as much "
                   "as they usually do.")  # then BLINDSPOT_EXPLAINED


def _cards(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    return [story_card(view, zone=zone, compact=True) + open_link(view.story_id, bot_username) for view in views]


def top_messages(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    if not views:
        return [_(NO_TOP)]
    return pack_stories(_(TOP_TITLE), _cards(views, zone, bot_username))


def blindspot_messages(views: Sequence[StoryView], zone: ZoneInfo, bot_username: str | None) -> list[str]:
    if not views:
        return [_(NO_BLINDSPOTS) + " " + _(BLINDSPOT_EXPLAINED)]
    return pack_stories(_(BLINDSPOT_TITLE) + "\n" + _(BLINDSPOT_EXPLAINED), _cards(views, zone, bot_username))
