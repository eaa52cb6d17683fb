"""The lede and bullets under a headline: whole sentences from the story's core, one outlet each (pure).

A line is a sentence from the top of a core article's lead (facts sit there; later sentences are background
or quotes), or its title (see below). Lines come from the core only, because variety picked across the whole
story drifts to the strays the clusterer let in. Every line is whole: a sentence
too long for a card is passed over, never cut. No line repeats the headline or another line: two lines are
near-duplicates when their TF-IDF cosine or their word overlap is high (a title cut with "..." is a
near-copy of the title it was cut from).

Cards are read on phones: a bullet takes at most MAX_BULLET_LINES lines there (news.summary.phone), so a long
sentence is passed over for a bullet (never cut), and an outlet's title, which is short, stands in for its lead's
sentences when none fits. The lede, the one sentence that tells the story, may run longer (MAX_LINE_CHARS).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from news.coverage import outlet_label
from news.summary.phone import phone_lines
from news.summary.sentences import lead_sentences
from news.summary.similarity import article_text, owners, terms, unit_vectors, vote_weights
from news.summary.titles import clean_title, is_truncated, tone
from news.types import StoryArticle

__all__ = ["MAX_BULLET_LINES", "MAX_LINE_CHARS", "CardLines", "adds_little", "card_lines"]

MAX_LINE_CHARS = 300
MAX_BULLET_LINES = 2  # on a phone, "• " included
LEAD_SENTENCES = 3
MAX_BULLETS = 3
MMR_LAMBDA = 0.7
DUPLICATE_COSINE = 0.5
DUPLICATE_OVERLAP = 0.6  # share of a new line's words already on the card
POSITION_BONUS = (0.15, 0.05, 0.0)
_ENDS = (".", "!", "?", ".”", ".\"", "?”", "!”", ".’", ".)")


@dataclass(frozen=True, slots=True)
class CardLines:
    lede: str  # "" when no core article has a lead
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    owner: str
    position: int  # 0 for a lead's first sentence
    from_lead: bool
    voice: float  # the article's, see news.summary.headline.voices
    bullet: bool  # short enough for a bullet on a phone


def adds_little(line: str, shown: Iterable[str]) -> bool:
    """Whether most of `line`'s words are on the card already. A lede that spells out its headline adds
    words and passes; the headline cut off with "..." does not, nor a third telling of the same fact."""
    words = set(terms(line))
    seen = {word for text in shown for word in terms(text)}
    return not words or len(words & seen) / len(words) >= DUPLICATE_OVERLAP


def _fits_bullet(text: str) -> bool:
    return phone_lines("• " + text) <= MAX_BULLET_LINES


def _candidates(
    articles: Sequence[StoryArticle], core: np.ndarray, voices: np.ndarray, casing: Mapping[str, str]
) -> list[_Candidate]:
    found: list[_Candidate] = []
    keys = owners(articles)
    for i, article in enumerate(articles):
        if not core[i]:
            continue
        sentences = [s for s in lead_sentences(article.summary)[:LEAD_SENTENCES] if len(s.split()) >= 4]
        fitting = False
        for position, sentence in enumerate(sentences):
            if sentence.endswith(_ENDS) and not is_truncated(sentence) and len(sentence) <= MAX_LINE_CHARS:
                bullet = _fits_bullet(sentence)
                fitting |= bullet
                found.append(_Candidate(sentence, keys[i], position, True, float(voices[i]), bullet))
        if not fitting:
            title = clean_title(article.title, outlet_label(article), casing)
            if len(title.split()) >= 4 and not is_truncated(title) and _fits_bullet(title):
                found.append(_Candidate(title, keys[i], len(POSITION_BONUS) - 1, False,
                                        float(voices[i]) * tone(title), True))
    return found


class _Picker:
    """Greedy MMR over candidates, refusing near-duplicates of the headline and of lines already taken."""

    def __init__(self, candidates: list[_Candidate], headline: str, articles: Sequence[StoryArticle],
                 core: np.ndarray) -> None:
        texts = [c.text for c in candidates]
        vectors = unit_vectors([*texts, headline, *(article_text(a) for a in articles)])
        self.candidates, self.vectors = candidates, vectors[: len(texts) + 1]
        centroid = (vote_weights(articles) * core) @ vectors[len(texts) + 1:]
        norm = float(np.linalg.norm(centroid))
        bonus = np.array([POSITION_BONUS[min(c.position, len(POSITION_BONUS) - 1)] for c in candidates])
        fit = np.array([c.voice for c in candidates]) ** 2
        self.relevance = (vectors[: len(texts)] @ (centroid / norm if norm else centroid) + bonus) * fit
        self.taken: list[int] = [len(texts)]  # the headline's row
        self.texts = [*texts, headline]

    def _allowed(self, i: int, owners_used: set[str]) -> float | None:
        if self.candidates[i].owner in owners_used or i in self.taken:
            return None
        # against the headline only new words count: a lede that spells it out is close to it by cosine
        similarity = [float(self.vectors[i] @ self.vectors[t]) for t in self.taken]
        if max(similarity[1:], default=0.0) >= DUPLICATE_COSINE:
            return None
        if adds_little(self.texts[i], (self.texts[t] for t in self.taken)):
            return None
        return max(similarity)

    def take(self, owners_used: set[str], lede: bool) -> int | None:
        best, best_score = None, -np.inf
        for i, candidate in enumerate(self.candidates):
            if (candidate.position != 0 or not candidate.from_lead) if lede else not candidate.bullet:
                continue
            overlap = self._allowed(i, owners_used)
            if overlap is None:
                continue
            score = MMR_LAMBDA * float(self.relevance[i]) - (1 - MMR_LAMBDA) * overlap
            if score > best_score:
                best, best_score = i, score
        if best is not None:
            self.taken.append(best)
            owners_used.add(self.candidates[best].owner)
        return best


def card_lines(
    articles: Sequence[StoryArticle], headline: str, core: np.ndarray, voices: np.ndarray,
    casing: Mapping[str, str], max_bullets: int = MAX_BULLETS,
) -> CardLines:
    """A lede (a lead's first sentence) and up to `max_bullets` bullets, each from a different outlet;
    a story told by one outlet may give two lines from it. `voices` weighs each article's lines."""
    candidates = _candidates(articles, core, voices, casing)
    if not candidates:
        return CardLines("", ())
    picker = _Picker(candidates, headline, articles, core)
    used: set[str] = set()
    lede = picker.take(used, lede=True)
    bullets: list[int] = []
    while len(bullets) < max_bullets and (pick := picker.take(used, lede=False)) is not None:
        bullets.append(pick)
    if not bullets and max_bullets > 0:  # one outlet: another of its sentences rather than none
        pick = picker.take(set(), lede=False)
        bullets += [pick] if pick is not None else []
    return CardLines(
        lede=candidates[lede].text if lede is not None else "",
        bullets=tuple(candidates[i].text for i in bullets),
    )
