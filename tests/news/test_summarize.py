from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.summarize import build_story_view, choose_headline, clean_title, find_dateline, summary_bullets
from news.types import Bias, Outlet, StoryArticle

NOW = datetime(2026, 7, 31, 15, 0, tzinfo=UTC)


def _a(title: str, summary: str = "", source: str = "", outlet: Outlet | None = None,
       hours: float | None = None, url: str = "") -> StoryArticle:
    return StoryArticle(
        title=title, url=url or f"https://{(source or 'x').lower().replace(' ', '')}.example/{len(title)}",
        summary=summary, source_name=source, outlet=outlet,
        published=None if hours is None else NOW - timedelta(hours=hours),
    )


SOBER = "Fed raises interest rates by a quarter point to fight inflation"


@pytest.mark.parametrize(
    "bait",
    [
        "LIVE: Fed raises interest rates, markets react",
        "Fed interest rates decision: live updates",
        "WATCH: Powell explains why the Fed raised interest rates",
        "Will the Fed raise interest rates again to fight inflation?",
        "You won't believe what the Fed just did to interest rates",
        "FED RAISES INTEREST RATES TO FIGHT INFLATION",
        "Rates up",
    ],
)
def test_choose_headline_avoids_clickbait_and_live_blogs(bait: str) -> None:
    articles = [
        _a(bait, source="A"),
        _a(SOBER, source="B"),
        _a("Federal Reserve lifts interest rates a quarter point as inflation persists", source="C"),
    ]
    assert choose_headline(articles).title != bait


def test_choose_headline_prefers_the_central_title_and_counts_outlets_once() -> None:
    articles = [
        _a("Storm batters coast", "A storm hit the coast.", source="A"),
        _a("Hurricane Ida makes landfall in Louisiana as category 4 storm", source="B"),
        _a("Hurricane Ida slams Louisiana after landfall as powerful storm", source="C"),
        _a("Ida makes landfall in Louisiana, knocking out power", source="D"),
        *[_a(f"Celebrity chef opens restaurant number {n} in Paris today", source="E") for n in range(5)],
    ]
    assert "Louisiana" in choose_headline(articles).title


def test_choose_headline_single_and_empty() -> None:
    only = _a("Lone title about the budget vote")
    assert choose_headline([only]) is only
    with pytest.raises(ValueError):
        choose_headline([])


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("Fed raises rates - Reuters", "", "Fed raises rates"),
        ("Fed raises rates | The Guardian", "", "Fed raises rates"),
        ("Fed raises rates - the guardian", "The Guardian", "Fed raises rates"),
        ("Fed raises rates - again and again", "", "Fed raises rates - again and again"),
        ("  Fed   raises rates ", "", "Fed raises rates"),
    ],
)
def test_clean_title(title: str, source: str, expected: str) -> None:
    assert clean_title(title, source) == expected


@pytest.mark.parametrize(
    ("summaries", "expected"),
    [
        (["HOUSTON (Reuters) - Oil prices rose.", "HOUSTON — Refiners said.", "LONDON — Traders."],
         "HOUSTON, JUL 31"),
        (["WASHINGTON, July 31 (AP) — The Senate voted.", "Lawmakers voted."], "WASHINGTON, JUL 31"),
        (["NEW YORK (CNN) - Stocks fell.", ""], "NEW YORK, JUL 31"),
        (["KYIV, Ukraine (AP) — Drones struck.", ""], "KYIV, JUL 31"),
        (["Stocks fell on Monday - a lot.", "(Reuters) - Stocks fell."], "JUL 31"),
        (["UPDATE - Stocks fell.", "BREAKING — Stocks fell.", "BREAKING NEWS — Stocks."], "JUL 31"),
        (["Barr faces senators. WASHINGTON — Barr testified.", "NEW YORK — Stocks.", "Other."],
         "WASHINGTON, JUL 31"),  # after a one-sentence dek; ties go to the first seen
        ([], "JUL 31"),
    ],
)
def test_find_dateline(summaries: list[str], expected: str) -> None:
    articles = [_a(f"title {n}", s, source=f"S{n}") for n, s in enumerate(summaries)]
    assert find_dateline(articles, NOW) == expected


def _quake_story() -> list[StoryArticle]:
    return [
        _a("Quake hits Turkey", "ANKARA (Reuters) - A magnitude 7.8 earthquake struck southern Turkey on "
           "Monday, killing hundreds. Rescuers searched rubble in freezing rain. Continue reading...",
           source="Reuters"),
        _a("Deadly quake strikes Turkey", "A magnitude 7.8 earthquake struck southern Turkey on Monday, "
           "killing hundreds of people. Rescuers searched rubble in freezing rain.", source="Reuters"),
        _a("Earthquake kills hundreds", "A powerful earthquake struck southern Turkey and Syria on Monday, "
           "killing hundreds. Syria's government said buildings collapsed in Aleppo.", source="BBC"),
        _a("Turkey quake: aid pledged", "Countries including the U.S. pledged aid to Turkey after the "
           "earthquake. NATO allies offered search teams.", source="AP"),
    ]


