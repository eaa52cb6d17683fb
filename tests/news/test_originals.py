"""news.originals and news.first_report: which articles of a story repost another's text, and who broke it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.coverage import outlet_key, source_lines
from news.first_report import first_report
from news.normalize import normalize_feed
from news.originals import MAX_ARTICLES, find_reposts, is_copy, same_headline, wire_credit
from news.types import Bias, Outlet, StoryArticle

T0 = datetime(2026, 7, 31, 12, 0, tzinfo=UTC)
LEAD = ("WASHINGTON (AP) — The Senate passed a bill on Tuesday that would fund the government through December, "
        "sending it to the House days before a shutdown deadline, after senators from both parties agreed on aid. "
        "The House is expected to vote on Wednesday, and the president has said he will sign it.")
REUTERS = Outlet("Reuters", ("reuters.com",), bias=Bias.CENTER)
AP = Outlet("Associated Press", ("apnews.com",), bias=Bias.LEAN_LEFT)
FOX = Outlet("Fox News", ("foxnews.com",), bias=Bias.RIGHT)


def art(source: str, title: str, summary: str = "", minutes: int | None = 0, outlet: Outlet | None = None,
        url: str = "") -> StoryArticle:
    return StoryArticle(title=title, url=url or f"https://{source.replace(' ', '').lower()}.example/{minutes}",
                        summary=summary, source_name=source, outlet=outlet,
                        published=None if minutes is None else T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(("summary", "wire"), [
    (LEAD, "associated press"),
    ("NEW YORK (Reuters) - Stocks fell on Monday.", "reuters"),
    ("(AFP) – Paris was quiet.", "afp"),
    ("Stocks fell on Monday after a weak jobs report. — Reuters", "reuters"),
    ("Stocks fell, the Associated Press reported on Monday.", ""),  # quoting the wire is not reprinting it
    ("Reuters said (Reuters) that nothing happened here at all over many more words than a dateline has " * 3, ""),
    ("", ""),
])
def test_wire_credit_reads_datelines_and_end_credits_only(summary: str, wire: str) -> None:
    assert wire_credit(summary) == wire


@pytest.mark.parametrize(("byline", "wire"), [
    ("The Associated Press", "associated press"),
    ("By JOHN SMITH, Associated Press Writer", "associated press"),
    ("Reuters Staff", "reuters"),
    ("news@example.com (Reuters)", "reuters"),
    ("Jane Doe", ""),
    ("Kevin Reuters-Smith", ""),  # a name, not the wire
    ("Mapping the AP style guide", ""),
    ("x" * 10_000, ""),
])
def test_a_byline_naming_a_wire_credits_it(byline: str, wire: str) -> None:
    assert wire_credit("Senators voted on Tuesday.", byline) == wire


def test_a_byline_credit_groups_the_copy_under_the_wire() -> None:
    articles = [art("AP", "Senate acts", "Senators acted.", 0, AP),
                StoryArticle("Shutdown averted for now", "https://paper.example/1", "Congress beat the deadline.",
                             "Paper", published=T0 + timedelta(minutes=30), byline="Associated Press"),
                StoryArticle("Our own story", "https://other.example/1", "Our reporter watched the vote.",
                             "Other", published=T0 + timedelta(minutes=40), byline="Jane Doe")]
    reposts = find_reposts(articles, outlet_key)
    assert reposts.original_of == (None, 0, None) and reposts.copied == (False, True, False)


def test_near_copies_of_title_and_lead_are_copies_and_rewrites_are_not() -> None:
    wire = art("AP", "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline", LEAD)
    trimmed = art("Local", "Senate OKs funding bill", LEAD.rsplit(" ", 4)[0] + ". Check back for updates.")
    rewrite = art("Other", "Senate votes to avert shutdown",
                  "Senators from both parties agreed on Tuesday to fund the government until December, and the "
                  "bill now goes to the House, days before the shutdown deadline would have hit.")
    assert is_copy(wire, trimmed) and is_copy(trimmed, wire)
    assert not is_copy(wire, rewrite)



def test_two_outlets_quoting_one_statement_are_not_copies() -> None:
    quote = ("We will not let the government shut down while families are waiting for help, and we will stay here "
             "until it is done")
    one = art("One", "Senate leader vows to stay until funding deal is done", f'"{quote}," the leader said.')
    two = art("Two", "Shutdown looms as talks drag on", f'In a statement the leader said: "{quote}." Critics said '
              "the promise came too late for federal workers already sent home.")
    assert not is_copy(one, two)


@pytest.mark.parametrize(("a", "b", "copy"), [
    ("Senate passes stopgap bill sending it to the House ahead of deadline",
     "Senate passes stopgap bill, sending it to the House ahead of deadline", True),
    ("Senate passes stopgap bill sending it to the House ahead of deadline - WNCN: News, Weather  ...",
     "Senate passes stopgap bill sending it to the House ahead of deadline", True),
    ("Senate passes stopgap bill sending it to the House ah  ...",
     "Senate passes stopgap bill sending it to the House ahead of deadline", True),
    ("Tyler the Creator arrested for allegedly inciting riot",  # whole, not cut: the other outlet's own words
     "Tyler the Creator arrested for allegedly inciting riot at SXSW", False),
    ("Stocks rally on jobs data", "Stocks rally on jobs data", False),  # short and formulaic: anyone writes it
    ("", "", False),
])
def test_headlines_alone_are_a_copy_only_when_long_and_the_same(a: str, b: str, copy: bool) -> None:
    assert is_copy(art("A", a), art("B", b)) is copy


def test_reposts_point_at_the_earliest_original_and_one_outlet_never_reposts_itself() -> None:
    title = "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline"
    articles = [
        art("Paper Two", title, LEAD, 30),
        art("AP", title, LEAD, 5, AP),
        art("Paper One", title, LEAD, 20),
        art("AP", title + " (update)", LEAD, 40, AP),  # the wire's own update: its outlet, not a repost
    ]
    reposts = find_reposts(articles, outlet_key)
    assert reposts.original_of == (1, None, 1, None)
    assert reposts.copied == (True, False, True, False)


def test_a_group_with_the_wire_in_it_is_the_wires_even_when_a_reprint_came_first() -> None:
    title = "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline"
    articles = [art("Paper", title, LEAD, 0), art("AP", title, LEAD, 10, AP), art("Paper Two", title, LEAD, 20)]
    reposts = find_reposts(articles, outlet_key)
    assert reposts.original_of == (1, None, 1)


def test_a_wire_credit_makes_a_repost_of_the_wires_article_or_of_the_first_credit() -> None:
    with_wire = [art("AP", "Senate acts", "Senators acted.", 0, AP),
                 art("Paper", "Shutdown averted for now", LEAD, 10)]
    assert find_reposts(with_wire, outlet_key).original_of == (None, 0)
    without = [art("Paper", "Shutdown averted for now", LEAD, 0), art("Other", "Congress beats deadline", LEAD, 5),
               art("Own", "Our reporter in the Senate", "Our reporter watched the vote.", 1)]
    reposts = find_reposts(without, outlet_key)
    assert reposts.copied == (True, True, False) and reposts.original_of == (None, 0, None)
    assert reposts.wire == ("AP", "AP", "")


def test_sources_page_groups_reposts_under_their_original() -> None:
    title = "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline"
    articles = [art("Reuters", "Senate clears funding bill", "(Reuters) - The Senate cleared a bill.", 0, REUTERS),
                art("AP", title, LEAD, 5, AP), art("Zeta Paper", title, LEAD, 20), art("Alpha Paper", title, LEAD, 30),
                art("Fox News", "Shutdown off as Senate votes", "The Senate voted.", 60, FOX)]
    lines = source_lines(articles)
    assert [(line.outlet, line.repost_of, line.reposted_by) for line in lines] == [
        ("Associated Press", "", 2), ("Alpha Paper", "Associated Press", 0), ("Zeta Paper", "Associated Press", 0),
        ("Reuters", "", 0), ("Fox News", "", 0)]


def test_first_report_is_the_first_original_and_each_side_joins_after_it() -> None:
    title = "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline"
    articles = [art("Paper", "Shutdown averted", LEAD, -30),  # a reprint crediting AP, earlier than anyone: no scoop
                art("Reuters", "Senate clears funding bill", "(Reuters) - The Senate cleared a bill.", 0, REUTERS),
                art("AP", title, LEAD, 12, AP), art("Undated", "Senate acts", "", None),
                art("Fox News", "Shutdown off as Senate votes", "The Senate voted.", 6 * 60 + 5, FOX)]
    report = first_report(articles)
    assert report is not None
    assert (report.outlet, report.at, report.side) == ("Reuters", T0, "center")
    assert dict(report.joined) == {"left": timedelta(minutes=12), "center": timedelta(0),
                                   "right": timedelta(hours=6, minutes=5)}
    assert first_report([art("Undated", "Senate acts", "", None)]) is None
    lone = first_report([art("Blog", "Senate acts", "", 0)])
    assert lone is not None and dict(lone.joined) == {"left": None, "center": None, "right": None}


def test_hostile_text_is_bounded() -> None:
    huge = "word " * 200_000
    articles = [art(f"Outlet {i}", huge[: 1000 + i], huge, i) for i in range(50)]
    assert len(find_reposts(articles, outlet_key).copied) == 50
    weird = [art("A", "\u202e\u0000 ́ ", "(AP) — ", 0), art("B", "…" * 50, "(ap)-", 1), art("C", "", "", None)]
    assert find_reposts(weird, outlet_key).original_of == (None, None, None)
    assert same_headline((), ()) is False


def test_a_story_past_the_limit_counts_the_rest_as_original() -> None:
    title = "Senate passes stopgap bill, sending it to the House ahead of shutdown deadline"
    lead = LEAD.removeprefix("WASHINGTON (AP) — ")  # no credit: only the text says they are copies
    articles = [art(f"Paper {i}", title, lead, i) for i in range(MAX_ARTICLES + 5)]
    copied = find_reposts(articles, outlet_key).copied
    assert sum(copied) == MAX_ARTICLES - 1 and not any(copied[MAX_ARTICLES:])


def test_a_feeds_author_becomes_the_articles_byline_bounded_and_plain() -> None:
    body = (b'<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            b"<title>Paper</title>"
            b"<item><title>One</title><link>https://paper.example/1</link>"
            b"<dc:creator>&lt;b&gt;Jane Doe, Associated Press&lt;/b&gt;</dc:creator></item>"
            b"<item><title>Two</title><link>https://paper.example/2</link><author>" + b"x" * 5000 + b"</author></item>"
            b"<item><title>Three</title><link>https://paper.example/3</link></item></channel></rss>")
    articles = normalize_feed(body, "application/rss+xml", T0).articles
    assert [a.byline for a in articles][::2] == ["Jane Doe, Associated Press", ""]
    assert 0 < len(articles[1].byline) <= 200
