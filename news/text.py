"""Turn a headline and lead into weighted terms for the story clusterer (pure, no I/O).

Names and numbers are the strongest same-story signal, so each term carries two flags:
`entity` (a name: usually written capitalised in running text, or an acronym) and `number`.
Capitalisation only tells us something in sentence-case text, so `CaseStats` learns, from the
items seen so far, which words are usually written capitalised mid-sentence. That lets a name in
a Title Case headline be recognised too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&]*(?:['’.\-][A-Za-z0-9&]+)*")
_DIGIT = re.compile(r"\d")
_SENTENCE_BREAK = re.compile(r"[.!?:;\"“”|]")
_STOP = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"said", "says", "say", "new", "just", "like", "year", "years", "week", "day", "days", "time",
     "report", "reports", "update", "news", "today", "video", "photos", "live", "s", "t", "mr", "ms",
     "don", "won", "didn", "doesn", "isn", "according", "told", "including", "monday", "tuesday",
     "wednesday", "thursday", "friday", "saturday", "sunday"}
)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    entity: bool
    number: bool
    in_title: bool


def stem(word: str) -> str:
    """A light plural/possessive strip: enough to join "Sanctions" and "sanction"."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass
class CaseStats:
    """How often each word was seen capitalised vs lower case in the middle of a sentence."""

    capital: dict[str, int] = field(default_factory=dict)
    lower: dict[str, int] = field(default_factory=dict)

    def is_name(self, word: str) -> bool:
        cap = self.capital.get(word, 0)
        return cap >= 2 and cap > 2 * self.lower.get(word, 0)

    def learn(self, word: str, capitalised: bool) -> None:
        table = self.capital if capitalised else self.lower
        table[word] = table.get(word, 0) + 1


def _segment_terms(text: str, in_title: bool, stats: CaseStats) -> list[Term]:
    text = text.replace("...", "   ")
    matches = list(_WORD.finditer(text))
    words = [m.group(0) for m in matches]
    content = [w for w in words if w.lower() not in _STOP]
    capitals = sum(1 for w in content if w[0].isupper())
    title_case = len(content) >= 3 and capitals >= 0.7 * len(content)
    terms: list[Term] = []
    previous_end = 0
    for m, raw in zip(matches, words, strict=True):
        gap = text[previous_end : m.start()]
        previous_end = m.end()
        low = raw.lower().replace("’", "'")
        if low in _STOP or (len(low) < 2 and not low.isdigit()):
            continue
        word = stem(low).replace(".", "")
        number = _DIGIT.search(word) is not None
        acronym = len(raw) >= 2 and raw.isupper() and raw.isalpha()
        initial = m.start() == 0 or bool(_SENTENCE_BREAK.search(gap))
        capitalised = raw[0].isupper()
        if not title_case and not initial and not number:
            stats.learn(word, capitalised)
            entity = capitalised or acronym or stats.is_name(word)
        else:
            entity = acronym or stats.is_name(word)
        terms.append(Term(word, entity, number, in_title))
    return terms


def extract_terms(title: str, summary: str, stats: CaseStats) -> list[Term]:
    """Terms of a headline and its lead, in order; updates `stats` with what the text shows."""
    return _segment_terms(title, True, stats) + _segment_terms(summary, False, stats)
