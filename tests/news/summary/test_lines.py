from __future__ import annotations

import numpy as np

from news.summary import build_story_view, card_lines
from news.summary.lines import MAX_BULLET_LINES, MAX_LINE_CHARS, adds_little
from news.summary.phone import PHONE_LINE_CHARS, phone_lines
from news.types import StoryArticle
from tests.news.summary.helpers import NOW, article, quake_story


def _lines(articles: list[StoryArticle], headline: str = "Headline") -> tuple[str, tuple[str, ...]]:
    n = len(articles)
    lines = card_lines(articles, headline, np.ones(n, dtype=bool), np.ones(n), {})
    return lines.lede, lines.bullets


def test_lede_and_bullets_are_whole_sentences_from_different_outlets() -> None:
    lede, bullets = _lines(quake_story(), "Earthquake kills hundreds in Turkey")
    assert lede.endswith(".") and "ANKARA" not in lede and "Reuters" not in lede
    lines = [lede, *bullets]
    assert len({line.casefold() for line in lines}) == len(lines) >= 2
    assert not any("Continue reading" in line for line in lines)
    assert sum("7.8" in line for line in lines) <= 1  # the two Reuters leads say the same


def test_a_sentence_too_long_for_a_card_is_passed_over_not_cut() -> None:
    long = "The committee said " + "very " * 80 + "long things happened today. The vote is on Friday night."
    story = [article("Budget", long, source="A"), article("Budget talks go on at city hall", source="B")]
    lede, bullets = _lines(story)
    for line in (lede, *bullets):
        assert len(line) <= MAX_LINE_CHARS and not line.endswith("…")
    assert lede == "" and "The vote is on Friday night." in bullets  # a lede is a lead's first sentence


def test_a_lead_cut_mid_sentence_gives_no_lede() -> None:
    lede, _ = _lines([article("Senate passes bill", "The Senate passed the bill on Tuesday after a long...",
                              source="A")])
    assert lede == ""


def test_roe_v_wade_stays_in_one_line() -> None:
    lead = ("The Supreme Court on Friday overturned Roe v. Wade, ending the constitutional right to abortion. "
            "Justice Samuel Alito wrote that Roe was “egregiously wrong from the start.”")
    view = build_story_view(1, [article("Supreme Court overturns Roe", lead, source="A")], NOW)
    assert view.lede.startswith("The Supreme Court on Friday overturned Roe v. Wade, ending")
    assert not any(line.startswith("Wade") for line in (view.lede, *view.bullets))


def test_title_only_story_gives_bullets_and_no_lede() -> None:
    lede, bullets = _lines([article("Budget vote set for Friday night", source="A"),
                            article("Lawmakers schedule Friday vote on the city budget", source="B")])
    assert lede == "" and bullets


def test_no_line_repeats_the_headline(uci: dict[str, list[StoryArticle]]) -> None:
    for name in ("mh370", "office_ipad", "car_sales"):
        view = build_story_view(1, uci[name], NOW)
        lines = [view.lede, *view.bullets] if view.lede else list(view.bullets)
        assert lines, name
        for i, line in enumerate(lines):
            assert not adds_little(line, [view.headline, *lines[:i]]), (name, line)
            assert not line.endswith(("...", "…")), (name, line)


def test_stray_articles_give_no_line(uci: dict[str, list[StoryArticle]]) -> None:
    view = build_story_view(1, uci["office_ipad"] + uci["box_office"], NOW)
    for line in (view.headline, view.lede, *view.bullets):
        assert "box office" not in line.lower() and "Peabody" not in line


def test_adds_little() -> None:
    headline = "Microsoft may unveil Office for iPad on March 27"
    assert adds_little("Microsoft may unveil Office for iPad on March  ...", [headline])
    assert not adds_little("Satya Nadella is expected to show the apps at a San Francisco event", [headline])


def test_bullets_take_at_most_two_lines_on_a_phone_and_a_title_stands_in() -> None:
    long = ("Officials from both parties said on Tuesday that the budget agreement reached late on Monday night would "
            "keep the city's schools and transit running through the end of the next fiscal year.")
    story = [article("Council agrees city budget", "The council agreed the city budget on Monday. " + long, source="A"),
             article("Budget deal keeps schools open", long, source="B"),
             article("Transit saved in budget deal", "Short one here. " + long, source="C")]
    lede, bullets = _lines(story, "City council agrees a budget")
    assert lede.endswith(".")  # the lede may run longer: it tells the story
    assert bullets and all(phone_lines("• " + bullet) <= MAX_BULLET_LINES == 2 for bullet in bullets)
    assert long not in bullets  # passed over, not cut
    # an outlet whose lead has no sentence short enough gives its title instead
    assert {"Budget deal keeps schools open", "Transit saved in budget deal"} & set(bullets)
    assert phone_lines("x" * PHONE_LINE_CHARS) == 1 and phone_lines("x" * (PHONE_LINE_CHARS + 1)) == 2
    assert phone_lines("Left\xa012%\xa0· Center\xa059%") == 1 and phone_lines("🟦" * 18) == 1  # emoji: 2 wide
