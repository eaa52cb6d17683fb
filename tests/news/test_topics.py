from __future__ import annotations

import pytest

from news.topics import MAX_TOPIC_LENGTH, SECTIONS, StoryText, compile_topic, normalize_topic, story_matches


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Climate   Change ", "climate change"), ("C++", "c++"), ("AI\tSafety\n", "ai safety")],
)
def test_normalize_topic(raw: str, expected: str) -> None:
    assert normalize_topic(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "x" * (MAX_TOPIC_LENGTH + 1), "+++"])
def test_normalize_topic_rejects_with_message(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        normalize_topic(raw)


@pytest.mark.parametrize(
    ("topic", "text", "expected"),
    [
        ("art", "The art of war", True),
        ("art", "Modern ARTS funding cut", True),
        ("art", "Markets start the week higher", False),  # word-bounded
        ("art", "An artist's life", False),
        ("election", "Elections in France", True),  # plural
        ("elections", "A snap election is called", True),  # singular of a plural topic
        ("election", "She was elected mayor", False),  # conservative: no derivational stemming
        ("vote", "Voting begins today", True),
        ("vote", "Senate voted 51-49", True),
        ("party", "Parties agree a deal", True),
        ("news", "A new law", False),  # "news" is not a plural
        ("climate change", "Climate-change talks stall", True),  # phrase, hyphen or space
        ("climate change", "Climate  change", True),
        ("climate change", "Change in climate", False),
        ("c++", "Why C++ still matters", True),  # regex metacharacters are literal
        ("c++", "c c c", False),
        ("c++", "Written in C+", False),
        ("s&p 500", "The S&P 500 closed lower", True),
        ("u.s.", "U.S. jobs report", True),
        ("u.s.", "bus stop", False),
        ("(a|b)", "a or b", False),
        ("covid-19", "New Covid-19 wave", True),
    ],
)
def test_topic_matching(topic: str, text: str, expected: bool) -> None:
    assert compile_topic(topic).matches(text) is expected


@pytest.mark.parametrize(
    ("topic", "text", "categories", "expected"),
    [
        ("technology", "Local bakery wins award", ("Tech",), True),  # a category naming the section
        ("tech", "Local bakery wins award", ("Technology",), True),  # alias
        ("technology", "Nvidia unveils a new chip", (), False),  # words alone never make a section
        ("technology", "Local bakery wins award", ("Food",), False),
        ("business", "Quiet day", ("Markets",), True),
        ("climate", "Unrelated", ("Climate",), True),  # plain topics also match categories
    ],
)
def test_sections_and_categories(topic: str, text: str, categories: tuple[str, ...], expected: bool) -> None:
    assert compile_topic(topic).matches(text, categories) is expected


def test_sections_are_complete() -> None:
    assert set(SECTIONS) == {"world", "business", "technology", "science", "health", "sports", "entertainment"}
    assert compile_topic(" Technology ").section == "technology"
    assert compile_topic("markets").section == "business"
    assert compile_topic("rust").section is None


# UCI dev week, 18 March 2014: the production clusterer's story of 36 articles, one of them about recalls.
CAR_SALES = [
    "EU car sales up 8% in February", "European Car Sales Continue To Grow",
    "EU new car registrations up 6.6 percent in Jan-Feb", "European Car Sales Jump 7.6% as Price Cuts Help Renault, VW",
    "European car sales grow for 6th month but still weakened by financial crisis",
    "Manufacturers Have Recalled Almost 4 Million Cars in the Past Month!",
    "European car sales grow for sixth consecutive month", "Europe New Car Sales Rise For Sixth Month: ACEA",
    "Car sales rebound as Europe recovers", "European car sales up for sixth straight month",
    "Europe: New car sales jump 8 pct in February", "Auto Makers Post February EU Gains",
    "Car sales rise again as European economies recover", "EU Car Registrations Up But Crisis Not Over",
]
GM_RECALL = [
    "GM recalls 1.18 million SUVs for air bag problem", "US automaker GM pulls 1.1m SUVs for airbag defects",
    "New GM recall for 1.18M SUVs", "GM recalls 1.18 million SUVs over airbag issue",
    "GM Recalls 1.2 Million SUVs For Problem With Air Bags",
]


def test_a_stray_mention_does_not_match_a_story() -> None:
    sales = StoryText.of("European car sales up for sixth month as economies recover", (), CAR_SALES)
    assert not story_matches(compile_topic("recall"), sales)
    assert story_matches(compile_topic("car sales"), sales)
    recalls = StoryText.of(GM_RECALL[0], (), GM_RECALL)
    assert story_matches(compile_topic("recall"), recalls)
    assert story_matches(compile_topic("air bag"), recalls)


def test_headline_bullets_or_a_third_of_articles() -> None:
    texts = ["Stocks rise", "Stocks fall", "Oil and stocks"]
    assert story_matches(compile_topic("oil"), StoryText.of("Markets", (), texts))  # 1 of 3 articles
    texts += ["Stocks flat"]
    assert not story_matches(compile_topic("oil"), StoryText.of("Markets", (), texts))  # 1 of 4
    assert story_matches(compile_topic("oil"), StoryText.of("Markets", ("Oil prices slip",), texts))  # a bullet
    assert story_matches(compile_topic("c++"), StoryText.of("Why C++ still matters", (), ["x"]))
    assert not story_matches(compile_topic("c++"), StoryText.of("c c c", (), ["c c"]))


def test_section_topics_follow_the_classifier() -> None:
    text = StoryText.of("Markets rally as the Federal Reserve holds rates", (), ["Stocks up"], sections=("world",))
    assert not story_matches(compile_topic("business"), text)
    assert story_matches(compile_topic("world"), text)
    assert story_matches(compile_topic("international"), text)
