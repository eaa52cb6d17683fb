from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from news.summary import build_story_view, dateline_in
from news.types import Bias, Outlet
from tests.news.summary.helpers import NOW, article


def test_build_story_view() -> None:
    left = Outlet("Left Times", ("left.example",), bias=Bias.LEFT, factuality="high")
    center = Outlet("Center Wire", ("center.example",), bias=Bias.CENTER, factuality="high")
    right = Outlet("Right Post", ("right.example",), bias=Bias.LEAN_RIGHT, factuality="mixed")
    articles = [
        article("Senate passes infrastructure bill in bipartisan vote", "WASHINGTON (AP) — The Senate passed a "
                "$1 trillion infrastructure bill on Tuesday.", outlet=center, hours=10, url="https://c.example/1"),
        article("Senate approves infrastructure bill, sending it to the House", "The Senate approved the bill "
                "69-30. It now goes to the House.", outlet=left, hours=8, url="https://l.example/1"),
        article("LIVE: Senate infrastructure vote", "Follow along.", outlet=left, hours=7, url="https://l.example/2"),
        article("Republicans split as Senate passes infrastructure bill", "Nineteen Republicans joined Democrats "
                "to pass the bill.", outlet=right, hours=2, url="https://r.example/1"),
        article("Infrastructure bill clears Senate", "Lawmakers cleared the bill.", source="Blog", hours=1,
                url="https://blog.example/1"),
    ]
    view = build_story_view(7, articles, NOW, since=NOW - timedelta(hours=5), max_links=4)
    assert view.story_id == 7
    assert not view.headline.startswith("LIVE")
    assert (view.place, dateline_in(view, ZoneInfo("UTC"))) == ("WASHINGTON", "WASHINGTON, JUL 31")
    assert (view.article_count, view.source_count) == (5, 4)
    coverage = view.coverage
    assert (coverage.left, coverage.center, coverage.right, coverage.unrated) == (1, 1, 1, 1)
    assert [name for name, _ in view.links[:3]] == ["Left Times", "Center Wire", "Right Post"]
    assert len(view.links) == 4 and len({url for _, url in view.links}) == 4
    assert view.first_seen == NOW - timedelta(hours=10) and view.last_updated == NOW - timedelta(hours=1)
    assert view.new_sources == 2
    assert view.lede.endswith(".") and view.lede not in view.bullets
    assert 1 <= len(view.bullets) <= 3


def test_build_story_view_without_times_uses_now() -> None:
    view = build_story_view(1, [article("Budget vote set for Friday night")], NOW)
    assert view.first_seen == view.last_updated == view.first_reported == NOW
    assert dateline_in(view, ZoneInfo("UTC")) == "JUL 31" and view.new_sources == 0 and view.place == ""
    with pytest.raises(ValueError):
        build_story_view(1, [], NOW)


PLANE = [
    ("Missing Malaysia Airlines plane: search widens to Indian Ocean",
     "The search for the missing Malaysia Airlines plane widened to the Indian Ocean on Friday. Ships joined."),
    ("Malaysia Airlines flight MH370 search moves west",
     "Searchers moved west in the hunt for Malaysia Airlines flight MH370. Radar data guided them."),
    ("MH370: satellite data hints plane flew for hours",
     "Satellite data suggests the missing Malaysia Airlines plane flew for hours after contact was lost."),
    ("Families of missing Malaysia Airlines MH370 passengers wait",
     "Families of passengers on the missing Malaysia Airlines flight waited for news in Beijing on Friday."),
    ("US Navy joins search for missing Malaysia Airlines jet",
     "A US Navy ship joined the search for the missing Malaysia Airlines jet in the Indian Ocean."),
    ("Malaysia Airlines plane search: what we know about MH370",
     "Investigators still do not know where the missing Malaysia Airlines plane went, officials said."),
]
PIE = [("Happy Pi Day! Celebrate with 52 pie recipes", "Pi Day pie recipes: apple pie, cherry pie and more.")]


def test_a_stray_the_clusterer_let_in_gives_the_card_no_line() -> None:
    story = [article(t, s, source=f"Plane{n}") for n, (t, s) in enumerate(PLANE)]
    story += [article(t, s, source=f"Food{n}") for n, (t, s) in enumerate(PIE)]
    for order in (story, story[::-1]):
        view = build_story_view(1, order, NOW)
        lines = [view.headline, view.lede, *view.bullets]
        assert view.lede and len(view.bullets) >= 2
        assert not any("pie" in line.lower() or "Pi Day" in line for line in lines), lines
        assert view.article_count == 7  # the card still counts what the story holds
