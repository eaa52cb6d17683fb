"""news.sides: each side's representative headlines and distinctive words (weighted log-odds, Monroe et al.)."""

from __future__ import annotations

import random

from news.logodds import MIN_GROUP_OUTLETS, distinctive_terms
from news.sides import HEADLINES, Evidence, side_parts, sides_from_lines
from news.types import Bias, Outlet, SourceLine, StoryArticle


def article(name: str, bias: str | None, title: str, summary: str = "", n: int = 0) -> StoryArticle:
    domain = name.lower().replace(" ", "") + ".example"
    return StoryArticle(title=title, url=f"https://{domain}/{n}", summary=summary, source_name=name,
                        outlet=Outlet(name, (domain,), bias=Bias(bias) if bias else None))


TEXAS = [
    article("Guardian", "left", "Texas governor signs extreme six-week abortion ban into law",
            "Abortion rights advocates decry the extreme ban on reproductive rights."),
    article("HuffPost", "left", "Texas enacts extreme abortion ban, reproductive rights groups sue",
            "Reproductive rights groups vow to fight the extreme law."),
    article("MSNBC", "lean_left", "Abbott signs extreme abortion ban attacking reproductive rights",
            "The extreme law guts reproductive rights in Texas."),
    article("Fox News", "right", "Texas governor signs heartbeat bill protecting unborn - Fox News",
            "Pro-life groups celebrate the heartbeat bill protecting the unborn."),
    article("Breitbart", "right", "Abbott signs heartbeat bill into law in Texas",
            "The heartbeat bill protects unborn babies, advocates say."),
    article("Daily Wire", "lean_right", "Heartbeat bill signed in Texas, protecting the unborn",
            "Unborn children protected under heartbeat law."),
    article("Reuters", "center", "Texas governor signs law banning abortions after six weeks",
            "Texas Governor Greg Abbott signed a bill banning abortion after six weeks."),
    article("Local Wire", None, "Texas governor signs abortion bill", "Greg Abbott signed the bill."),
]


def test_each_side_gets_the_words_it_uses_and_the_other_does_not() -> None:
    parts = side_parts(TEXAS)
    assert [p.side for p in parts] == ["left", "center", "right", None]
    left, center, right, unrated = parts
    assert left.evidence is Evidence.SHOWN and "extreme" in left.terms
    assert right.evidence is Evidence.SHOWN and "heartbeat" in right.terms
    assert not set(left.terms) & set(right.terms) and "texas" not in left.terms + right.terms  # shared: not distinct
    assert center.evidence is Evidence.TOO_FEW and center.terms == ()  # one outlet: no telling
    assert unrated.terms == () and [o.outlet for o in unrated.outlets] == ["Local Wire"]


def test_headlines_are_one_per_outlet_cleaned_and_central_first() -> None:
    stray = article("Guardian", "left", "Opinion: what my garden taught me about patience",
                    "Tomatoes, slugs and a summer of waiting.", n=1)
    extra = article("Guardian", "left", "Texas abortion ban: extreme law signed by governor", "", n=2)
    left = side_parts([*TEXAS, stray, extra])[0]
    names = [o.outlet for o in left.outlets]
    assert len(names) == len(set(names)) == 3 and len(left.headlines) <= HEADLINES
    guardian = next(o for o in left.outlets if o.outlet == "Guardian")
    assert "garden" not in guardian.title  # the outlet's most representative article speaks for it
    right = side_parts(TEXAS)[2]
    assert all(not o.title.endswith("Fox News") for o in right.outlets)  # the site's name is cleaned off


def test_an_outlet_rated_on_one_article_only_is_on_its_side_not_also_unrated() -> None:
    unrated_copy = StoryArticle(title="Texas abortion law signed", url="https://guardian.example/9",
                                source_name="Guardian")
    parts = side_parts([*TEXAS, unrated_copy])
    assert [o.outlet for o in parts[3].outlets] == ["Local Wire"] and len(parts[0].outlets) == 3


def test_a_side_with_no_outlet_is_an_empty_part_and_no_unrated_part_without_unrated() -> None:
    parts = side_parts([a for a in TEXAS if a.outlet and a.outlet.bias and a.outlet.bias.side != "right"])
    assert [p.side for p in parts] == ["left", "center", "right"]
    assert parts[2].outlets == () and parts[2].evidence is Evidence.TOO_FEW
    assert side_parts([]) == []


def test_one_outlets_many_articles_do_not_make_its_sides_words() -> None:
    spam = [article("Loud Left", "left", f"Texas outrage {n}: draconian zealots strike", "Draconian zealots.", n=n)
            for n in range(12)]
    quiet = [article(f"Left {n}", "left", "Texas governor signs abortion bill", "Abbott signed it.") for n in range(3)]
    others = [article(f"Right {n}", "right", "Texas governor signs abortion bill", "Abbott signed it.")
              for n in range(4)]
    left = side_parts([*spam, *quiet, *others])[0]
    assert "draconian" not in left.terms and "zealots" not in left.terms


def test_words_shared_by_chance_are_rarely_called_distinctive() -> None:
    """Outlets drawing their words from one vocabulary: a side's words differ from the rest's only by chance,
    and the test's threshold must say so in most stories."""
    rng = random.Random(7)
    for words, per_outlet, outlets in ((40, 12, 8), (200, 30, 20)):
        vocabulary = [f"w{i}" for i in range(words)]
        trials, flagged = 200, 0
        for _ in range(trials):
            counts = [dict.fromkeys(rng.choices(vocabulary, k=per_outlet), 1.0) for _ in range(outlets)]
            flagged += bool(distinctive_terms(counts[: outlets // 2], counts[outlets // 2 :]))
        assert flagged / trials < 0.1, (words, outlets)


def test_too_few_outlets_on_either_side_of_the_comparison_show_nothing() -> None:
    word = {"extreme": 3.0}
    assert distinctive_terms([word] * (MIN_GROUP_OUTLETS - 1), [{"other": 1.0}] * 5) == []
    assert distinctive_terms([word] * 5, [{"other": 1.0}] * (MIN_GROUP_OUTLETS - 1)) == []
    assert [w for w, _z in distinctive_terms([word] * 4, [{"other": 1.0}] * 4)] == ["extreme"]


def test_an_archived_storys_sides_come_from_its_kept_lines() -> None:
    lines = [SourceLine("Guardian", "Ban signed", "https://g.example/1", "left"),
             SourceLine("Wire", "Bill signed", "https://w.example/1", None)]
    parts = sides_from_lines(lines)
    assert [p.side for p in parts] == ["left", "center", "right", None]
    assert parts[0].headlines[0].title == "Ban signed" and parts[1].outlets == ()
    assert all(p.evidence is Evidence.NOT_KEPT and p.terms == () for p in parts)
