"""How important a story is right now, and how much it grew (pure; `now` is always an argument).

score = sum over distinct outlets of 0.5 ** (age of the outlet's newest article / half-life)
      + VELOCITY_WEIGHT * (outlets that joined in the last VELOCITY_WINDOW) / (1 + outlets that joined before)

Single-outlet stories are squashed into [0, 1) and multi-outlet ones shifted to [1, inf), so one
publisher's scoop, however fresh, never outranks a story that several outlets carry.
Articles with an unknown time count as one half-life old and never as "new".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from news.coverage import outlet_key
from news.types import StoryArticle

__all__ = ["VELOCITY_WEIGHT", "VELOCITY_WINDOW", "growth", "rank_score"]

VELOCITY_WINDOW = timedelta(hours=3)
VELOCITY_WEIGHT = 1.0


def _outlet_times(articles: Sequence[StoryArticle]) -> dict[str, list[datetime | None]]:
    times: dict[str, list[datetime | None]] = {}
    for article in articles:
        key = outlet_key(article) or article.url or article.title
        times.setdefault(key, []).append(article.published)
    return times


def _first(times: list[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _decay(newest: datetime | None, now: datetime, half_life_hours: float) -> float:
    if newest is None:
        return 0.5
    age_hours = max(0.0, (now - newest).total_seconds() / 3600.0)
    return float(0.5 ** (age_hours / half_life_hours))


def rank_score(articles: Sequence[StoryArticle], now: datetime, half_life_hours: float = 12.0) -> float:
    """Higher is more important. 0.0 for an empty story."""
    if half_life_hours <= 0:
        raise ValueError("half_life_hours must be positive")
    by_outlet = _outlet_times(articles)
    if not by_outlet:
        return 0.0
    freshness = 0.0
    recent = older = 0
    for times in by_outlet.values():
        known = [t for t in times if t is not None]
        freshness += _decay(max(known) if known else None, now, half_life_hours)
        first = _first(times)
        if first is not None and now - first <= VELOCITY_WINDOW:
            recent += 1
        else:
            older += 1
    raw = freshness + VELOCITY_WEIGHT * recent / (1 + older)
    if len(by_outlet) < 2:
        return raw / (1.0 + raw)
    return 1.0 + raw


def growth(articles: Sequence[StoryArticle], since: datetime | None) -> int:
    """Distinct outlets whose first article on the story came after `since` (0 when since is None)."""
    if since is None:
        return 0
    count = 0
    for times in _outlet_times(articles).values():
        first = _first(times)
        if first is not None and first > since:
            count += 1
    return count
