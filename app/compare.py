"""Compare the sides of one story (news.sides): the parts a card's "Compare sides" button shows.

One transaction on the interactive pool. The parts are computed once per version of a story (a small cache,
like app.cards), since paging through a side asks for them on every press.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.cards import CardCache
from app.chat_view import ChatView
from app.mutes import hidden_urls
from app.retention import decode_archive
from app.tx import Transactions
from news.sides import SidePart, side_parts, sides_from_lines
from news.types import StoryArticle
from storage import retention as retention_store
from storage import stories as story_store

__all__ = ["Compare", "StorySides"]

CACHE = 512


@dataclass(frozen=True, slots=True)
class StorySides:
    """A story now (merges followed): its id, headline, source count and one part per side."""

    story_id: int
    headline: str
    source_count: int
    parts: tuple[SidePart, ...]


def _hide(parts: Sequence[SidePart], hidden: frozenset[str]) -> tuple[SidePart, ...]:
    """The muted outlets' lines without their link: every outlet is still listed and counted."""
    if not hidden:
        return tuple(parts)

    def strip(part: SidePart) -> SidePart:
        outlets = tuple(dataclasses.replace(o, url="") if o.url in hidden else o for o in part.outlets)
        return dataclasses.replace(part, outlets=outlets, headlines=outlets[: len(part.headlines)])

    return tuple(strip(part) for part in parts)


class Compare:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime], cards: CardCache) -> None:
        self.tx, self.clock, self._cards = tx, clock, cards
        self._parts: OrderedDict[tuple[object, ...], tuple[SidePart, ...]] = OrderedDict()
        self._lock = threading.Lock()

    async def sides(self, story_id: int, chat: ChatView | None = None) -> StorySides | None:
        """The story's sides as `chat` sees them (muted outlets unlinked); None when the story is gone."""
        return await self.tx(self._sides, story_id, self.clock(), chat)

    def _sides(self, session: Session, story_id: int, now: datetime, chat: ChatView | None) -> StorySides | None:
        live = story_store.live_story_id(session, story_id)
        if live is None:
            return None
        articles = story_store.story_articles(session, [live])[live]
        if not articles:
            data = retention_store.story_archive(session, live)
            if data is None:
                return None
            kept = decode_archive(data)
            return StorySides(live, kept.view.headline, kept.view.source_count,
                              tuple(sides_from_lines(kept.sources)))
        view = self._cards.view(live, articles, now)
        muted = chat.muted_outlets if chat is not None else frozenset()
        parts = _hide(self._parts_of(live, articles), hidden_urls(articles, muted) if muted else frozenset())
        return StorySides(live, view.headline, view.source_count, parts)

    def _parts_of(self, story_id: int, articles: Sequence[StoryArticle]) -> tuple[SidePart, ...]:
        newest = max((a.published for a in articles if a.published is not None), default=None)
        key = (story_id, len(articles), articles[-1].url, newest)
        with self._lock:
            if (found := self._parts.get(key)) is not None:
                self._parts.move_to_end(key)
                return found
        parts = tuple(side_parts(articles))
        with self._lock:
            self._parts[key] = parts
            while len(self._parts) > CACHE:
                self._parts.popitem(last=False)
        return parts
