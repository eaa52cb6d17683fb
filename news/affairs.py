"""Public affairs: whether a story has political undertones (government, elections, courts, laws, wars, the
economy as policy), the only stories a blindspot can mean something for (pure, numpy only).

A logistic model over the titles' hashed words and word pairs (news.sections.features, without the outlet's
name), trained offline by `bench/train_public_affairs.py` on AllSides roundup titles (public affairs: AllSides
picks stories that every side covers and frames) against UCI's business, technology, entertainment and health
headlines, and shipped as news/data/public-affairs.npz. A story is public affairs when the mean probability
of its titles, one per outlet (ten updates from one outlet count as one), reaches THRESHOLD. Held-out
figures are in that script's output and in the README ("Blindspots").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from news.coverage import outlet_key
from news.sections.features import FEATURE_BITS, article_features
from news.types import StoryArticle

__all__ = ["FORMAT", "MODEL_NAME", "THRESHOLD", "AffairsModel", "load_affairs_model"]

MODEL_NAME = "public-affairs.npz"
FORMAT = 1
# The lowest threshold at which no UCI entertainment story of the dev week passes; 0.93 of held-out AllSides
# stories reach it, and 4 of the 366 UCI stories (a marijuana law, the White House on climate, transit ridership,
# a rail worker killed: 0.35).
THRESHOLD = 0.35
MAX_OUTLETS = 40


class AffairsModel:
    """One weight per hashed feature and a bias: P(public affairs | title)."""

    def __init__(self, weights: npt.NDArray[np.float32], bias: float) -> None:
        self.weights, self.bias = weights, bias

    @classmethod
    def from_bytes(cls, data: bytes) -> AffairsModel:
        """The model stored by bench/train_public_affairs.py; `ValueError` for another format."""
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            if int(stored["format"]) != FORMAT:
                raise ValueError("public-affairs model of another format")
            weights = np.zeros(1 << FEATURE_BITS, np.float32)
            weights[stored["rows"]] = stored["weights"].astype(np.float32)
            return cls(weights, float(stored["bias"]))

    def probability(self, title: str) -> float:
        ids = article_features(title, "", "")
        if not ids:
            return 0.0
        logit = float(self.weights[list(ids)].sum()) / float(np.sqrt(len(ids))) + self.bias
        return float(1.0 / (1.0 + np.exp(-logit)))

    def score(self, articles: Sequence[StoryArticle]) -> float:
        """The mean probability of the story's titles, one per outlet (its first), of its first MAX_OUTLETS
        outlets: ten updates from one outlet count once, and a story of 500 articles costs no more than one
        of 40 (0.0 for no article)."""
        first: dict[str, str] = {}
        for article in articles:
            first.setdefault(outlet_key(article) or article.url or article.title, article.title)
            if len(first) >= MAX_OUTLETS:
                break
        return sum(map(self.probability, first.values())) / len(first) if first else 0.0

    def is_public_affairs(self, articles: Sequence[StoryArticle]) -> bool:
        return self.score(articles) >= THRESHOLD


@cache
def load_affairs_model() -> AffairsModel:
    """The shipped model (read once; it is never changed after loading)."""
    return AffairsModel.from_bytes(resources.files("news").joinpath("data", MODEL_NAME).read_bytes())
