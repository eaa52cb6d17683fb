from __future__ import annotations

import pytest

from news.topics import MAX_TOPIC_LENGTH, SECTIONS, compile_topic, normalize_topic


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
        ("technology", "Nvidia unveils a new chip", (), True),
        ("tech", "Nvidia unveils a new chip", (), True),  # alias
        ("technology", "Local bakery wins award", ("Tech",), True),  # feed category
        ("technology", "Local bakery wins award", ("Food",), False),
        ("business", "Federal Reserve raises interest rates", (), True),
        ("business", "Quiet day", ("Markets",), True),
        ("sports", "Champions League final set", (), True),
        ("health", "The man who sold the world", (), False),  # "who" is not the WHO
        ("science", "NASA launches a telescope", (), True),
        ("world", "NATO summit opens", (), True),
        ("entertainment", "Box office slumps", (), True),
        ("climate", "Unrelated", ("Climate",), True),  # plain topics also match categories
    ],
)
def test_sections_and_categories(topic: str, text: str, categories: tuple[str, ...], expected: bool) -> None:
    matcher = compile_topic(topic)
    assert matcher.matches(text, categories) is expected


def test_sections_are_complete() -> None:
    expected = {"world", "business", "technology", "science", "health", "sports", "entertainment"}
    assert set(SECTIONS) == expected
    assert all(len(words) >= 30 for words in SECTIONS.values())
    assert compile_topic(" Technology ").section == "technology"
    assert compile_topic("rust").section is None
