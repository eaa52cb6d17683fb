"""Story selection for a chat: topic matching, ranking, and the views a card is rendered from."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.render import SourceLine
from news.coverage import outlet_key, outlet_label
from news.rank import rank_score
from news.summarize import build_story_view
from news.topics import TopicMatcher, compile_topic
from news.types import StoryArticle, StoryView
from news.words import search_terms
from storage import stories as story_store
from storage.search import matching_story_ids

RECENT = timedelta(hours=48)
SEARCH_WINDOW = timedelta(days=7)
WORD = re.compile(r"\w+", re.UNICODE)


def reference_time(session: Session, now: datetime) -> datetime:
    """`now`, or the newest story's time when every feed is older (an archive, a stalled fetch): then the
    digest shows the latest stories there are rather than nothing."""
    latest = story_store.latest_update(session)
    return min(now, latest) if latest else now


def _story_text(articles: Sequence[StoryArticle]) -> str:
    return " \n".join(f"{a.title}. {a.summary}" for a in articles)


def _categories(articles: Sequence[StoryArticle]) -> set[str]:
    return {c for a in articles for c in a.categories}


def top_stories(
    session: Session, topics: Sequence[str], now: datetime, *, per_topic: int = 5, since: datetime | None = None,
    exclude: set[int] | None = None,
) -> list[tuple[str, StoryView]]:
    """Best stories per topic, each story once across topics, ranked by outlets weighted by recency."""
    ids = story_store.recent_story_ids(session, since or reference_time(session, now) - RECENT)
    articles = story_store.story_articles(session, ids)
    ranked = sorted(
        ((rank_score(arts, now), sid) for sid, arts in articles.items() if arts),
        reverse=True,
    )
    used: set[int] = set(exclude or ())
    picked: list[tuple[str, StoryView]] = []
    for topic in topics:
        matcher = compile_topic(topic)
        count = 0
        for _score, sid in ranked:
            if count >= per_topic:
                break
            if sid in used:
                continue
            arts = articles[sid]
            if matcher.matches(_story_text(arts), _categories(arts)):
                used.add(sid)
                picked.append((topic, build_story_view(sid, arts, now, since=since)))
                count += 1
    return picked


class _ViewCache:
    """Recently built cards, keyed by what they are built from: a story whose articles are unchanged renders the
    same. Handlers run on worker threads, hence the lock."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._views: OrderedDict[tuple[object, ...], StoryView] = OrderedDict()
        self._lock = threading.Lock()

    def view(self, story_id: int, articles: Sequence[StoryArticle], now: datetime) -> StoryView:
        newest = max((a.published for a in articles if a.published is not None), default=None)
        key = (story_id, len(articles), articles[-1].url, newest)
        with self._lock:
            if (found := self._views.get(key)) is not None:
                self._views.move_to_end(key)
                return found
        view = build_story_view(story_id, articles, now)
        with self._lock:
            self._views[key] = view
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return view


_cards = _ViewCache()


def _exact_matcher(terms: Sequence[str]) -> TopicMatcher | None:
    try:
        return compile_topic(" ".join(terms))
    except ValueError:  # longer than a topic may be: rank on the search alone
        return None


def find_stories(
    session: Session, query: str, now: datetime, *, limit: int = 1, window: timedelta = SEARCH_WINDOW
) -> list[StoryView]:
    """The best matching recent stories for free text: stories whose words all appear, exact phrase
    matches first, then by outlets weighted by recency."""
    words = [w for w in WORD.findall(query.lower()) if len(w) > 1][:8]
    terms = search_terms(query)
    if not terms:
        return []
    ids = matching_story_ids(session, terms, reference_time(session, now) - window)
    articles = story_store.story_articles(session, ids)
    matcher = _exact_matcher(words)
    scored = sorted(
        (
            (matcher is not None and matcher.matches(_story_text(arts)), rank_score(arts, now), sid)
            for sid, arts in articles.items()
            if arts
        ),
        reverse=True,
    )
    return [_cards.view(sid, articles[sid], now) for _exact, _score, sid in scored[:limit]]


def find_story(session: Session, query: str, now: datetime, window: timedelta = SEARCH_WINDOW) -> StoryView | None:
    """The best matching recent story for free text, or None."""
    found = find_stories(session, query, now, limit=1, window=window)
    return found[0] if found else None


def suggestions(session: Session, query: str, now: datetime, count: int = 3) -> list[StoryView]:
    """Stories for a search that found nothing: those matching any of its words, else the top recent ones."""
    since = reference_time(session, now) - SEARCH_WINDOW
    ids = matching_story_ids(session, search_terms(query), since, limit=count, any_term=True)
    ids = ids or story_store.recent_story_ids(session, since, limit=count)
    articles = story_store.story_articles(session, ids)
    return [_cards.view(sid, arts, now) for sid, arts in articles.items() if arts]


def story_by_id(session: Session, story_id: int, now: datetime) -> tuple[StoryView, list[StoryArticle]] | None:
    """A card's story now (following merges), with its articles; None when it is gone."""
    live = story_store.live_story_id(session, story_id)
    if live is None:
        return None
    articles = story_store.story_articles(session, [live])[live]
    return (_cards.view(live, articles, now), articles) if articles else None


def source_lines(articles: Sequence[StoryArticle]) -> list[SourceLine]:
    """One line per outlet (its first article), rated sides left to right, then unrated, by name."""
    first: dict[str, StoryArticle] = {}
    for article in articles:
        first.setdefault(outlet_key(article) or article.url, article)
    order = {"left": 0, "center": 1, "right": 2}

    def side(article: StoryArticle) -> str | None:
        outlet = article.outlet
        return outlet.bias.side if outlet is not None and outlet.bias is not None else None

    lines = [SourceLine(outlet_label(a), a.title, a.url, side(a)) for a in first.values()]
    return sorted(lines, key=lambda line: (order.get(line.side or "", 3), line.outlet.casefold()))


def trending(session: Session, now: datetime, limit: int = 5) -> list[StoryView]:
    """The most covered recent stories, for an inline query with no words yet."""
    ids = story_store.recent_story_ids(session, reference_time(session, now) - RECENT, limit=limit * 4)
    articles = story_store.story_articles(session, ids)
    ranked = sorted(((rank_score(arts, now), sid) for sid, arts in articles.items() if arts), reverse=True)
    return [_cards.view(sid, articles[sid], now) for _score, sid in ranked[:limit]]
