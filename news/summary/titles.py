"""Headlines as feeds send them, made fit for a card; and how much a headline tells rather than teases (pure).

Feeds decorate titles: wire desks prefix slugs ("REFILE-UPDATE 1-", "GLOBAL MARKETS-"), sites append their
name (" - Reuters", " | Fox News"), aggregators cut them ("...  ...") and some shout in capitals. A card
shows the title without that, in the case the story's other outlets write those words in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

__all__ = ["casing_of", "clean_title", "is_truncated", "tone"]

_WIRE_SLUG = re.compile(
    r"^\s*(?:(?:REFILE|UPDATE(?:\s*\d+)?|EXCLUSIVE|CORRECTED|CORRECTION|RPT|REPEAT|WRAPUP(?:\s*\d+)?|ANALYSIS"
    r"|INSIGHT|FACTBOX|TIMELINE|PREVIEW|FOCUS|FEATURE|INTERVIEW|SPECIAL REPORT|BREAKINGVIEWS|BRIEF|FOREX|GOLD"
    r"|[A-Z]{2,}(?: [A-Z]{2,}){1,2})-(?=[\"'‘“A-Z]))+"
)
_KICKER = re.compile(
    r"^\s*(?:(?:update[ds]?|breaking(?: news)?|exclusive|refile|corrected|correction|repeat|amended|just in)"
    r"\s*[:\-–—|]\s+)+",
    re.IGNORECASE,
)
_SITE_SUFFIX = re.compile(r"\s+(?:-|–|—|\|)\s+(?P<tail>[^-–—|]{2,40})$")
_COUNTER_SUFFIX = re.compile(r"\s+(?:\(\d{1,2}\)|\d{1,2}/\d{1,2}/\d{2,4})$")  # Businessweek "(3)", "03/18/14"
_TRUNCATION = re.compile(r"\s*(?:\.\.\.|…)$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.&-]*")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "off", "on", "or", "over", "the",
     "to", "up", "with"}
)

_TONE_PENALTIES = tuple((re.compile(pattern, re.IGNORECASE), factor) for pattern, factor in (
    (r"^\s*live\b|\blive(?: updates| blog| coverage)?\s*$|\blive (?:updates|blog|coverage)\b|\bas it happened\b",
     0.3),
    (r"^\s*(?:watch|video|photos|listen|opinion|analysis|quiz|see it)\s*:", 0.4),
    (r"you won'?t believe|what happens next|here'?s (?:why|what|how)|this is why|will shock|shocking"
     r"|jaw-?dropping|mind-?blowing|^\d+\s+(?:things|reasons|ways|facts)\b|everything you need to know", 0.3),
    (r"\?\s*(?:!\s*)?$|\?!", 0.6),  # questions tease rather than tell
    # a claim, a guess or a quote is not the event: "X thinks she found", "X: I have found", "(Maybe)"
    (r"\b(?:claims?|claimed|thinks?|believes?|may have|might(?: have)?|could have|reportedly|theory|theories"
     r"|speculat\w*)\b|\b(?:I|I'm|I've|my|we|our)\b|\((?:maybe|sort of|kind of)\)", 0.8),
    (r"^(?:no|yes|so|well|relax|don'?t worry|it'?s cool|ok(?:ay)?)\b[^,]{0,20},", 0.7),  # chatty openers
    (r"(?:\.\.\.|…)$", 0.7),  # cut off by the feed
))


def is_truncated(title: str) -> bool:
    """Whether the feed cut the title off ("Search widens for  ...")."""
    return _TRUNCATION.search(title) is not None


def casing_of(texts: Iterable[str]) -> dict[str, str]:
    """The usual spelling of each word in texts not written in capitals, keyed by its lower case form."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        if _shouting(text):
            continue
        for word in _WORD.findall(text):
            seen.setdefault(word.lower(), Counter())[word] += 1
    return {low: forms.most_common(1)[0][0] for low, forms in seen.items()}


def _shouting(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)


def _recase(text: str, casing: Mapping[str, str]) -> str:
    """Capitals back to how the story's other outlets write each word; unknown long words capitalised."""
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper() or len(word) < 2:
            return word
        usual = casing.get(word.lower())
        if usual is not None:
            return usual
        if word.lower() in _SMALL_WORDS:
            return word.lower()
        return word if len(word) <= 3 else word.capitalize()  # short unknown capitals are likely acronyms

    recased = _WORD.sub(fix, text)
    return recased[:1].upper() + recased[1:]


def _drop_site(text: str, source: str) -> str:
    match = _SITE_SUFFIX.search(text)
    if match:
        tail = match.group("tail").strip()
        words = tail.split()
        named = bool(source) and tail.casefold() == " ".join(source.split()).casefold()
        looks_like_name = len(words) <= 4 and all(w[:1].isupper() or w[:1].isdigit() or "." in w for w in words)
        if named or looks_like_name:
            text = text[: match.start()].rstrip()
    return text


def clean_title(title: str, source: str = "", casing: Mapping[str, str] | None = None) -> str:
    """The title without wire slugs, kickers, site names or counters; capitals recased; a cut shown as "…".

    `casing` (from `casing_of` over the story's texts) decides how shouted words are written back."""
    text = " ".join(title.split())
    text = _KICKER.sub("", _WIRE_SLUG.sub("", text)).strip() or text
    text = _COUNTER_SUFFIX.sub("", _drop_site(text, source)).strip()
    text = _TRUNCATION.sub("…", text) if is_truncated(text) else text
    if _shouting(text):
        text = _recase(text, casing or {})
    else:  # a shouted kicker before a colon: "MISSING MH370: Kazakhstan joins search"
        head, colon, rest = text.partition(": ")
        if colon and rest and head.isupper() and sum(ch.isalpha() for ch in head) >= 4:
            text = f"{_recase(head, casing or {})}: {rest}"
    return text


def tone(title: str) -> float:
    """1.0 for a plain declarative headline; less for live blogs, bait, questions, claims, chat and cuts."""
    factor = 1.0
    for pattern, penalty in _TONE_PENALTIES:
        if pattern.search(title):
            factor *= penalty
    if _shouting(title):
        factor *= 0.7
    words = len(title.split())
    if words < 4 or words > 20:
        factor *= 0.6
    return factor
