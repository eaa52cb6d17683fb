"""The keyword method sections used before the classifier (news/topics.py until the sections branch),
kept only so bench/section_quality.py can print what the classifier replaced: a story was listed under every
section one of whose keywords appeared anywhere in any of its articles, or in their categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from news.words import tokens, word_forms

__all__ = ["KEYWORDS", "keyword_sections"]

_ALPHA = re.compile(r"[a-z]+")

KEYWORDS: dict[str, frozenset[str]] = {
    "world": frozenset({
        "world", "world news", "international", "global", "foreign policy", "diplomacy", "diplomat",
        "united nations", "nato", "european union", "embassy", "ambassador", "refugee", "war", "ceasefire",
        "invasion", "sanctions", "summit", "prime minister", "parliament", "coup", "border", "treaty",
        "ukraine", "russia", "china", "middle east", "gaza", "israel", "iran", "africa", "asia", "europe",
        "latin america", "foreign minister", "humanitarian",
    }),
    "business": frozenset({
        "business", "economy", "economic", "markets", "market", "finance", "financial", "stocks",
        "stock market", "shares", "wall street", "dow jones", "nasdaq", "s&p 500", "earnings", "revenue",
        "profit", "inflation", "interest rate", "federal reserve", "central bank", "recession", "gdp",
        "merger", "acquisition", "ipo", "investor", "bank", "trade", "tariff", "unemployment", "jobs report",
        "ceo", "startup", "retail", "oil prices", "bond", "money", "companies",
    }),
    "technology": frozenset({
        "technology", "tech", "science & technology", "artificial intelligence", "ai", "machine learning",
        "software", "hardware", "internet", "cybersecurity", "hacker", "data breach", "smartphone",
        "iphone", "android", "apple", "google", "microsoft", "amazon web services", "meta", "openai",
        "chip", "semiconductor", "nvidia", "app", "social media", "gadget", "robot", "cloud computing",
        "cryptocurrency", "bitcoin", "blockchain", "silicon valley", "computing", "programming", "5g",
    }),
    "science": frozenset({
        "science", "scientist", "research", "researcher", "study", "physics", "chemistry", "biology",
        "astronomy", "space", "nasa", "esa", "spacex", "rocket", "planet", "galaxy", "telescope",
        "climate", "climate change", "fossil", "dinosaur", "species", "evolution", "genome", "dna",
        "experiment", "laboratory", "earthquake", "volcano", "ocean", "environment", "quantum",
        "archaeology", "mars", "moon", "asteroid",
    }),
    "health": frozenset({
        "health", "healthcare", "health care", "medicine", "medical", "hospital", "doctor", "nurse",
        "patient", "disease", "virus", "pandemic", "epidemic", "outbreak", "vaccine", "vaccination",
        "covid", "covid-19", "coronavirus", "flu", "influenza", "cancer", "diabetes", "obesity",
        "mental health", "drug", "fda", "world health organization", "cdc", "clinical trial", "surgery",
        "nutrition", "wellness", "fitness", "public health", "abortion", "opioid",
    }),
    "sports": frozenset({
        "sports", "sport", "football", "soccer", "basketball", "baseball", "tennis", "golf", "cricket",
        "rugby", "hockey", "boxing", "formula 1", "f1", "olympics", "olympic", "world cup",
        "champions league", "premier league", "nba", "nfl", "mlb", "nhl", "fifa", "uefa", "super bowl",
        "tournament", "championship", "coach", "athlete", "quarterback", "match", "playoff", "grand slam",
        "wimbledon",
    }),
    "entertainment": frozenset({
        "entertainment", "arts", "culture", "celebrity", "movie", "film", "cinema", "box office",
        "hollywood", "netflix", "television", "tv", "tv show", "series", "actor", "actress", "music",
        "album", "singer", "concert", "tour", "grammy", "oscar", "emmy", "golden globe", "festival",
        "streaming", "video game", "gaming", "book", "novel", "theater", "theatre", "broadway", "celebrities",
    }),
}


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = []
    for phrase in phrases:
        words = ["(?:" + "|".join(re.escape(f) for f in sorted(word_forms(w), key=len, reverse=True)) + ")"
                 for w in phrase.split(" ")]
        alternatives.append(r"[\s\-]+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_WORDS = {s: {f for p in ps if _ALPHA.fullmatch(p) for f in word_forms(p)} for s, ps in KEYWORDS.items()}
_PHRASES = {s: _pattern(p for p in ps if not _ALPHA.fullmatch(p)) for s, ps in KEYWORDS.items()}


def keyword_sections(text: str, categories: Iterable[str] = ()) -> tuple[str, ...]:
    """Every section with a keyword in the text or the categories (the old rule)."""
    found = []
    for section in KEYWORDS:
        for part in (text, *categories):
            if not _WORDS[section].isdisjoint(tokens(part)) or _PHRASES[section].search(part):
                found.append(section)
                break
    return tuple(found)
