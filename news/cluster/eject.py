"""Refinement's way out of a story: eject what shares no core, split what holds two events (pure).

The online path only ever adds to a story and refinement (news.cluster.refine) only merges, so an
article let in by a weak link stays for good, and a story that grew by chaining (a trial, then its
verdict, then the sentence) holds several events. Before a pass merges, each current story is cut here
into the pieces its own articles support; the pass then merges back whatever clears its threshold.

- **Eject.** A story's *core* is the set of terms that at least `eject_core_share` of its articles carry
  (at least two, told by more than one outlet when outlets are known). An article that carries none of
  them shares nothing with what the story is about ("Top 10 Pies for Pi Day" in the missing-plane story:
  no "plane", "flight", "Malaysia" or "MH370") and starts alone.
- **Split.** The rest is regrouped by average link (the mean similarity of all pairs across two pieces,
  the same mixture of TF-IDF and embedding cosine as the pass) until no two pieces are at least
  `split_threshold` alike (per regime: headline-only or with a lead). Only stories of up to
  `split_max_size` articles are split: a pass looks at every story, and the cost is the square of its size.

Both look at one story at a time, so the cost is linear in the window (and quadratic in the largest story
split, bounded by `split_max_size`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from news.cluster.params import ClusterParams
from news.cluster.sparse import Vector

if TYPE_CHECKING:
    from news.cluster.refine import Member

__all__ = ["core_terms", "pieces"]

_MIN_CORE_STORY = 3  # with fewer articles, "what most of them share" is what any one of them says


def _words(vec: Vector) -> set[str]:
    return {term for term in vec if "_" not in term}  # bigrams ("a_b") repeat their words


def core_terms(members: Sequence[Member], share: float) -> set[str]:
    """Terms carried by at least `share` of the articles (and two), from more than one outlet if known."""
    counts: Counter[str] = Counter()
    outlets: dict[str, set[str]] = {}
    for member in members:
        for term in _words(member.item.raw):
            counts[term] += 1
            outlets.setdefault(term, set()).add(member.source)
    floor = max(2, math.ceil(share * len(members)))
    known = any(m.source for m in members)
    return {t for t, n in counts.items() if n >= floor and (not known or len(outlets[t]) > 1)}


def pieces(
    indices: list[int], members: Sequence[Member], vectors: Sequence[Vector], params: ClusterParams,
    hybrid: bool,
) -> list[list[int]]:
    """One current story's members (`indices` into `members`) cut into the groups a pass starts from."""
    if len(indices) < _MIN_CORE_STORY:
        return [indices]
    kept, out = indices, []
    if params.eject_core_share > 0:
        core = core_terms([members[i] for i in indices], params.eject_core_share)
        if core:
            kept = [i for i in indices if _words(members[i].item.raw) & core]
            out = [[i] for i in indices if not _words(members[i].item.raw) & core]
            kept = kept or indices
    long_text = 2 * sum(members[i].item.long_text for i in kept) >= len(kept)
    threshold = params.split_threshold_for(long_text, hybrid)
    if threshold > 0 and 2 <= len(kept) <= params.split_max_size:
        out += _split(kept, members, vectors, params, hybrid, threshold)
    else:
        out.append(kept)
    return out


def _similarity(
    indices: list[int], members: Sequence[Member], vectors: Sequence[Vector], params: ClusterParams, hybrid: bool
) -> np.ndarray:
    columns: dict[str, int] = {}
    for i in indices:
        for term in vectors[i]:
            columns.setdefault(term, len(columns))
    matrix = np.zeros((len(indices), max(len(columns), 1)))
    for row, i in enumerate(indices):
        for term, weight in vectors[i].items():
            matrix[row, columns[term]] = weight
    similarity = matrix @ matrix.T
    if hybrid:
        embeddings = np.stack([np.asarray(members[i].embedding, dtype=np.float64) for i in indices])
        lengths = np.linalg.norm(embeddings, axis=1, keepdims=True)
        unit = embeddings / np.where(lengths > 0, lengths, 1.0)
        similarity = (1.0 - params.embedding_weight) * similarity + params.embedding_weight * (unit @ unit.T)
    return similarity


def _split(
    indices: list[int], members: Sequence[Member], vectors: Sequence[Vector], params: ClusterParams,
    hybrid: bool, threshold: float,
) -> list[list[int]]:
    """Average-link agglomeration within one story, from single articles, while a pair clears `threshold`."""
    sums = _similarity(indices, members, vectors, params, hybrid)
    np.fill_diagonal(sums, 0.0)
    groups: list[list[int]] = [[i] for i in indices]
    sizes = np.ones(len(indices))
    alive = np.ones(len(indices), dtype=bool)
    while True:
        average = sums / np.outer(sizes, sizes)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        np.fill_diagonal(average, -np.inf)
        a, b = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[a, b] < threshold:
            break
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sums[a, a] = 0.0
        sizes[a] += sizes[b]
        alive[b] = False
        groups[a] += groups[b]
    return [groups[g] for g in range(len(groups)) if alive[g]]
