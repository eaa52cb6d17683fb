"""Search: the stories a query means, for `/story` and inline mode (app.stories.Stories.search).

1. Candidates by words: the full-text index finds the window's articles holding each query word (storage.search);
   a word no article holds is read as the nearest headline word, if one is near (app.spelling: "zelenksy").
2. Each candidate story is scored by its words: news.relevance.relevance says how much of the query it holds
   (rarer words weigh more); BM25F over its articles' titles and leads ranks the CANDIDATES best
   (news.relevance.field_scores).
3. With sentence embeddings (CLUSTER_EMBEDDINGS: the clusterer stores every article's vector), the query's vector
   re-ranks them by meaning (news.semantic), and when no story holds enough of the words, the recent stories
   nearest in meaning are the answer, if near enough (NEAR_ENOUGH).
4. Suggestions, when nothing is found, must be about the query's findable words (the words some article holds):
   weighted by rarity, at least SUGGEST_SHARE of them, counted by the share of the story's articles holding each
   (_centrality). A story that shares a word in passing ("world cup draw" -> a Fed story one of whose articles
   "draws") is no answer, and with no such story there is no suggestion (the top recent stories were none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from app.spelling import HeadlineWords
from news.embed import Encoder
from news.relevance import Match, field_scores, idf_weights, relevance
from news.semantic import Vector, blend, nearness
from news.types import StoryArticle
from news.words import search_words, word_forms
from storage import stories as story_store
from storage import vectors as vector_store
from storage.search import SearchWindow, article_count_estimate, group_matches, search_window

__all__ = [
    "CANDIDATES", "FOUND_CENTRAL", "FOUND_SHARE", "NEAR_ENOUGH", "SEARCH_WINDOW", "SEMANTIC_WEIGHT", "SUGGEST_SHARE",
    "Ranked", "Searcher",
]

CANDIDATES = 40  # the best-scoring stories whose articles are loaded for the final ranking
FOUND_SHARE = 0.5  # a story found must hold words worth this share of the query (rarer words weigh more)
FOUND_CENTRAL = 0.2  # ...and be at least this much about them (_centrality): not a mention in passing
SUGGEST_SHARE = 0.5  # a suggestion must be this much about the query's findable words (_centrality)
SEARCH_WINDOW = timedelta(days=7)
SEMANTIC_WEIGHT = 0.5  # with embeddings: the share of meaning in the final score (the rest: words)
NEAR_ENOUGH = 0.45  # with embeddings and no word match: the least nearness (news.semantic) of an answer
NEAREST_ARTICLES = 20_000  # with embeddings and no word match: the newest article vectors compared


@dataclass(frozen=True, slots=True)
class Ranked:
    """A search's stories, best first, with their articles: `found` answer it; `suggested` only hold some of it."""

    found: list[int]
    suggested: list[int]
    articles: dict[int, list[StoryArticle]]
    scores: dict[int, float]  # by words and meaning, higher is better


