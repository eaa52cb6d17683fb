"""Topic subscriptions: plain words and phrases, matched word-bounded and case-insensitively (pure).

Users never supply regexes: every word is `re.escape`d, and we add only our own light stemming.

Stemming is deliberately conservative (news.words.word_forms; a wrong match costs a chat an unwanted story):
- plurals: "election" matches "elections"; "party" matches "parties"; "elections" matches "election".
- for words of 4+ letters only, -ing/-ed forms: "vote" matches "voting"/"voted", "strike" matches "striking".
- nothing else: "election" does not match "elected", "art" matches "arts" but not "start" or "artist".
Words that are not purely alphabetic ("c++", "covid-19", "u.s.") match literally.

A section name ("technology", or an alias such as "tech") matches any of its keywords in the text or
any of the feed categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import dataclass
from functools import lru_cache

from news.words import tokens, word_forms

MAX_TOPIC_LENGTH = 64

SECTIONS: dict[str, frozenset[str]] = {
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

SECTION_ALIASES: dict[str, str] = {
    "tech": "technology",
    "sport": "sports",
    "economy": "business",
    "markets": "business",
    "world news": "world",
    "international": "world",
    "arts": "entertainment",
}

_SPACES = re.compile(r"\s+")
_ALPHA = re.compile(r"[a-z]+")


def normalize_topic(raw: str) -> str:
    """Lowercase, trim and collapse spaces; `ValueError` with a message fit to show the user."""
    topic = _SPACES.sub(" ", raw).strip().lower()
    if not topic:
        raise ValueError("Please give a topic, for example: /subscribe climate change")
    if len(topic) > MAX_TOPIC_LENGTH:
        raise ValueError(f"That topic is too long: keep it under {MAX_TOPIC_LENGTH} characters.")
    if not any(ch.isalnum() for ch in topic):
        raise ValueError("A topic needs at least one letter or digit.")
    return topic


def _phrase_pattern(phrase: str) -> str:
    parts = []
    for word in phrase.split(" "):
        forms = sorted(word_forms(word), key=len, reverse=True)
        parts.append("(?:" + "|".join(re.escape(form) for form in forms) + ")")
    return r"[\s\-]+".join(parts)


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """A compiled topic, tested against the text's tokens (news.words.tokens, one tokenization per text):
    plain words by set lookup; phrases and symbol words ("c++") by one word-bounded regex, which runs
    only when a token could start one of them (`gate`; None = always run)."""

    topic: str
    section: str | None
    words: frozenset[str]
    pattern: re.Pattern[str] | None
    gate: frozenset[str] | None

    def hit(self, text: str, found: Set[str]) -> bool:
        """Whether the topic is in `text`, whose tokens (news.words.tokens) are `found`: tokenize a text once,
        test it against every topic."""
        if not self.words.isdisjoint(found):
            return True
        if self.pattern is None or (self.gate is not None and self.gate.isdisjoint(found)):
            return False
        return self.pattern.search(text) is not None

    def matches(self, text: str, categories: Iterable[str] = ()) -> bool:
        return any(self.hit(part, set(tokens(part))) for part in (text, *categories))


def _first_tokens(phrase: str) -> frozenset[str] | None:
    first = phrase.split(" ")[0]
    if _ALPHA.fullmatch(first):
        return word_forms(first)
    found = tokens(first)
    return frozenset({found[0]}) if found else None


@lru_cache(maxsize=4096)
def _compile(topic: str) -> TopicMatcher:
    section = SECTION_ALIASES.get(topic, topic)
    phrases = SECTIONS.get(section, frozenset({topic}))
    words = {form for p in phrases if _ALPHA.fullmatch(p) for form in word_forms(p)}
    complex_phrases = sorted(p for p in phrases if not _ALPHA.fullmatch(p))
    alternatives = sorted({_phrase_pattern(p) for p in complex_phrases}, key=len, reverse=True)
    gate: set[str] | None = set()
    for phrase in complex_phrases:
        starts = _first_tokens(phrase)
        gate = None if starts is None or gate is None else gate | starts
    regex = r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"
    return TopicMatcher(
        topic=topic,
        section=section if section in SECTIONS else None,
        words=frozenset(words),
        pattern=re.compile(regex, re.IGNORECASE) if alternatives else None,
        gate=None if gate is None else frozenset(gate),
    )


def compile_topic(topic: str) -> TopicMatcher:
    """Compile a user's topic (normalized first; raises `ValueError` like `normalize_topic`)."""
    return _compile(normalize_topic(topic))
