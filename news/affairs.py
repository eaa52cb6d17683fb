"""Public affairs: whether a story has political undertones (government, elections, courts, laws, wars, the
economy as policy), the only stories a blindspot can mean something for (pure, numpy only).

A logistic model over the titles' hashed words and word pairs (news.sections.features, without the outlet's
name), trained offline by `bench/train_public_affairs.py` on AllSides roundup titles (public affairs: AllSides
picks stories that every side covers and frames) against UCI's business, technology, entertainment and health
headlines, and shipped as news/data/public-affairs.npz. A story is public affairs when the mean probability
of its titles, each outlet weighing one in total (ten updates from one outlet count as one), reaches
THRESHOLD. Held-out figures are in that script's docstring and output.
"""

from __future__ import annotations

import io
from collections import Counter
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
# stories reach it, and 3 of the 366 UCI stories (a marijuana law, the White House on climate, transit ridership).
THRESHOLD = 0.35


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
        """The outlet-weighted mean probability of the story's titles (0.0 for no article)."""
        if not articles:
            return 0.0
        outlets = [outlet_key(a) or a.url or a.title for a in articles]
        per_outlet = Counter(outlets)
        total = sum(self.probability(a.title) / per_outlet[o] for a, o in zip(articles, outlets, strict=True))
        return total / len(per_outlet)

    def is_public_affairs(self, articles: Sequence[StoryArticle]) -> bool:
        return self.score(articles) >= THRESHOLD


@cache
def load_affairs_model() -> AffairsModel:
    """The shipped model (read once; it is never changed after loading)."""
    return AffairsModel.from_bytes(resources.files("news").joinpath("data", MODEL_NAME).read_bytes())
