"""Words: the project's one tokenizer and its stemming rules (pure).

Two stemming rules, on purpose, because the two jobs want opposite errors:

- `stem` (Snowball / Porter 2) is for *similarity*: clustering compares many words at once, so conflating
  "recalls" and "recalled" or "sanction" and "sanctions" helps and an odd conflation is drowned out
  (measured: UCI dev per-day B3 0.826 -> 0.828, AllSides pairwise 0.537 -> 0.544 against a plural strip).
- `word_forms` is for *matching* one user-chosen word (topics, search): a wrong match costs the chat an
  unwanted story, so only plurals and, for words of 4+ letters, -ing/-ed forms count. Measured on the
  6,092 words seen 3+ times in UCI dev headlines: Snowball joins 2,561 pairs of them, and 836 of those (33 %)
  are derivations a topic must keep apart, e.g. "execute"/"executives", "unite"/"units",
  "premier"/"premieres", "locate"/"location", "definition"/"definitive".

Search (`search_terms`) asks the database's full-text index for the topic word forms, and the index matches them
by stem (FTS5's Porter tokenizer, PostgreSQL's 'english' configuration; storage.search): a search wants recall,
and ranks what it finds (news.relevance), so "raises" may find "raise". The clusterer has a tokenizer of its own
(news.cluster.text) that keeps amounts ("$1.5 billion") and dotted acronyms ("U.S.") whole; everything else
splits text with `tokens`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from news.demonyms import DEMONYMS

__all__ = [
    "MAX_SEARCH_TERMS", "SEARCH_STOP_WORDS", "search_terms", "search_words", "stem", "tokens", "word_forms",
]

_TOKEN = re.compile(r"[^\W_]+")
_ALPHA = re.compile(r"[a-z]+")
_SNOWBALL = Stemmer.Stemmer("english")
MAX_SEARCH_TERMS = 8
# Words whose trailing "s" is not a plural ("news" must not match "new").
_NOT_PLURAL = frozenset({
    "news", "series", "species", "physics", "politics", "economics", "mathematics", "olympics", "athletics",
    "gymnastics", "texas", "kansas", "arkansas", "lens", "chaos", "gas", "bus", "always", "perhaps",
    "whereas",
})
SEARCH_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
})


def tokens(text: str) -> list[str]:
    """Lowercase runs of letters and digits, in order ("Covid-19's" -> ["covid", "19", "s"])."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball stem of a lowercase word, after dropping a possessive: "Sanctions" and "sanction",
    "talks" and "talking" meet. Names are stemmed too ("kennedy" -> "kennedi"), which is harmless because
    every occurrence is. Tokens with digits or dots are only stripped of a plural "s"."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word.isalpha():
        return str(_SNOWBALL.stemWord(word))
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


@lru_cache(maxsize=1 << 14)
def word_forms(word: str) -> frozenset[str]:
    """The forms a topic word matches: itself, singular and plural, and for 4+ letters -ing/-ed.

    "election" -> election, elections (not "elected"); "party" -> party, parties; "vote" -> voting, voted.
    A place also matches its people's word (news.demonyms): "malaysia" -> malaysian(s), "china" -> chinese.
    Words that are not purely alphabetic ("c++", "19") match only themselves."""
    if not _ALPHA.fullmatch(word):
        return frozenset({word})
    forms = {word, *DEMONYMS.get(word, ())}
    if word in _NOT_PLURAL or word in DEMONYMS:
        return frozenset(forms)
    singular = word
    if word.endswith("ies") and len(word) > 4:
        singular = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        singular = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        singular = word[:-1]
    forms.add(singular)
    if singular.endswith("y") and len(singular) > 2 and singular[-2] not in "aeiou":
        forms.add(singular[:-1] + "ies")
    elif singular.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(singular + "es")
    else:
        forms.add(singular + "s")
    if len(singular) >= 4:
        base = singular[:-1] if singular.endswith("e") else singular
        forms.update({base + "ing", base + "ed"})
    return frozenset(forms)


def search_words(query: str) -> list[str]:
    """A search query's useful words, once each (at most MAX_SEARCH_TERMS); stop words only when nothing else
    is left."""
    words = [w for w in tokens(query) if len(w) > 1]
    useful = [w for w in words if w not in SEARCH_STOP_WORDS] or words
    return list(dict.fromkeys(useful))[:MAX_SEARCH_TERMS]


def search_terms(query: str) -> list[tuple[str, ...]]:
    """A search query as groups of word forms, one group per useful word (`search_words`). A story matches when
    it holds some form of every group."""
    return [tuple(sorted(word_forms(w))) for w in search_words(query)]
