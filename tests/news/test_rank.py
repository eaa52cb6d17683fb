from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.rank import growth, rank_score
from news.types import StoryArticle

NOW = datetime(2026, 7, 31, 12, 0, tzinfo=UTC)


def _story(*spec: tuple[str, float | None]) -> list[StoryArticle]:
    """(outlet, hours ago) pairs; None means unknown time."""
    return [
        StoryArticle(
            title=f"t{i}", url=f"https://{src}.example/{i}", source_name=src,
            published=None if hours is None else NOW - timedelta(hours=hours),
        )
        for i, (src, hours) in enumerate(spec)
    ]


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        (_story(("a", 1), ("b", 1)), _story(("a", 1))),  # two outlets beat one
        (_story(("a", 200), ("b", 200)), _story(("a", 0), ("a", 0), ("a", 0))),  # even when stale
        (_story(("a", 1), ("b", 1), ("c", 1)), _story(("a", 1), ("b", 1))),
        (_story(("a", 1), ("b", 1)), _story(("a", 30), ("b", 30))),  # fresher beats older
        (_story(("a", 10), ("b", 1), ("c", 1)), _story(("a", 10), ("b", 9), ("c", 9))),  # velocity
        (_story(("a", 1), ("b", 1)), _story(("a", 1), ("a", 1), ("a", 1), ("a", 1))),
        (_story(("a", 1)), _story(("a", 48))),
    ],
)
def test_rank_ordering(higher: list[StoryArticle], lower: list[StoryArticle]) -> None:
    assert rank_score(higher, NOW) > rank_score(lower, NOW)


def test_single_outlet_is_below_one_and_edge_cases() -> None:
    assert 0 < rank_score(_story(("a", 0), ("a", 0)), NOW) < 1
    assert rank_score([], NOW) == 0.0
    assert rank_score(_story(("a", -5), ("b", None)), NOW) > 1  # future and unknown times are tolerated
    with pytest.raises(ValueError):
        rank_score(_story(("a", 1)), NOW, half_life_hours=0)


@pytest.mark.parametrize(
    ("spec", "since_hours", "expected"),
    [
        ((("a", 10), ("b", 5), ("c", 1)), 6, 2),
        ((("a", 10), ("a", 1), ("b", 1)), 6, 1),  # a was already there
        ((("a", None), ("b", 1)), 6, 1),  # unknown time never counts as new
        ((("a", 1),), None, 0),
    ],
)
def test_growth(spec: tuple[tuple[str, float | None], ...], since_hours: float | None, expected: int) -> None:
    since = None if since_hours is None else NOW - timedelta(hours=since_hours)
    assert growth(_story(*spec), since) == expected
