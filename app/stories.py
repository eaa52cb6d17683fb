"""Finding stories: search, suggestions, trending, and one story's card, sources and coverage.

Each method is one transaction on the interactive pool and returns plain values (StoryView, SourceLine).
Cards come from the shared CardCache (app.cards).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.cards import CardCache
from app.tx import Transactions
from news.coverage import source_lines
from news.rank import rank_score
from news.topics import TopicMatcher, compile_topic
from news.types import SourceLine, StoryArticle, StoryView
from news.words import search_terms, tokens
from storage import stories as story_store
from storage.search import matching_story_ids

__all__ = ["MAX_QUERY", "Found", "Stories", "StoryDetail"]

RECENT = timedelta(hours=48)
SEARCH_WINDOW = timedelta(days=7)
MAX_QUERY = 200  # characters of a search; longer ones are refused at the edge


@dataclass(frozen=True, slots=True)
class Found:
    """A search's answer: the best stories, or (when none matched every word) suggestions."""

    stories: list[StoryView]
    suggestions: list[StoryView]


@dataclass(frozen=True, slots=True)
class StoryDetail:
    """One story now (merges followed): its card, every outlet's line, and its articles' times."""

    view: StoryView
    sources: list[SourceLine]
    published: list[datetime]


def reference_time(session: Session, now: datetime) -> datetime:
    """`now`, or the newest story's time when every feed is older (an archive, a stalled fetch): search then
    finds the latest stories there are rather than nothing."""
    latest = story_store.latest_update(session)
    return min(now, latest) if latest else now


def _story_text(articles: Sequence[StoryArticle]) -> str:
    return " \n".join(f"{a.title}. {a.summary}" for a in articles)


def _exact_matcher(query: str) -> TopicMatcher | None:
    """The query as one phrase, to rank stories holding it first."""
    try:
        return compile_topic(" ".join([w for w in tokens(query) if len(w) > 1][:8]))
    except ValueError:  # longer than a topic may be, or no word left: rank on the search alone
        return None


class Stories:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime], cards: CardCache) -> None:
        self.tx, self.clock = tx, clock
        self._cards = cards

    async def search(self, query: str, limit: int = 1, suggest: int = 3) -> Found:
        """The best matching recent stories for free text: stories holding every word, exact phrase matches first,
        then by outlets weighted by recency. With none, up to `suggest` stories matching any word (or the top
        recent ones)."""
        return await self.tx(self._search, query, self.clock(), limit, suggest)

    async def trending(self, limit: int = 5) -> list[StoryView]:
        """The most covered recent stories (an inline query with no words yet)."""
        return await self.tx(self._trending, self.clock(), limit)

    async def detail(self, story_id: int) -> StoryDetail | None:
        """A card's story now (following merges); None when it is gone."""
        return await self.tx(self._detail, story_id, self.clock())

    def _search(self, session: Session, query: str, now: datetime, limit: int, suggest: int) -> Found:
        terms = search_terms(query)
        if not terms:
            return Found([], [])
        since = reference_time(session, now) - SEARCH_WINDOW
        articles = story_store.story_articles(session, matching_story_ids(session, terms, since))
        matcher = _exact_matcher(query)
        scored = sorted(
            ((matcher is not None and matcher.matches(_story_text(arts)), rank_score(arts, now), sid)
             for sid, arts in articles.items() if arts),
            reverse=True,
        )
        found = [self._cards.view(sid, articles[sid], now) for _exact, _score, sid in scored[:limit]]
        if found or suggest <= 0:
            return Found(found, [])
        ids = matching_story_ids(session, terms, since, limit=suggest, any_term=True)
        ids = ids or story_store.recent_story_ids(session, since, limit=suggest)
        others = story_store.story_articles(session, ids)
        return Found([], [self._cards.view(sid, arts, now) for sid, arts in others.items() if arts])

    def _trending(self, session: Session, now: datetime, limit: int) -> list[StoryView]:
        ids = story_store.recent_story_ids(session, reference_time(session, now) - RECENT, limit=limit * 4)
        articles = story_store.story_articles(session, ids)
        ranked = sorted(((rank_score(arts, now), sid) for sid, arts in articles.items() if arts), reverse=True)
        return [self._cards.view(sid, articles[sid], now) for _score, sid in ranked[:limit]]

    def _detail(self, session: Session, story_id: int, now: datetime) -> StoryDetail | None:
        live = story_store.live_story_id(session, story_id)
        if live is None:
            return None
        articles = story_store.story_articles(session, [live])[live]
        if not articles:
            return None
        published = [a.published for a in articles if a.published is not None]
        return StoryDetail(self._cards.view(live, articles, now), source_lines(articles), published)
