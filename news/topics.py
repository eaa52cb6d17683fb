"""Topic subscriptions: plain words and phrases, matched word-bounded and case-insensitively (pure).

Users never supply regexes: every word is `re.escape`d, and we add only our own light stemming.

Stemming is deliberately conservative (news.words.word_forms; a wrong match costs a chat an unwanted story):
- plurals: "election" matches "elections"; "party" matches "parties"; "elections" matches "election".
- for words of 4+ letters only, -ing/-ed forms: "vote" matches "voting"/"voted", "strike" matches "striking".
- nothing else: "election" does not match "elected", "art" matches "arts" but not "start" or "artist".
Words that are not purely alphabetic ("c++", "covid-19", "u.s.") match literally.

A story matches a word or phrase topic when the topic is in its headline, in its bullets, or in at least
ARTICLE_SHARE of its articles (title, lead and categories): one article among many that says "recall" does
not make a car-sales story a recalls story. Measured with bench/topic_share.py on the 927 stories the
production clusterer makes of the UCI dev week, 30 common topic words, stories of 5+ articles: of the 686
(story, word) pairs where some headline holds the word, 69 % hold it in under a tenth of the articles (stray
mentions) and 11 % in over half; only 11 % fall between 0.2 and 0.5, so the threshold sits in a sparse middle.
A third keeps 106 pairs (0.25: 127, 0.4: 90). No gold says which pairs are right; the choice is by that gap
and by examples such as "recall" in the EU car-sales story (1 article of 36).

A section topic ("business", or an alias such as "markets") matches by the story's sections from the
section classifier (news.sections.story_sections), never by keywords.

Tokenize each story once per pass (`StoryText.of`) and test every topic against it (`story_matches`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from news.sections.labels import SECTION_NAMES, labelled_sections
from news.words import tokens, word_forms

__all__ = [
    "ARTICLE_SHARE",
    "MAX_TOPIC_LENGTH",
    "SECTIONS",
    "SECTION_ALIASES",
    "InvalidTopic",
    "StoryText",
    "TopicMatcher",
    "article_text",
    "compile_topic",
    "normalize_topic",
    "story_matches",
]

MAX_TOPIC_LENGTH = 64
ARTICLE_SHARE = 1 / 3
SECTIONS: tuple[str, ...] = SECTION_NAMES

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


class InvalidTopic(ValueError):
    """The message is meant for the user: `template` (English, extracted for translation: babel.cfg) with its
    `fields` filled in; the Telegram edge shows it in the chat's language."""

    def __init__(self, template: str, **fields: object) -> None:
        super().__init__(template.format(**fields))
        self.template, self.fields = template, fields


def normalize_topic(raw: str) -> str:
    """Lowercase, trim and collapse spaces; `InvalidTopic` (a ValueError) with a message fit to show the user."""
    topic = _SPACES.sub(" ", raw).strip().lower()
    if not topic:
        raise InvalidTopic("Please give a topic, for example: /subscribe climate change")
    if len(topic) > MAX_TOPIC_LENGTH:
        raise InvalidTopic("That topic is too long: keep it under {limit} characters.", limit=MAX_TOPIC_LENGTH)
    if not any(ch.isalnum() for ch in topic):
        raise InvalidTopic("A topic needs at least one letter or digit.")
    return topic


@dataclass(frozen=True, slots=True)
class StoryText:
    """A story's text tokenized once, for testing many topics: the headline's and bullets' words, and for
    each word the articles holding it as a bit set (bit i = article i)."""

    lead: str
    lead_words: frozenset[str]
    articles: tuple[str, ...]
    article_words: dict[str, int]
    needed: int  # articles that must hold a topic: ARTICLE_SHARE of them, at least one
    sections: tuple[str, ...] = ()

    @classmethod
    def of(cls, headline: str, bullets: Sequence[str], article_texts: Sequence[str],
           sections: Sequence[str] = ()) -> StoryText:
        """`article_texts`: one string per article (title, lead and categories, see `article_text`);
        `sections`: the story's sections from news.sections.story_sections."""
        lead = " \n".join([headline, *bullets])
        masks: dict[str, int] = {}
        for index, text in enumerate(article_texts):
            bit = 1 << index
            for word in set(tokens(text)):
                masks[word] = masks.get(word, 0) | bit
        needed = max(1, math.ceil(len(article_texts) * ARTICLE_SHARE - 1e-9))
        return cls(lead, frozenset(tokens(lead)), tuple(article_texts), masks, needed, tuple(sections))


