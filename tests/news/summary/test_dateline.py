from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from news.summary import build_story_view, dateline_in, find_place, format_dateline
from tests.news.summary.helpers import NOW, article


@pytest.mark.parametrize(
    ("summaries", "expected"),
    [
        (["HOUSTON (Reuters) - Oil prices rose.", "HOUSTON — Refiners said.", "LONDON — Traders."], "HOUSTON"),
        (["WASHINGTON, July 31 (AP) — The Senate voted.", "Lawmakers voted."], "WASHINGTON"),
        (["NEW YORK (CNN) - Stocks fell.", ""], "NEW YORK"),
        (["Stocks fell on Monday - a lot.", "(Reuters) - Stocks fell."], ""),
        (["UPDATE - Stocks fell.", "BREAKING — Stocks fell.", "BREAKING NEWS — Stocks."], ""),
        (["Barr faces senators. WASHINGTON — Barr testified.", "NEW YORK — Stocks.", "Other."], "WASHINGTON"),
        ([], ""),
    ],
)
def test_find_place(summaries: list[str], expected: str) -> None:
    assert find_place([article(f"title {n}", s, source=f"S{n}") for n, s in enumerate(summaries)]) == expected


def test_format_dateline_is_the_day_in_the_reader_s_zone() -> None:
    first = datetime(2026, 7, 31, 2, 30, tzinfo=UTC)
    assert format_dateline("HOUSTON", first, ZoneInfo("UTC")) == "HOUSTON, JUL 31"
    assert format_dateline("HOUSTON", first, ZoneInfo("America/Chicago")) == "HOUSTON, JUL 30"
    assert format_dateline("", first, ZoneInfo("Asia/Tokyo")) == "JUL 31"
    assert format_dateline("", datetime(2026, 12, 31, 23, 0), ZoneInfo("Europe/Berlin")) == "JAN 1"  # naive: UTC


def test_the_view_carries_place_and_first_report_apart() -> None:
    articles = [
        article("Oil prices rise as refiners restart", "HOUSTON (Reuters) - Oil prices rose on Monday.",
                source="Reuters", hours=40),
        article("Oil climbs as Texas refineries restart", "HOUSTON — Oil rose as refiners restarted.",
                source="AP", hours=3),
    ]
    view = build_story_view(1, articles, NOW)
    assert view.place == "HOUSTON" and view.first_reported == NOW - timedelta(hours=40)  # Jul 29, 23:00 UTC
    assert dateline_in(view, ZoneInfo("UTC")) == "HOUSTON, JUL 29"
    assert dateline_in(view, ZoneInfo("Europe/Berlin")) == "HOUSTON, JUL 30"
    assert dateline_in(view, ZoneInfo("America/Los_Angeles")) == "HOUSTON, JUL 29"
    assert dateline_in(replace(view, first_reported=None), ZoneInfo("UTC")) == "HOUSTON, JUL 29"


def test_the_first_report_leaves_strays_out() -> None:
    story = [article(f"Hurricane Ida makes landfall in Louisiana as storm number {n}", source=f"S{n}", hours=n)
             for n in range(1, 7)]
    stray = article("Celebrity chef opens a new restaurant in Paris", source="Gossip", hours=50)
    view = build_story_view(1, [*story, stray], NOW)
    assert view.first_seen == NOW - timedelta(hours=50)
    assert view.first_reported == NOW - timedelta(hours=6)
