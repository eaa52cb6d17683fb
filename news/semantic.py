"""How near a story is to a search by meaning (pure): the query's sentence vector against the story's articles'
vectors (news.embed), all unit length.

    nearness(story) = (cos(query, centroid) + max over articles cos(query, article)) / 2

The centroid says what the story is about as a whole; the best article lets a query about one side of a big story
find it. Both are cosines of unit vectors, so nearness lies in [-1, 1].
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["Vector", "blend", "nearness"]

Vector = npt.NDArray[np.float32]


def nearness(query: Vector, articles: npt.NDArray[np.floating]) -> float:
    """`articles`: one row per article of the story (at least one)."""
    rows = np.asarray(articles, dtype=np.float32)
    cosines = rows @ query
    centroid = rows.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    central = float(centroid @ query) / norm if norm > 0 else 0.0
    return (central + float(cosines.max())) / 2


def blend(lexical: dict[int, float], near: dict[int, float], weight: float) -> dict[int, float]:
    """Lexical scores (scaled so the best is 1) and nearness mixed: `weight` of meaning, the rest of words. A story
    without a vector keeps its words' share only."""
    top = max(lexical.values(), default=0.0) or 1.0
    return {sid: (1 - weight) * score / top + weight * near.get(sid, 0.0) for sid, score in lexical.items()}
