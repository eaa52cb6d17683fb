"""Spelling tolerance for search (pure): a word no article holds is read as the nearest word that headlines do
hold ("zelenksy" -> "zelensky"), so a misspelt name still finds its story.

The vocabulary is the words of recent headlines with how many headlines hold each (`Vocabulary.add`). A word is
corrected to a vocabulary word within a small edit distance (optimal string alignment: a swap of two neighbours
counts as one edit, the commonest typo in a name), the nearest first, then the commonest. Short words are left
alone: at three letters every word is one edit from dozens of others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from news.words import tokens

__all__ = ["MIN_LENGTH", "Vocabulary", "edit_distance", "max_edits"]

MIN_LENGTH = 4  # shorter words are never corrected
MAX_WORD = 40  # longer tokens (URLs, hashes) are not words anyone types


def max_edits(word: str) -> int:
    """How far a correction may be: one edit up to 6 letters, two from 7 ("zelenksy", "kavanaugh")."""
    return 0 if len(word) < MIN_LENGTH else 1 if len(word) <= 6 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


class Vocabulary:
    """Headline words and how many headlines hold each, bucketed by first letter for lookups."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._buckets: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, titles: Iterable[str]) -> None:
        for title in titles:
            for word in set(tokens(title)):
                if MIN_LENGTH <= len(word) <= MAX_WORD and word.isalpha():
                    if word not in self.counts:
                        self._buckets.setdefault(word[0], set()).add(word)
                    self.counts[word] += 1

    def correct(self, word: str) -> str | None:
        """The nearest, then commonest, headline word to `word` within `max_edits`; None when `word` is one
        already, is too short, or nothing is near. Only words sharing its first letter are tried (a name's
        first letter is the one a reader gets right)."""
        limit = max_edits(word)
        if not limit or word in self.counts or not word.isalpha():
            return None
        best: tuple[int, int, str] | None = None
        letters = set(word)
        for candidate in self._buckets.get(word[0], ()):
            # An edit changes the set of letters by at most two (a swap by none): a cheap test before the distance.
            if abs(len(candidate) - len(word)) > limit or len(letters.symmetric_difference(candidate)) > 2 * limit:
                continue
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                key = (distance, -self.counts[candidate], candidate)
                best = key if best is None or key < best else best
        return best[2] if best else None
