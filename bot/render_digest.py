"""A digest as Telegram messages: the one renderer of the scheduled digest, `/digest` and `storybot preview`.

Every message of a digest reads on its own: it starts with the digest's title or with the topic it continues, and
each story ends with a link that opens its full card (sources, coverage) in a private chat with the bot.
"""

from __future__ import annotations

from datetime import date
from html import escape

from app.digest_time import zone_or_utc
from app.digests import Digest
from bot.i18n import N_, _, day, use
from bot.i18n import current as current_language
from bot.render import MAX_MESSAGE, pack, story_card

__all__ = ["NOTHING_NEW", "digest_messages", "digest_title", "open_link"]

NOTHING_NEW = N_("📭 Nothing new in your topics since the last digest.")


def digest_title(when: date) -> str:
    return _("🗞 Your digest · {day}").format(day=day(when, N_("EEE dd MMM")))


def open_link(story_id: int, bot_username: str | None) -> str:
    """A deep link that opens the story's full card in a private chat with the bot ("" without a username)."""
    if not bot_username:
        return ""
    label = _("Full card ›")
    return f'\n<a href="https://t.me/{escape(bot_username)}?start=s{story_id}">{label}</a>'


def _header(topic: str, continued: bool) -> str:
    more = " " + _("(continued)") if continued else ""
    return f"🔹 <b>{escape(topic, quote=False)}</b>{more}\n"


def digest_messages(digest: Digest, bot_username: str | None = None) -> list[str]:
    """Messages of at most 4096 characters, split only between stories; [] when there is nothing new and the chat
    prefers silence. A message that goes on with a topic repeats its header. In the chat's language (the current
    one when the chat has none yet)."""
    with use(digest.language or current_language()):
        return _messages(digest, bot_username)


def _messages(digest: Digest, bot_username: str | None) -> list[str]:
    if not digest.picked:
        return [_(NOTHING_NEW)] if digest.send_empty else []
    zone = zone_or_utc(digest.zone)
    messages: list[str] = []
    current, current_topic = f"<b>{escape(digest_title(digest.day), quote=False)}</b>", ""
    for topic, view in digest.picked:
        card = story_card(view, zone=zone, compact=True) + open_link(view.story_id, bot_username)
        block = ("" if topic == current_topic else _header(topic, False)) + card
        if len(current) + 2 + len(block) <= MAX_MESSAGE:
            current = f"{current}\n\n{block}"
        else:
            messages.append(current)
            *whole, current = pack([_header(topic, topic == current_topic) + card])
            messages += whole
        current_topic = topic
    messages.append(current)
    return messages