class Searcher:
    def __init__(self, encoder: Encoder | None = None, model: str = "") -> None:
        """`encoder` and `model`: the clusterer's sentence encoder and the name its vectors are stored under
        (app.clustering); without them the search is by words only."""
        self.encoder, self.model = encoder, model
        self.words = HeadlineWords(SEARCH_WINDOW)

    def encode(self, query: str) -> Vector | None:
        """The query's sentence vector (None without embeddings): computed before the transaction, so no
        connection waits on the model."""
        return None if self.encoder is None or not search_words(query) else self.encoder.encode([query])[0]

    def rank(self, session: Session, query: str, query_vector: Vector | None, since: datetime, limit: int,
             suggest: int) -> Ranked:
        """The stories updated since `since` that `query` (whose vector is `query_vector`, see `encode`) means:
        up to `limit` found, else up to `suggest` suggestions. Scores are words and meaning only: the caller adds
        the recency prior and the mutes."""
        words = search_words(query)
        if not words:
            return Ranked([], [], {}, {})
        window = search_window(session, since)
        terms, matches = self._terms(session, words, window)
        total = article_count_estimate(session)
        shares = relevance(terms, matches, total)
        ranked = sorted(shares, key=lambda sid: shares[sid], reverse=True)[:CANDIDATES]
        articles = {sid: arts for sid, arts in story_store.story_articles(session, ranked).items() if arts}
        scores = field_scores(terms, idf_weights(matches, total),
                              {sid: [(a.title, a.summary) for a in arts] for sid, arts in articles.items()})
        if query_vector is not None:
            scores = blend(scores, self._nearness(session, query_vector, list(scores)), SEMANTIC_WEIGHT)
        about = _centrality(matches, total, findable=False)
        found = sorted((sid for sid in scores if shares[sid][0] >= FOUND_SHARE
                        and about.get(sid, 0.0) >= FOUND_CENTRAL), key=lambda s: -scores[s])
        if not found and query_vector is not None:
            near = self._nearest(session, query_vector, since, limit)
            if near:
                return Ranked(list(near), [], story_store.story_articles(session, list(near)), near)
        if found or suggest <= 0:
            return Ranked(found, [], articles, scores)
        central = _centrality(matches, total, findable=True)
        partial = [sid for sid in scores if central.get(sid, 0.0) >= SUGGEST_SHARE]
        return Ranked([], sorted(partial, key=lambda s: (-central[s], -scores[s])), articles, scores)

    def _terms(self, session: Session, words: Sequence[str],
               window: SearchWindow) -> tuple[list[tuple[str, ...]], list[list[Match]]]:
        """Each word's forms and the articles holding one; a word no article holds is read as the headline word
        it most likely misspells, when there is one."""
        terms, matches = [], []
        for word in words:
            forms = tuple(sorted(word_forms(word)))
            found = group_matches(session, forms, window)
            if not found and (fixed := self.words.correct(session, word, window)) is not None:
                forms = tuple(sorted(word_forms(fixed)))
                found = group_matches(session, forms, window)
            terms.append(forms)
            matches.append(found)
        return terms, matches

    def _nearness(self, session: Session, query: Vector, story_ids: list[int]) -> dict[int, float]:
        stored = vector_store.story_vectors(session, self.model, story_ids)
        return {sid: nearness(query, _matrix(rows)) for sid, rows in stored.items()}

    def _nearest(self, session: Session, query: Vector, since: datetime, limit: int) -> dict[int, float]:
        """The `limit` recent stories nearest the query in meaning, at least NEAR_ENOUGH near, nearest first."""
        stored = vector_store.recent_story_vectors(session, self.model, since, NEAREST_ARTICLES)
        near = {sid: nearness(query, _matrix(rows)) for sid, rows in stored.items()}
        best = sorted((sid for sid, value in near.items() if value >= NEAR_ENOUGH), key=lambda s: -near[s])[:limit]
        return {sid: near[sid] for sid in best}


def _matrix(rows: Sequence[bytes]) -> npt.NDArray[np.float32]:
    return np.stack([np.frombuffer(data, dtype=np.float16).astype(np.float32) for data in rows])


def _centrality(matches: Sequence[Sequence[Match]], total: int, findable: bool) -> dict[int, float]:
    """How much each story is about the query's words: per word, the share of the story's articles holding it,
    weighted by the word's share of the query's idf. 1 when every article holds every word; a story that
    mentions the words in passing is near 0. `findable`: only the words some article holds count (a word nobody
    wrote can't tell one story from another)."""
    weights = [w if found or not findable else 0.0
               for w, found in zip(idf_weights(matches, total), matches, strict=True)]
    whole = sum(weights) or 1.0
    central: dict[int, float] = {}
    for weight, found in zip(weights, matches, strict=True):
        counts: dict[int, int] = {}
        sizes: dict[int, int] = {}
        for story_id, _titled, size in found:
            counts[story_id] = counts.get(story_id, 0) + 1
            sizes[story_id] = size
        for story_id, count in counts.items():
            central[story_id] = central.get(story_id, 0.0) + weight / whole * min(1.0, count / max(sizes[story_id], 1))
    return central
