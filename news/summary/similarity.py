"""How alike a story's texts are, by the story's own words, and which articles form its core (pure).

TF-IDF is fitted per story on its own texts (a story is small and self-contained, so no outside statistics
are needed), on Snowball stems so "recalls" and "recalled" meet. Outlets, not articles, are the unit of
agreement: an outlet's articles share one vote so a publisher that posts ten updates does not drown the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from news.coverage import outlet_key
from news.types import StoryArticle
from news.words import stem, tokens

__all__ = [
    "CORE_FRACTION",
    "FACET_LINK",
    "MIN_CORE_OUTLETS",
    "MIN_FACET_SHARE",
    "article_text",
    "centrality",
    "core_mask",
    "owners",
    "terms",
    "unit_vectors",
    "vote_weights",
]

# An article is outside the core when it is less than this share as close to the rest as the median
# article: a stray the clusterer let in ("box office" in a Microsoft story) sits near zero.
CORE_FRACTION = 0.35
MIN_CORE_OUTLETS = 5  # with fewer outlets there is no telling the core from a stray
# Articles whose average similarity (by the story's own words) is at least this tell one event (a facet). A
# facet with under MIN_FACET_SHARE of the outlet votes is a second event the clusterer let in: it gives the card
# no line. Larger facets stay: a near-copied take on the event (Courtney Love's "I found the plane") is one tight
# facet that can outvote the event's varied reports, and the headline's tone rule already handles it.
FACET_LINK = 0.05
MIN_FACET_SHARE = 0.15
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "new", "update", "updated", "live", "video", "watch", "report"}


def terms(text: str) -> list[str]:
    """Stemmed content words: the features every similarity here is made of."""
    words = tokens(text.replace("...", " ").replace("…", " "))
    return [stem(w) for w in words if w not in _STOP and (len(w) > 1 or w.isdigit())]


def unit_vectors(texts: Sequence[str]) -> np.ndarray:
    """Row-normalized TF-IDF vectors fitted on `texts`; all zeros when they share no usable word."""
    try:
        matrix = TfidfVectorizer(analyzer=terms, sublinear_tf=True).fit_transform(texts)
    except ValueError:  # empty vocabulary
        return np.zeros((len(texts), 1))
    return np.asarray(matrix.toarray())


def article_text(article: StoryArticle) -> str:
    return f"{article.title} {article.summary}"


def owners(articles: Sequence[StoryArticle]) -> list[str]:
    """Who speaks for each article: its outlet, else its URL or title (then it counts alone)."""
    return [outlet_key(a) or a.url or a.title for a in articles]


def vote_weights(articles: Sequence[StoryArticle]) -> np.ndarray:
    """1/k for each of an outlet's k articles, so every outlet has one vote."""
    keys = owners(articles)
    counts = Counter(keys)
    return np.array([1.0 / counts[k] for k in keys])


def centrality(similarity: np.ndarray, articles: Sequence[StoryArticle], among: np.ndarray) -> np.ndarray:
    """Each row's vote-weighted mean similarity to the articles in `among` (a boolean mask over columns),
    leaving out its own outlet's, which would only echo it."""
    keys = np.array(owners(articles), dtype=object)
    weights = vote_weights(articles) * among
    votes = (keys[:, None] != keys[None, :]) * weights[None, :]
    total = votes.sum(axis=1)
    return np.where(total > 0, (votes * similarity).sum(axis=1) / np.maximum(total, 1e-12), 0.0)


def core_mask(doc_vectors: np.ndarray, articles: Sequence[StoryArticle]) -> np.ndarray:
    """The articles about the story's event: all but those far less connected than the median article."""
    everyone = np.ones(len(articles), dtype=bool)
    if len(set(owners(articles))) < MIN_CORE_OUTLETS:
        return everyone
    closeness = centrality(doc_vectors @ doc_vectors.T, articles, everyone)
    order = np.argsort(closeness)
    weights = vote_weights(articles)[order]
    median = closeness[order][np.searchsorted(np.cumsum(weights), weights.sum() / 2)]
    core = (closeness >= CORE_FRACTION * median) & main_facets(doc_vectors, articles)
    return core if core.any() else everyone


def main_facets(doc_vectors: np.ndarray, articles: Sequence[StoryArticle]) -> np.ndarray:
    """The articles of the facets (average-link groups at FACET_LINK) holding MIN_FACET_SHARE of the outlet
    votes; the biggest facet alone when none does."""
    n = len(articles)
    if n < 2:
        return np.ones(n, dtype=bool)
    distance = np.clip(1.0 - doc_vectors @ doc_vectors.T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - FACET_LINK, criterion="distance")
    votes = np.bincount(labels, weights=vote_weights(articles))
    kept = votes >= MIN_FACET_SHARE * votes.sum()
    kept[int(np.argmax(votes))] = True
    return np.asarray(kept[labels])