def article_text(title: str, summary: str = "", categories: Iterable[str] = ()) -> str:
    """What an article says for topic matching: its title, its lead and its categories."""
    return " \n".join([title, summary, *categories])


def _phrase_pattern(phrase: str) -> str:
    parts = []
    for word in phrase.split(" "):
        forms = sorted(word_forms(word), key=len, reverse=True)
        parts.append("(?:" + "|".join(re.escape(form) for form in forms) + ")")
    return r"[\s\-]+".join(parts)


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """A compiled topic. A single plain word is tested by set lookups on tokens (news.words.tokens). A
    phrase or a symbol word ("c++") needs every one of `parts` (alternative tokens per word) among a
    text's tokens before its word-bounded regex runs, so the regex runs only on likely texts."""

    topic: str
    section: str | None
    words: frozenset[str]
    parts: tuple[frozenset[str], ...]
    pattern: re.Pattern[str] | None

    def _hit(self, text: str) -> bool:
        found = set(tokens(text))
        if not self.words.isdisjoint(found):
            return True
        if self.pattern is None or any(part.isdisjoint(found) for part in self.parts):
            return False
        return self.pattern.search(text) is not None

    def matches(self, text: str, categories: Iterable[str] = ()) -> bool:
        """One text (and its categories). A section topic here matches only categories that name the
        section; a story's sections come from the classifier, through `story_matches`."""
        if self.section is not None:
            return self.section in labelled_sections(categories)
        return self._hit(text) or any(self._hit(category) for category in categories)

    def _articles_holding(self, story: StoryText) -> int:
        masks = story.article_words
        if self.words:
            found = 0
            for form in self.words & masks.keys():
                found |= masks[form]
            return found.bit_count()
        candidates = -1
        for part in self.parts:
            union = 0
            for token in part:
                union |= masks.get(token, 0)
            candidates &= union
            if not candidates:
                return 0
        pattern = self.pattern
        if pattern is None:
            return 0
        return sum(1 for i, text in enumerate(story.articles) if candidates >> i & 1 and pattern.search(text))

    def matches_story(self, story: StoryText) -> bool:
        if self.section is not None:
            return self.section in story.sections
        in_lead = not self.words.isdisjoint(story.lead_words) or (
            self.pattern is not None and all(not part.isdisjoint(story.lead_words) for part in self.parts)
            and self.pattern.search(story.lead) is not None
        )
        return in_lead or self._articles_holding(story) >= story.needed


def story_matches(matcher: TopicMatcher, story: StoryText) -> bool:
    """Whether a story belongs under a topic: a section by the story's sections; a word or phrase when it is
    in the headline or bullets, or in at least ARTICLE_SHARE of the articles."""
    return matcher.matches_story(story)


def _parts(phrase: str) -> tuple[frozenset[str], ...]:
    parts: list[frozenset[str]] = []
    for word in phrase.split(" "):
        if _ALPHA.fullmatch(word):
            parts.append(word_forms(word))
        else:
            parts.extend(frozenset({token}) for token in tokens(word))
    return tuple(parts)


@lru_cache(maxsize=4096)
def _compile(topic: str) -> TopicMatcher:
    section = SECTION_ALIASES.get(topic, topic)
    if section in SECTION_NAMES:
        return TopicMatcher(topic, section, frozenset(), (), None)
    if _ALPHA.fullmatch(topic):
        return TopicMatcher(topic, None, word_forms(topic), (), None)
    regex = r"(?<!\w)(?:" + _phrase_pattern(topic) + r")(?!\w)"
    return TopicMatcher(topic, None, frozenset(), _parts(topic), re.compile(regex, re.IGNORECASE))


def compile_topic(topic: str) -> TopicMatcher:
    """Compile a user's topic (normalized first; raises `ValueError` like `normalize_topic`)."""
    return _compile(normalize_topic(topic))
