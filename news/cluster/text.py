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

from news.words import stem

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&]*(?:['’.][A-Za-z0-9&]+)*")
_DIGIT = re.compile(r"\d")
_SENTENCE_BREAK = re.compile(r"[.!?:;\"“”|]")
# "719,000", "719K", "719 thousand" -> "719k"; "$1.5 billion", "1.5bn" -> "1.5b": one token per amount.
_AMOUNT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s?(thousand|million|billion|trillion)\b|"
    r"(k|m|mn|mln|b|bn|tn)\b)?",
    re.IGNORECASE,
)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
          "billion": 1e9, "b": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}


def _amount(match: re.Match[str]) -> str:
    digits, word, suffix = match.group(1), match.group(2), match.group(3)
    scale = word or suffix
    if scale is None and "," not in digits and not (digits.isdigit() and len(digits) >= 5):
        return match.group(0)
    value = float(digits.replace(",", "")) * (_SCALE[scale.lower()] if scale else 1.0)
    for unit, size in (("t", 1e12), ("b", 1e9), ("m", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:g}"

# English stop words: the Glasgow IR group list as shipped by scikit-learn (BSD), inlined so that
# importing the engine does not import scikit-learn (~1 s), plus words common in news headlines.
_ENGLISH_STOP_WORDS = """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand behind being
    below beside besides between beyond bill both bottom but by call can cannot cant co con could
    couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere
    empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
    fire first five for former formerly forty found four from front full further get give go had has
    hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least
    less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
    myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she should
    show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
    still such system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via
    was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
"""
_STOP = frozenset(_ENGLISH_STOP_WORDS.split()) | frozenset(
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
    text = _AMOUNT.sub(_amount, text.replace("...", "   "))
    matches = list(_WORD.finditer(text))
    lows = [m.group(0).lower().replace("’", "'") for m in matches]
    content = [m.group(0) for m, low in zip(matches, lows, strict=True) if low not in _STOP]
    capitals = sum(1 for w in content if w[0].isupper())
    title_case = len(content) >= 3 and capitals >= 0.7 * len(content)
    terms: list[Term] = []
    previous_end = 0
    for m, low in zip(matches, lows, strict=True):
        start, gap_start, previous_end = m.start(), previous_end, m.end()
        if low in _STOP or (len(low) < 2 and not low.isdigit()):
            continue
        raw = m.group(0)
        word = stem(low).replace(".", "")
        number = _DIGIT.search(word) is not None
        acronym = len(raw) >= 2 and raw.isupper() and raw.isalpha()
        if not title_case and not number and start > 0 and not _SENTENCE_BREAK.search(text, gap_start, start):
            capitalised = raw[0].isupper()
            stats.learn(word, capitalised)
            entity = capitalised or acronym or stats.is_name(word)
        else:
            entity = acronym or stats.is_name(word)
        terms.append(Term(word, entity, number, in_title))
    return terms


def extract_terms(title: str, summary: str, stats: CaseStats) -> list[Term]:
    """Terms of a headline and its lead, in order; updates `stats` with what the text shows."""
    terms = _segment_terms(title, True, stats)
    return terms + _segment_terms(summary, False, stats) if summary else terms
