"""What a chat mutes: stories about a word or phrase (matched as topics are: word-bounded, stemmed, never a regular
expression; news.topics), and outlets whose links a card leaves out. A muted outlet still counts: the card's counts,
bias bar and factuality stay true to the coverage; only its links go.

`hide_outlets` is pure; `Mutes` holds the use cases, each one transaction.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.chat_view import ChatView
from app.chats import ChatRef, Chats
from news.coverage import outlet_key, outlet_label
from news.topics import StoryText, article_text, compile_topic, normalize_topic, story_matches
from news.types import SourceLine, StoryArticle, StoryView
from storage import mutes as mute_store

__all__ = [
    "MAX_MUTES", "MAX_OUTLET_NAME", "Mute", "MuteKind", "Muted", "Mutes", "hidden_urls", "hide_outlets",
    "hide_source_links", "is_muted", "mutes_of", "parse_mute",
]

MAX_MUTES = 30
MAX_OUTLET_NAME = 60


class MuteKind(enum.StrEnum):
    WORD = mute_store.WORD
    SOURCE = mute_store.SOURCE


@dataclass(frozen=True, slots=True)
class Mute:
    id: int
    kind: MuteKind
    value: str


class Muted(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"  # the chat has MAX_MUTES mutes already


def parse_mute(raw: str) -> tuple[MuteKind, str]:
    """"source <outlet>" or a word or phrase, normalized; ValueError when it can't be a mute."""
    words = raw.split()
    if words and words[0].casefold() == "source":
        name = " ".join(words[1:]).casefold()
        if not name or len(name) > MAX_OUTLET_NAME or not any(ch.isalnum() for ch in name):
            raise ValueError("outlet")
        return MuteKind.SOURCE, name
    return MuteKind.WORD, normalize_topic(raw)


def hidden_urls(articles: Sequence[StoryArticle], outlets: frozenset[str]) -> frozenset[str]:
    """The links of the muted outlets (case-folded names) among `articles`."""
    return frozenset(a.url for a in articles if outlet_key(a) in outlets or outlet_label(a).casefold() in outlets)


def hide_outlets(view: StoryView, articles: Sequence[StoryArticle], outlets: frozenset[str]) -> StoryView:
    """The card without links to the muted outlets (case-folded names); counts and coverage unchanged."""
    if not outlets:
        return view
    hidden = hidden_urls(articles, outlets)
    links = tuple((name, url) for name, url in view.links if url not in hidden and name.casefold() not in outlets)
    headline_url = "" if view.headline_url in hidden else view.headline_url
    return dataclasses.replace(view, links=links, headline_url=headline_url)


def hide_source_links(lines: Sequence[SourceLine], articles: Sequence[StoryArticle],
                      outlets: frozenset[str]) -> list[SourceLine]:
    """The "All N sources" lines, the muted outlets' without their link: every outlet is still listed."""
    hidden = hidden_urls(articles, outlets)
    return [dataclasses.replace(line, url="") if line.url in hidden else line for line in lines]


def is_muted(view: StoryView, articles: Sequence[StoryArticle], sections: Sequence[str],
             words: Sequence[str]) -> bool:
    """Whether the story is about any of the muted `words`, by the rules of topics (news.topics)."""
    if not words:
        return False
    text = StoryText.of(view.headline, view.bullets, [article_text(a.title, a.summary, a.categories)
                                                      for a in articles], tuple(sections))
    return any(story_matches(compile_topic(word), text) for word in words)


class Mutes:
    def __init__(self, chats: Chats) -> None:
        self.chats = chats

    async def mute(self, chat: ChatRef, kind: MuteKind, value: str) -> Muted:
        def run(session: Session) -> Muted:
            try:
                added = mute_store.add(session, chat.id, kind.value, value, MAX_MUTES)
            except mute_store.TooManyMutes:
                return Muted.FULL
            return Muted.ADDED if added else Muted.ALREADY

        return await self.chats.within(chat, run)

    async def unmute(self, chat: ChatRef, kind: MuteKind, value: str) -> bool:
        """False when it wasn't muted (an unknown chat is not registered for that)."""
        return await self.chats.tx(mute_store.remove, chat.id, kind.value, value)

    async def remove(self, chat_id: int, mute_id: int) -> tuple[Mute | None, list[Mute]]:
        """Drop one mute by id: what it was (None when gone already) and the chat's mutes now."""

        def run(session: Session) -> tuple[Mute | None, list[Mute]]:
            gone = mute_store.remove_id(session, chat_id, mute_id)
            removed = Mute(mute_id, MuteKind(gone[0]), gone[1]) if gone else None
            return removed, _mutes(session, chat_id)

        return await self.chats.tx(run)



def mutes_of(chat: ChatView) -> list[Mute]:
    """The chat's mutes, oldest first."""
    return [Mute(mute_id, MuteKind(kind), value) for mute_id, kind, value in chat.mutes]


def _mutes(session: Session, chat_id: int) -> list[Mute]:
    return [Mute(mute_id, MuteKind(kind), value) for mute_id, kind, value in mute_store.mutes(session, chat_id)]
