from __future__ import annotations

import pytest

from news.summary.titles import casing_of, clean_title, is_truncated, tone


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("REFILE-UPDATE 1-European car sales up for sixth month as economies recover", "Reuters",
         "European car sales up for sixth month as economies recover"),
        ("UPDATE 3-GM recalls 1.5 mln more vehicles", "", "GM recalls 1.5 mln more vehicles"),
        ("EXCLUSIVE-Apple in talks to buy a chip designer", "", "Apple in talks to buy a chip designer"),
        ("CORRECTED-Fed holds rates steady in March", "", "Fed holds rates steady in March"),
        ("GLOBAL MARKETS-World stocks dip after weak China data", "", "World stocks dip after weak China data"),
        ("REPEAT: Europe New Car Sales Rise For Sixth Month", "", "Europe New Car Sales Rise For Sixth Month"),
        ("UPDATE: European car sales grow", "", "European car sales grow"),
        ("US-China talks resume in Beijing", "", "US-China talks resume in Beijing"),
        ("NATO-Russia council meets again", "", "NATO-Russia council meets again"),
        ("COVID-19 cases rise again", "", "COVID-19 cases rise again"),
        ("US COVID-19 deaths exceed 250,000", "", "US COVID-19 deaths exceed 250,000"),
        ("Fed raises rates - Reuters", "", "Fed raises rates"),
        ("Biden signs the bill | Fox News", "", "Biden signs the bill"),
        ("Fed raises rates - the guardian", "The Guardian", "Fed raises rates"),
        ("Fed raises rates - again and again", "", "Fed raises rates - again and again"),
        ("Plane search expands from Australia to Kazakhstan - WSMV Channel 4", "",
         "Plane search expands from Australia to Kazakhstan"),
        ("European Car Sales Jump 7.6% as Price Cuts Help Renault, VW (3)", "",
         "European Car Sales Jump 7.6% as Price Cuts Help Renault, VW"),
        ("Thailand gives radar data 10 days after plane lost 03/18/14", "",
         "Thailand gives radar data 10 days after plane lost"),
        ("Search for missing Malaysian plane widens  ...", "", "Search for missing Malaysian plane widens…"),
        ("  Fed   raises rates ", "", "Fed raises rates"),
    ],
)
def test_clean_title(title: str, source: str, expected: str) -> None:
    assert clean_title(title, source) == expected


def test_capitals_take_the_story_s_own_spelling() -> None:
    casing = casing_of(["NASA and the Fed meet", "Missing MH370 plane: search widens"])
    assert clean_title("FED RAISES INTEREST RATES TO FIGHT INFLATION AT NASA", "", casing) == (
        "Fed Raises Interest Rates to Fight Inflation at NASA"
    )
    assert clean_title("MISSING MH370: Kazakhstan joins search", "", casing) == "Missing MH370: Kazakhstan joins search"
    assert casing_of(["ALL OF THIS IS SHOUTED TEXT"]) == {}


def test_truncation() -> None:
    assert is_truncated("Search widens for  ...") and is_truncated("Search widens…")
    assert not is_truncated("Search widens for jet")


@pytest.mark.parametrize(
    "worse",
    [
        "Did Courtney Love Find Missing Malaysian Airlines Flight MH370?",
        "Courtney Love: I have found missing Malaysia Airlines plane",
        "Courtney Love thinks she found missing Malaysia Airlines flight",
        "Relax everyone, Courtney Love has found Malaysia Airlines Flight 370",
        "LIVE: search for missing Malaysia Airlines plane",
        "Search for missing Malaysia Airlines plane widens to  ...",
        "SEARCH FOR MISSING MALAYSIA AIRLINES PLANE WIDENS",
    ],
)
def test_tone_prefers_plain_declarative_headlines(worse: str) -> None:
    assert tone(worse) < tone("Search for missing Malaysia Airlines plane widens to Kazakhstan")