def test_summary_bullets_distinct_outlets_no_repeats_and_clean() -> None:
    bullets = summary_bullets(_quake_story())
    assert 2 <= len(bullets) <= 4
    assert len({b.casefold() for b in bullets}) == len(bullets)
    assert not any("Reuters" in b or "ANKARA" in b or "Continue reading" in b for b in bullets)
    lead = "Barr faces angry senators again. WASHINGTON — Barr testified before the Senate today."
    assert summary_bullets([_a("Barr testifies", lead)]) == (
        "Barr faces angry senators again.", "Barr testified before the Senate today."
    )
    assert summary_bullets([_a("Barr testifies in the Senate", "Too short. Also.")]) == (
        "Barr testifies in the Senate",
    )
    # one bullet per outlet: at most three outlets here, and the two Reuters leads are near-duplicates
    assert len(bullets) == 3
    assert sum("7.8" in b for b in bullets) <= 1


def test_summary_bullets_limits_and_fallbacks() -> None:
    long = "The committee said " + "very " * 80 + "long things happened today."
    bullets = summary_bullets([_a("A", long, source="A"), _a("Budget vote set for Friday night", source="B")])
    assert all(len(b) <= 200 for b in bullets)
    assert bullets[0].endswith("…") or bullets[1].endswith("…")
    assert "Budget vote set for Friday night" in bullets  # title used when there is no lead
    one = summary_bullets([_a("Budget vote set for Friday night", source="A")])
    assert one == ("Budget vote set for Friday night",)
    assert summary_bullets([]) == ()
    assert len(summary_bullets(_quake_story(), max_bullets=2)) == 2


def test_summary_bullets_single_outlet_reaches_min_bullets() -> None:
    lead = "The council approved the new budget on Tuesday. Spending on parks will double next year."
    assert len(summary_bullets([_a("Council approves budget", lead, source="A")])) == 2


def test_build_story_view() -> None:
    left = Outlet("Left Times", ("left.example",), bias=Bias.LEFT, factuality="high")
    center = Outlet("Center Wire", ("center.example",), bias=Bias.CENTER, factuality="high")
    right = Outlet("Right Post", ("right.example",), bias=Bias.LEAN_RIGHT, factuality="mixed")
    articles = [
        _a("Senate passes infrastructure bill in bipartisan vote", "WASHINGTON (AP) — The Senate passed a "
           "$1 trillion infrastructure bill on Tuesday.", outlet=center, hours=10, url="https://c.example/1"),
        _a("Senate approves infrastructure bill, sending it to the House", "The Senate approved the bill "
           "69-30. It now goes to the House.", outlet=left, hours=8, url="https://l.example/1"),
        _a("LIVE: Senate infrastructure vote", "Follow along.", outlet=left, hours=7, url="https://l.example/2"),
        _a("Republicans split as Senate passes infrastructure bill", "Nineteen Republicans joined Democrats "
           "to pass the bill.", outlet=right, hours=2, url="https://r.example/1"),
        _a("Infrastructure bill clears Senate", "Lawmakers cleared the bill.", source="Blog", hours=1,
           url="https://blog.example/1"),
    ]
    view = build_story_view(7, articles, NOW, since=NOW - timedelta(hours=5), max_links=4)
    assert view.story_id == 7
    assert not view.headline.startswith("LIVE")
    assert view.dateline == "WASHINGTON, JUL 31"
    assert (view.article_count, view.source_count) == (5, 4)
    coverage = view.coverage
    assert (coverage.left, coverage.center, coverage.right, coverage.unrated) == (1, 1, 1, 1)
    assert [name for name, _ in view.links[:3]] == ["Left Times", "Center Wire", "Right Post"]
    assert len(view.links) == 4 and len({url for _, url in view.links}) == 4
    assert view.first_seen == NOW - timedelta(hours=10) and view.last_updated == NOW - timedelta(hours=1)
    assert view.new_sources == 2
    assert 2 <= len(view.bullets) <= 4


def test_build_story_view_without_times_uses_now() -> None:
    view = build_story_view(1, [_a("Budget vote set for Friday night")], NOW)
    assert view.first_seen == view.last_updated == NOW
    assert view.dateline == "JUL 31" and view.new_sources == 0
    with pytest.raises(ValueError):
        build_story_view(1, [], NOW)
