from __future__ import annotations

import pytest

from news.summary.sentences import lead_sentences, split_dateline, split_sentences

# " | " where a sentence ends; a few of bench/sentence_split.py's cases
TRICKY = [
    "The Supreme Court overturned Roe v. Wade on Friday. | Justice Alito called Roe “egregiously wrong.”",
    "Justice Samuel Alito wrote that Roe v. Wade was “egregiously wrong,” and the court agreed.",
    "Sen. Elizabeth Warren, D-Mass., said Tuesday she would vote no. | Rep. Kevin McCarthy disagreed.",
    "The riot at the Capitol on Jan. 6 was investigated by the House. | Hearings begin in Sept. next year.",
    "Mr. Peabody & Sherman led the U.S. box office with $21.2 million. | Need for Speed was second.",
    "Former President George W. Bush spoke in Dallas. | Author J.K. Rowling responded.",
    "The company has 2,000 workers in the U.S. | The plant will close in June.",
    "The meeting starts at 9 a.m. Eastern time. | Reporters were told to arrive early.",
    "The team is ranked No. 1 in the nation. | It has won 12 straight games.",
    "He said the deal was “dead.” | Others disagreed.",
    "“Are we there yet?” he asked. | Nobody answered.",
    "Police arrested him in Portland, Ore. | He was held without bail.",
]


@pytest.mark.parametrize("case", TRICKY)
def test_split_sentences_knows_abbreviations(case: str) -> None:
    assert split_sentences(case.replace(" | ", " ")) == case.split(" | ")


def test_a_last_sentence_cut_by_the_feed_is_dropped() -> None:
    assert split_sentences("The vote passed. The bill now goes to the Sen...") == ["The vote passed."]


def test_lead_sentences_drop_boilerplate_datelines_and_agencies() -> None:
    lead = "Barr faces angry senators. WASHINGTON (Reuters) - Barr testified today. Continue reading..."
    assert lead_sentences(lead) == ["Barr faces angry senators.", "Barr testified today."]
    assert lead_sentences("(Reuters) - Stocks fell on Monday.") == ["Stocks fell on Monday."]


@pytest.mark.parametrize("note", [
    "Check back for updates.", "Please check back later for updates.", "Stay tuned for more details.",
    "This is a developing story.", "This story is developing and will be updated.", "More to come.",
    "This story has been updated with comment from the mayor.",
])
def test_a_newsrooms_note_that_the_story_will_change_is_no_sentence_of_it(note: str) -> None:
    lead = f"A storm surge flooded coastal towns. Rescuers pulled families from rooftops. {note}"
    assert lead_sentences(lead) == ["A storm surge flooded coastal towns.", "Rescuers pulled families from rooftops."]


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("HOUSTON (Reuters) - Oil prices rose.", "HOUSTON"),
        ("WASHINGTON, July 31 (AP) — The Senate voted.", "WASHINGTON"),
        ("KYIV, Ukraine (AP) — Drones struck.", "KYIV"),
        ("UPDATE - Stocks fell.", None),
        ("Stocks fell on Monday - a lot.", None),
    ],
)
def test_split_dateline(sentence: str, place: str | None) -> None:
    assert split_dateline(sentence)[0] == place
