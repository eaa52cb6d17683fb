"""Spelling tolerance (news.spelling) and the words a place's topic matches (news.demonyms through word_forms)."""

from __future__ import annotations

import pytest

from news.spelling import Vocabulary, edit_distance
from news.topics import StoryText, compile_topic, story_matches
from news.words import word_forms

HEADLINES = ["Zelensky meets European leaders", "Zelensky visits the front", "Kavanaugh hearing resumes",
             "Trump rally in Ohio", "Selensky wins chess title", "Mars rover finds a lake"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("zelenksy", "zelensky"),  # two neighbours swapped: one edit
    ("zelenskyy", "zelensky"),  # a letter too many
    ("kavanagh", "kavanaugh"),  # a letter missing, at 8 letters
    ("trmp", "trump"),
])
def test_a_misspelt_word_is_read_as_the_nearest_commonest_headline_word(typed: str, meant: str) -> None:
    words = Vocabulary()
    words.add(HEADLINES)
    assert words.correct(typed) == meant


@pytest.mark.parametrize("typed", ["zelensky", "mar", "xyzzyq", "rovers1", "ohiox" * 20])
def test_known_short_or_far_words_are_left_alone(typed: str) -> None:
    words = Vocabulary()
    words.add(HEADLINES)
    assert words.correct(typed) is None


def test_edit_distance_stops_at_its_limit() -> None:
    assert edit_distance("ab", "ba", 2) == 1
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # limit + 1 as soon as it must exceed the limit


def test_a_place_matches_its_people_word_but_not_the_other_way_round() -> None:
    assert {"malaysian", "malaysians"} <= word_forms("malaysia")
    assert "chinese" in word_forms("china") and "ukrainian" in word_forms("ukraine")
    assert "median" not in word_forms("media")  # no "-ia" + "n" rule
    assert "germany" not in word_forms("german")
    story = StoryText.of("Malaysian jet search widens", [], ["Malaysian jet search widens"])
    assert story_matches(compile_topic("malaysia"), story)
    assert not story_matches(compile_topic("media"), StoryText.of("Median income rises", [], ["Median income rises"]))
