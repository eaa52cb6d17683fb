"""Item text -> weighted, unit-length term vector, with IDF from items already seen (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from news.cluster.params import ClusterParams
from news.cluster.sparse import DocFreq, Vector, norm
from news.cluster.text import CaseStats, Term, extract_terms

_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ItemVector:
    vec: Vector  # unit length
    strong: frozenset[str]  # names and numbers
    when: float  # seconds since the epoch
    long_text: bool  # the item has a lead paragraph
    raw: Vector  # term weights before IDF (tf x boosts): refinement re-weighs them with hindsight IDF


class TermWeigher:
    """Owns the statistics learned from the stream: document frequencies and word case."""

    def __init__(self, params: ClusterParams) -> None:
        self._p = params
        self.df = DocFreq(_DAY, params.idf_window_days)
        self._case = CaseStats()

    def observe(self, title: str, summary: str, when: float) -> ItemVector:
        """Learn from the item (IDF counts include it, like a fitted TfidfVectorizer), then weigh it."""
        long_text = bool(summary.strip())
        terms = extract_terms(title, summary, self._case)
        bigram_weight = self._p.long_text_bigram_weight if long_text else self._p.bigram_weight
        bigrams: list[str] = []
        if bigram_weight > 0:
            title_terms = [t for t in terms if t.in_title]  # a headline's word order is tight; a lead's not
            bigrams = [f"{a.text}_{b.text}" for a, b in pairwise(title_terms)]
        self.df.add([t.text for t in terms] + bigrams, when)
        raw, strong = self._weigh(terms, bigrams, bigram_weight, long_text)
        return ItemVector(self.weigh(raw), strong, when, long_text, raw)

    def weigh(self, raw: Vector) -> Vector:
        """Raw term weights -> unit TF-IDF vector with the IDF as it is now."""
        idf = self.df.idf
        vec = {t: w * idf(t) for t, w in raw.items()}
        length = norm(vec)
        return {t: w / length for t, w in vec.items()} if length else vec

    def _weigh(
        self, terms: list[Term], bigrams: list[str], bigram_weight: float, long_text: bool
    ) -> tuple[Vector, frozenset[str]]:
        p = self._p
        entity_boost = p.long_text_entity_boost if long_text else p.entity_boost
        tf: dict[str, int] = {}
        boost: dict[str, float] = {}
        strong: set[str] = set()
        for term in terms:
            b = 1.0
            if term.entity:
                b *= entity_boost
            if term.number:
                b *= p.number_boost
            if term.entity or term.number:
                strong.add(term.text)
            if long_text and term.in_title:
                b *= p.title_boost
            tf[term.text] = tf.get(term.text, 0) + 1
            boost[term.text] = max(boost.get(term.text, 0.0), b)
        for key in bigrams:
            tf[key] = tf.get(key, 0) + 1
            boost[key] = bigram_weight
        return {t: (1.0 + math.log(n)) * boost[t] for t, n in tf.items()}, frozenset(strong)
