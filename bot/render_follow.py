"""A followed story's messages as Telegram HTML (pure): the update when it develops, the last line when the
follow ends, and /following's list. Every outside string is escaped here (bot.render.link)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from app.follows import MAX_FOLLOWS, Ending, Followed, FollowNote
from bot.i18n import N_, _, day, ngettext, number
from bot.render import MAX_HEADLINE, link
from bot.render_digest import open_link

__all__ = ["SIDE_STARTED", "follow_message", "following_message"]

LISTED = 90  # a headline's characters in /following: 30 of them fit one message, without links

SIDE_STARTED = {"left": N_("the left now covers it"), "center": N_("the center now covers it"),
                "right": N_("the right now covers it")}
ENDED = {Ending.CLOSED: N_("🔕 No longer following {headline}: the story has gone quiet."),
         Ending.EXPIRED: N_("🔕 No longer following {headline}: followed for {days} days.")}


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _headline(headline: str, url: str) -> str:
    return link(headline, url, MAX_HEADLINE)


def follow_message(note: FollowNote, bot_username: str | None, follow_days: int) -> str:
    """One short update (what is new since the chat was told), or the last line."""
    view = note.view
    if note.development is None:
        assert note.ending is not None
        return _(ENDED[note.ending]).format(headline=_headline(view.headline, view.headline_url),
                                            days=number(follow_days))
    change = note.development
    news: list[str] = []
    if change.new_sources:
        news.append(ngettext("+{count} source ({total} now)", "+{count} sources ({total} now)",
                             change.new_sources).format(count=number(change.new_sources),
                                                        total=number(change.sources)))
    news += [_(SIDE_STARTED[side]) for side in change.new_sides]
    if change.headline is not None:
        news.append(_("new headline"))
    if change.merged:
        news.append(_("merged with a related story"))
    heading = _("🔔 Story update: {changes}").format(changes=" · ".join(news))
    return f"{heading}\n{_headline(view.headline, view.headline_url)}{open_link(view.story_id, bot_username)}"


def following_message(followed: Sequence[Followed], zone: ZoneInfo, now: datetime) -> str:
    """/following: each story with when its follow ends; the buttons under it unfollow."""
    if not followed:
        return _("You follow no story yet. Tap 🔔 Follow under a story card: I'll reply to the card when it "
                 "develops.")
    heading = _("<b>Stories you follow</b> ({count}/{limit})").format(count=number(len(followed)),
                                                                      limit=number(MAX_FOLLOWS))
    lines = []
    for i, item in enumerate(followed, 1):
        title = escape(_clip(item.view.headline, LISTED)) if item.view else _("(closed)")
        until = day(max(item.ends_at, now).astimezone(zone).date(), N_("EEE dd MMM"))
        lines.append(_("{index}. {headline} · until {day}").format(index=number(i), headline=title, day=until))
    return "\n".join([heading, *lines, "", _("Tap a number to stop following that story.")])
