"""A digest as Telegram messages: the one renderer of the scheduled digest, `/digest` and `storybot preview`.

Every message of a digest reads on its own: it starts with the digest's title or with the topic it continues, and
each story ends with a link that opens its full card (sources, coverage) in a private chat with the bot.
"""

from __future__ import annotations

from datetime import date
from html import escape

from app.digest_time import zone_or_utc
from app.digests import TOP_STORIES, Digest
from bot.i18n import N_, _, day, use
from bot.i18n import current as current_language
from bot.render import MAX_MESSAGE, pack, story_card
from bot.render_pack import split_stories
from news.types import StoryView

__all__ = [
    "BLINDSPOT_EXPLAINED", "BLINDSPOT_SECTION", "NOTHING_NEW", "NOTHING_NEW_TOP", "NOTHING_NEW_TOPIC", "TOP_SECTION",
    "digest_messages", "digest_title", "open_link", "quiet_topics",
]

NOTHING_NEW = N_("📭 Nothing new in your topics since the last digest.")
NOTHING_NEW_TOP = N_("📭 No new top stories since the last digest. Follow a topic with /subscribe to get more.")
NOTHING_NEW_TOPIC = N_("📭 <b>{topic}</b>: nothing new since the last digest.")
TOP_SECTION = N_("⭐ Top stories")  # the section of a chat that follows nothing
BLINDSPOT_SECTION = N_("🔍 Blindspot of the week")
BLINDSPOT_EXPLAINED = N_("A blindspot is a political story that the left or the right covers far less than it "
                         "covers such stories, too little to be chance.")


_QUIET = "\x00quiet"  # the section of the one-line "nothing new" notes (no topic can be named so: news.topics)


def quiet_topics(digest: Digest) -> list[str]:
    """The followed topics with no story in this digest, in the chat's order."""
    shown = {topic for topic, _view in digest.picked}
    return [topic for topic in digest.topics if topic not in shown]


def digest_title(when: date) -> str:
    return _("🗞 Your digest · {day}").format(day=day(when, N_("EEE dd MMM")))


def open_link(story_id: int, bot_username: str | None) -> str:
    """A deep link that opens the story's full card in a private chat with the bot ("" without a username)."""
    if not bot_username:
        return ""
    label = _("Full card ›")
    return f'\n<a href="https://t.me/{escape(bot_username)}?start=s{story_id}">{label}</a>'


def _header(topic: str | None, continued: bool) -> str:
    """A section's header: a topic, the top stories, or (None) the Blindspot section."""
    more = " " + _("(continued)") if continued else ""
    if topic is None:
        explained = more or "\n<i>" + _(BLINDSPOT_EXPLAINED) + "</i>"
        return f"<b>{_(BLINDSPOT_SECTION)}</b>{explained}\n"
    if topic == TOP_STORIES:
        return f"<b>{_(TOP_SECTION)}</b>{more}\n"
    return f"🔹 <b>{escape(topic, quote=False)}</b>{more}\n"


def digest_messages(digest: Digest, bot_username: str | None = None) -> list[str]:
    """Messages of at most 4096 characters, split only between stories; [] when there is nothing new and the chat
    prefers silence. A message that goes on with a topic repeats its header. In the chat's language (the current
    one when the chat has none yet)."""
    with use(digest.language or current_language()):
        return _messages(digest, bot_username)


def _messages(digest: Digest, bot_username: str | None) -> list[str]:
    if not digest.picked and not digest.blindspots:
        return [_(NOTHING_NEW if digest.topics else NOTHING_NEW_TOP)] if digest.send_empty else []
    zone = zone_or_utc(digest.zone)
    title = f"<b>{escape(digest_title(digest.day), quote=False)}</b>"
    sections: list[tuple[str | None, StoryView | None]] = [
        *digest.picked, *((topic, None) for topic in quiet_topics(digest)),
        *((None, view) for view in digest.blindspots)]
    # A followed topic with nothing new: one line, never a silent gap (its own section, with no header).
    keys = [_QUIET if view is None else topic for topic, view in sections]
    cards = [_(NOTHING_NEW_TOPIC).format(topic=escape(topic or "", quote=False)) if view is None
             else story_card(view, zone=zone, compact=True) + open_link(view.story_id, bot_username)
             for topic, view in sections]

    def block(index: int, start: int, i: int) -> str:
        key, same = keys[i], i > 0 and keys[i - 1] == keys[i]
        if key == _QUIET:
            return cards[i]
        if i == start and index > 0:
            return _header(key, same) + cards[i]
        return ("" if i > start and same else _header(key, False)) + cards[i]

    def message(index: int, start: int, stop: int) -> str:
        text = title if index == 0 else ""
        for i in range(start, stop):
            gap = "\n" if i > start and keys[i] == keys[i - 1] == _QUIET else "\n\n"
            text = f"{text}{gap}{block(index, start, i)}" if text else block(index, start, i)
        return text

    groups = split_stories(len(cards), lambda i, a, b: len(message(i, a, b)) <= MAX_MESSAGE)
    return [part for i, group in enumerate(groups) for part in pack([message(i, group.start, group.stop)])]
