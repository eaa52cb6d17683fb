"""Finding stories: search, suggestions, trending, and one story's card, sources and coverage.

Each method is one transaction on the interactive pool and returns plain values (StoryView, SourceLine).
Cards come from the shared CardCache (app.cards).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.cards import CardCache
from app.chat_view import ChatView
from app.digest_time import zone_or_utc
from app.mutes import hide_outlets, hide_source_links, is_muted
from app.retention import decode_archive
from app.search import SEARCH_WINDOW, Searcher
from app.tx import Transactions
from news.coverage import outlet_key, source_lines
from news.first_report import FirstReport, first_report
from news.originals import find_reposts
from news.rank import rank_score
from news.semantic import Vector
from news.types import SourceLine, StoryArticle, StoryView
from storage import retention as retention_store
from storage import stories as story_store

__all__ = ["MAX_QUERY", "Found", "Stories", "StoryDetail"]

RECENT = timedelta(hours=48)
RECENCY = 0.1  # a fresh story's score rises by up to this share: a prior, never a match
MAX_QUERY = 200  # characters of a search; longer ones are refused at the edge


@dataclass(frozen=True, slots=True)
class Found:
    """A search's answer: the best stories, or (when none matched every word) suggestions."""

    stories: list[StoryView]
    suggestions: list[StoryView]
    zone: ZoneInfo  # the asking chat's timezone (the default for a chat the bot doesn't know)


@dataclass(frozen=True, slots=True)
class StoryDetail:
    """One story now (merges followed): its card, every outlet's line, and its articles' times."""

    view: StoryView
    sources: list[SourceLine]
    published: list[datetime]
    zone: ZoneInfo  # the asking chat's timezone
    first: FirstReport | None = None  # who broke it and when each side joined; None when no original has a time


def reference_time(session: Session, now: datetime) -> datetime:
    """`now`, or the newest story's time when every feed is older (an archive, a stalled fetch): search then
    finds the latest stories there are rather than nothing."""
    latest = story_store.latest_update(session)
    return min(now, latest) if latest else now


def _freshness(articles: Sequence[StoryArticle], now: datetime) -> float:
    """1 for a story updated now, halving every RECENT."""
    newest = max((a.published for a in articles if a.published is not None), default=None)
    if newest is None:
        return 0.0
    return float(0.5 ** (max(0.0, (now - newest).total_seconds()) / RECENT.total_seconds()))


class Stories:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime], cards: CardCache, zone: str = "UTC",
                 searcher: Searcher | None = None) -> None:
        self.tx, self.clock, self.zone = tx, clock, zone_or_utc(zone)
        self._cards = cards
        self.searcher = searcher or Searcher()

    def _zone_of(self, chat: ChatView | None) -> ZoneInfo:
        return zone_or_utc(chat.timezone) if chat is not None else self.zone

    async def search(self, query: str, limit: int = 1, suggest: int = 3, chat: ChatView | None = None) -> Found:
        """The recent stories `query` means, the most relevant first (app.search, with a recency prior). With none,
        up to `suggest` stories holding a good part of its words (none when no story does). `chat`: the asking
        chat (app.chat_view), whose mutes and zone apply."""
        vector = await asyncio.to_thread(self.searcher.encode, query) if self.searcher.encoder is not None else None
        return await self.tx(self._search, query, vector, self.clock(), limit, suggest, chat)

    async def trending(self, limit: int = 5) -> list[StoryView]:
        """The most covered recent stories (an inline query with no words yet)."""
        return await self.tx(self._trending, self.clock(), limit)

    async def detail(self, story_id: int, chat: ChatView | None = None) -> StoryDetail | None:
        """A card's story now (following merges), with `chat`'s mutes and zone; None when it is gone."""
        return await self.tx(self._detail, story_id, self.clock(), chat)

    def _search(self, session: Session, query: str, vector: Vector | None, now: datetime, limit: int, suggest: int,
                chat: ChatView | None) -> Found:
        zone = self._zone_of(chat)
        since = reference_time(session, now) - SEARCH_WINDOW
        ranked = self.searcher.rank(session, query, vector, since, limit, suggest)
        articles = ranked.articles
        final = {sid: ranked.scores[sid] * (1 + RECENCY * _freshness(articles[sid], now))
                 for sid in ranked.found + ranked.suggested if articles.get(sid)}
        if chat is not None and chat.muted_words:
            final = self._unmuted(session, final, articles, now, chat.muted_words)
        best = sorted((sid for sid in ranked.found if sid in final), key=lambda sid: final[sid], reverse=True)[:limit]
        if best or suggest <= 0:
            outlets = chat.muted_outlets if chat is not None else frozenset()
            return Found([hide_outlets(self._cards.view(sid, articles[sid], now), articles[sid], outlets)
                          for sid in best], [], zone)
        partial = [sid for sid in ranked.suggested if sid in final][:suggest]
        return Found([], [self._cards.view(sid, articles[sid], now) for sid in partial], zone)

    def _unmuted(self, session: Session, final: dict[int, float], articles: dict[int, list[StoryArticle]],
                 now: datetime, words: Sequence[str]) -> dict[int, float]:
        """`final` without the stories about a muted word."""
        sections = story_store.story_sections(session, list(final))
        return {sid: score for sid, score in final.items()
                if not is_muted(self._cards.view(sid, articles[sid], now), articles[sid], sections.get(sid, ()), words)}

    def _trending(self, session: Session, now: datetime, limit: int) -> list[StoryView]:
        ids = story_store.recent_story_ids(session, reference_time(session, now) - RECENT, limit=limit * 4)
        articles = story_store.story_articles(session, ids)
        ranked = sorted(((rank_score(arts, now), sid) for sid, arts in articles.items() if arts), reverse=True)
        return [self._cards.view(sid, articles[sid], now) for _score, sid in ranked[:limit]]

    def _detail(self, session: Session, story_id: int, now: datetime, chat: ChatView | None) -> StoryDetail | None:
        live = story_store.live_story_id(session, story_id)
        if live is None:
            return None
        articles = story_store.story_articles(session, [live])[live]
        if not articles:
            return self._archived(session, live, chat)
        published = [a.published for a in articles if a.published is not None]
        view = self._cards.view(live, articles, now)
        outlets = chat.muted_outlets if chat is not None else frozenset()
        reposts = find_reposts(articles, outlet_key)
        lines = hide_source_links(source_lines(articles, reposts), articles, outlets)
        return StoryDetail(hide_outlets(view, articles, outlets), lines, published, self._zone_of(chat),
                           first_report(articles, reposts))

    def _archived(self, session: Session, story_id: int, chat: ChatView | None) -> StoryDetail | None:
        """The card a story kept when its articles were pruned (app.retention); None when it has none."""
        data = retention_store.story_archive(session, story_id)
        if data is None:
            return None
        kept = decode_archive(data)
        return StoryDetail(kept.view, list(kept.sources), list(kept.published), self._zone_of(chat), kept.first)
