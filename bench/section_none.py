"""Political news as "no section" for the section seed (bench/train_sections.py).

US politics is no section, yet one-article political items drifted into business and entertainment: the UCI
training headlines hold no politics at all, so nothing taught the seed that "senate", "impeachment" or "campaign"
are nobody's words. AllSides dev (../shared/bench/allsides-dev.jsonl) is political news by construction, so its
items are negatives, by title only (UCI rows are titles only: rows with leads would teach "a long text is no
section"; measured on the UCI dev week, recall 0.926 with leads against 0.928 without).

Only for business, technology, health and entertainment, the sections UCI labels, and not for a section one of
whose plain words (NOT_NONE: "stocks", "facebook", "covid", "hollywood") the title holds: politics about the
economy or the pandemic may well be business or health, so such an item teaches that section nothing either way.
World, science and sports learn nothing from it (foreign policy is political and world news at once).

The AllSides check (bench/data/allsides-sections.jsonl, 190 hand-labelled AllSides dev items) must stay unseen:
every item of a story that holds a checked item is left out, not only the checked item itself.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from news.sections.labels import SECTION_NAMES
from news.words import tokens

REPO = Path(__file__).resolve().parent.parent
CHECK = REPO / "bench" / "data" / "allsides-sections.jsonl"

# Words that make a political item possibly that section: it then teaches that section nothing either way.
NOT_NONE: dict[str, frozenset[str]] = {
    "business": frozenset({
        "economy", "economic", "economists", "inflation", "stocks", "stock", "wall street", "dow", "nasdaq",
        "jobs report", "unemployment", "jobless", "tax", "taxes", "tariff", "tariffs", "trade", "stimulus",
        "budget", "debt", "deficit", "federal reserve", "fed", "interest rates", "recession", "gdp", "wages",
        "minimum wage", "bank", "banks", "banking", "company", "companies", "ceo", "merger", "oil", "gas",
        "prices", "market", "markets", "billion", "trillion", "amazon", "boeing", "shipping", "supply chain",
        "retail", "housing", "mortgage", "layoffs", "workers", "corporate", "antitrust", "irs",
        "social security", "pension", "crypto", "bitcoin", "investors", "business", "industry", "firms",
        "sanctions", "imf", "world bank", "spending", "infrastructure", "energy",
    }),
    "technology": frozenset({
        "tech", "technology", "facebook", "google", "twitter", "apple", "microsoft", "amazon", "tiktok",
        "huawei", "internet", "online", "social media", "cyber", "cyberattack", "cybersecurity", "hack",
        "hackers", "hacking", "hacked", "ransomware", "ai", "artificial intelligence", "encryption",
        "smartphone", "iphone", "privacy", "section 230", "silicon valley", "zuckerberg", "musk", "tesla",
        "spacex", "youtube", "broadband", "5g", "software", "app", "apps", "algorithm", "platforms",
        "instagram", "meta", "data", "digital", "computer", "chips", "semiconductor", "robot", "drones",
    }),
    "health": frozenset({
        "health", "healthcare", "covid", "coronavirus", "pandemic", "virus", "vaccine", "vaccines",
        "vaccination", "vaccinated", "fda", "cdc", "obamacare", "medicaid", "medicare", "hospital",
        "hospitals", "opioid", "opioids", "drug", "drugs", "masks", "mask", "outbreak", "disease", "cancer",
        "mental health", "insurance", "affordable care act", "nih", "fauci", "booster", "omicron", "variant",
        "surgeon general", "abortion", "doctors", "patients", "medical", "ebola", "zika", "flu", "lockdown",
        "quarantine", "infections", "cases", "deaths", "testing", "tests", "overdose",
    }),
    "entertainment": frozenset({
        "hollywood", "film", "movie", "movies", "oscar", "oscars", "grammy", "grammys", "emmy", "emmys",
        "actor", "actress", "singer", "rapper", "celebrity", "celebrities", "netflix", "disney", "nbc", "cbs",
        "abc", "cnn", "msnbc", "fox news", "host", "anchor", "late night", "comedian", "show", "tv",
        "television", "music", "album", "media", "broadcast", "espn", "star", "book", "memoir", "documentary",
        "snl", "concert", "festival", "museum", "art",
    }),
}




def grams_of(text: str) -> set[str]:
    """The words of a text and its adjacent word pairs."""
    words = tokens(text)
    return set(words) | {f"{a} {b}" for a, b in pairwise(words)}


def allsides_records(shared: Path) -> list[dict[str, str]]:
    """AllSides dev titles as "none" records, without any story that holds an item of the AllSides check."""
    with CHECK.open(encoding="utf-8") as handle:
        checked = {json.loads(line)["id"] for line in handle}
    with (shared / "bench" / "allsides-dev.jsonl").open(encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle]
    held_out = {item["story"] for item in items if item["id"] in checked}
    return [{"title": str(item["title"] or ""), "source": "", "section": "none"}
            for item in items if item["story"] not in held_out and item["id"] not in checked]


def none_columns(title: str) -> frozenset[str]:
    """The sections a political title teaches nothing: those it may belong to, and those UCI does not label."""
    grams = grams_of(title)
    maybe = {section for section, names in NOT_NONE.items() if not grams.isdisjoint(names)}
    return frozenset(maybe | (set(SECTION_NAMES) - set(NOT_NONE)))
