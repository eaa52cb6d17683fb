"""Story selection for a chat: topic matching, ranking, and the views a card is rendered from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from news.rank import rank_score
from news.summarize import build_story_view
from news.topics import compile_topic
from news.types import StoryArticle, StoryView
from storage import stories as story_store

RECENT = timedelta(hours=48)
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


def find_story(session: Session, query: str, now: datetime, window: timedelta = timedelta(days=7)) -> StoryView | None:
    """The best matching recent story for free text, or None."""
    words = [w for w in WORD.findall(query.lower()) if len(w) > 1][:8]
    if not words:
        return None
    ids = story_store.search_story_ids(session, words, reference_time(session, now) - window)
    if not ids:
        return None
    articles = story_store.story_articles(session, ids)
    matcher = compile_topic(" ".join(words))
    scored = []
    for sid, arts in articles.items():
        if not arts:
            continue
        exact = matcher.matches(_story_text(arts))
        scored.append((exact, rank_score(arts, now), sid))
    if not scored:
        return None
    _exact, _score, best = max(scored)
    return build_story_view(best, articles[best], now)
