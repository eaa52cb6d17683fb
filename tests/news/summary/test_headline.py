from __future__ import annotations

import pytest

from news.summary import choose_headline, clean_title
from news.types import Bias, Outlet, StoryArticle
from tests.news.summary.helpers import article

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
def test_avoids_clickbait_live_blogs_questions_and_capitals(bait: str) -> None:
    articles = [
        article(bait, source="A"),
        article(SOBER, source="B"),
        article("Federal Reserve lifts interest rates a quarter point as inflation persists", source="C"),
    ]
    assert choose_headline(articles).title != bait


def test_prefers_the_central_title_and_counts_outlets_once() -> None:
    articles = [
        article("Storm batters coast", "A storm hit the coast.", source="A"),
        article("Hurricane Ida makes landfall in Louisiana as category 4 storm", source="B"),
        article("Hurricane Ida slams Louisiana after landfall as powerful storm", source="C"),
        article("Ida makes landfall in Louisiana, knocking out power", source="D"),
        *[article(f"Celebrity chef opens restaurant number {n} in Paris today", source="E") for n in range(5)],
    ]
    assert "Louisiana" in choose_headline(articles).title


def test_prefers_a_rated_outlet_among_equals() -> None:
    rated = Outlet("Center Wire", ("center.example",), bias=Bias.CENTER, factuality="high")
    articles = [
        article("Senate passes the infrastructure bill", source="Blog"),
        article("Senate passes the infrastructure bill", outlet=rated),
        article("House to vote on the infrastructure bill next", source="Other"),
    ]
    assert choose_headline(articles).outlet is rated


def test_single_and_empty() -> None:
    only = article("Lone title about the budget vote")
    assert choose_headline([only]) is only
    with pytest.raises(ValueError):
        choose_headline([])


def test_mh370_is_headed_by_the_search_not_by_courtney_love(uci: dict[str, list[StoryArticle]]) -> None:
    story = uci["mh370"]  # 371 articles as the production clusterer grouped them; 100 are Courtney Love's take
    assert sum("Courtney Love" in a.title for a in story) >= 100
    title = choose_headline(story).title
    assert "Courtney" not in title
    assert any(word in title.lower() for word in ("plane", "jet", "flight", "mh370", "search"))


def test_a_few_stray_articles_do_not_head_the_story(uci: dict[str, list[StoryArticle]]) -> None:
    story = uci["office_ipad"] + uci["box_office"]
    title = choose_headline(story).title
    assert "Office" in title and "iPad".casefold() in title.casefold()


def test_wire_slugs_never_reach_the_card(uci: dict[str, list[StoryArticle]]) -> None:
    story = uci["car_sales"]
    assert any(a.title.startswith("REFILE-UPDATE 1-") for a in story)
    chosen = choose_headline(story)
    assert "car sales" in clean_title(chosen.title).lower()
    assert not clean_title(chosen.title).startswith(("REFILE", "UPDATE", "REPEAT", "Amended"))


def _rated(name: str, bias: Bias) -> Outlet:
    return Outlet(name, (f"{name.lower()}.example",), bias=bias)


def test_a_sides_loaded_words_do_not_head_the_story() -> None:
    """The left's six outlets all say "extreme", the right's four "heartbeat": the most central title is the
    left's framing, and a title the sides share heads the story instead (issue 22)."""
    left = [article(f"Texas governor signs extreme six-week abortion ban into law {tail}",
                    "Critics decry the extreme Texas abortion ban signed by the governor.",
                    outlet=_rated(f"Left{n}", Bias.LEFT))
            for n, tail in enumerate(("", "today", "amid outcry", "as critics rage", "on Wednesday", "in Austin"))]
    right = [article(f"Texas governor signs heartbeat abortion bill into law {tail}",
                     "Advocates cheer the heartbeat bill the Texas governor signed.",
                     outlet=_rated(f"Right{n}", Bias.RIGHT))
             for n, tail in enumerate(("", "today", "to cheers", "in Austin"))]
    center = article("Texas governor signs law banning abortion after six weeks",
                     "The Texas governor signed the abortion bill into law.", outlet=_rated("Middle", Bias.CENTER))
    chosen = choose_headline([*left, *right, center]).title.lower()
    assert "extreme" not in chosen and "heartbeat" not in chosen


def test_without_sides_the_choice_is_unchanged_by_the_neutrality_rules() -> None:
    """Unrated outlets have no side whose words could be loaded: the most central title still wins."""
    articles = [article(f"Texas governor signs extreme abortion ban {tail}", "The extreme ban was signed.",
                        source=f"Blog{n}") for n, tail in enumerate(("", "today", "amid outcry"))]
    articles.append(article("Texas governor signs law banning abortion", "Signed.", source="Other"))
    assert "extreme" in choose_headline(articles).title
