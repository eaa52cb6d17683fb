"""Refinement: regroup the open window's articles in one batch, with what only hindsight gives (pure).

The online path decides at once and never changes its mind, so a story's early articles can end up
in fragments. A pass here takes every article of the open stories and regroups them:

1. Each article's terms are re-weighed with the IDF as it is *now* (the window's whole vocabulary),
   the same TF-IDF as the online path, mixed with embedding cosine in hybrid mode.
2. A sparse k-nearest-neighbour graph (one sparse matrix product; plus the embedding neighbours)
   says which pairs may ever be compared, so the cost grows with the window, not its square.
3. Agglomerative clustering over that graph: the most similar pair of groups is merged while the
   similarity of their centroids clears the threshold of their regime (headline-only or with a lead,
   TF-IDF or hybrid), less the same time penalty as the online path. The centroid cosine of two
   groups is the average link of all their members' pairs, so a group can only grow by what it has
   in common as a whole; articles that still share a story get `refine_stickiness` on top, which
   keeps churn low where the evidence is even.

Why not scikit-learn's `AgglomerativeClustering(connectivity=...)`: it needs dense features or a
dense n x n distance matrix, and it first joins every connected component of the graph (thousands
of singletons here) by brute force; both are quadratic in the window.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from news.cluster.groupcache import GroupCache, Snapshot
from news.cluster.params import ClusterParams
from news.cluster.sparse import Vector, add_into, dot, norm
from news.cluster.terms import ItemVector

if TYPE_CHECKING:
    from news.cluster.centroids import Vec

__all__ = ["Member", "regroup"]


@dataclass(slots=True)
class Member:
    """One article of an open story, as the clusterer keeps it for refinement."""

    key: str
    item: ItemVector
    source: str
    embedding: Vec | None = None


@dataclass(slots=True)
class _Group:
    terms: Vector
    embedding: Vec | None
    size: int
    first: float
    last: float
    long_count: int
    story: str  # the current story of its first member, for stickiness; "" once members disagree
    neighbours: set[int] = field(default_factory=set)
    stamp: int = 0
    norm_cache: float = -1.0

    def length(self) -> float:
        if self.norm_cache < 0:
            self.norm_cache = norm(self.terms)
        return self.norm_cache


def regroup(
    members: Sequence[Member], stories: Sequence[str], idf: Callable[[str], float], params: ClusterParams,
    cache: GroupCache | None = None,
) -> list[int]:
    """A group label per member (0..k-1, in order of first appearance); `stories` are their current stories.

    Groups start as the current stories, less the members that fit their story worse than
    `refine_eject` (cosine to its hindsight centroid), which start alone. A story's members must be
    in the order of its article list; with a `cache` (news.cluster.groupcache), a story's start group
    is its cached group plus the members that arrived since (never with `refine_eject`, which needs
    every member's vector).
    """
    n = len(members)
    if n < 2:
        return list(range(n))
    from news.cluster.eject import pieces  # numpy and scipy stay off the import path of `assign`
    from news.cluster.graph import neighbour_pairs

    hybrid = all(m.embedding is not None for m in members)
    splits = any(params.split_threshold_for(long_text, hybrid) > 0 for long_text in (False, True))
    if cache is not None and params.refine_eject <= 0 and params.refine_hindsight and not splits:
        start, groups = _start_cached(members, stories, idf, params, hybrid, cache)
    else:
        vectors = _reweigh_all(members, idf) if params.refine_hindsight else [m.item.vec for m in members]
        start = [piece for story in _start(members, vectors, stories, params.refine_eject)
                 for piece in pieces(story, members, vectors, params, hybrid)]
        groups = [_build(members, [vectors[i] for i in indices], stories, indices, None, params.centroid_terms)
                  for indices in start]
    units = [_reweigh(g.terms, lambda _t: 1.0) for g in groups]
    embeddings = [g.embedding for g in groups] if hybrid else None
    pairs = neighbour_pairs(units, embeddings, params)
    merged = _agglomerate(groups, pairs, params, hybrid)
    labels = [0] * n
    for indices, label in zip(start, merged, strict=True):
        for i in indices:
            labels[i] = label
    seen: dict[int, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]


def _build(members: Sequence[Member], vectors: Sequence[Vector], stories: Sequence[str], indices: Sequence[int],
           group: _Group | None, cap: int) -> _Group:
    """`group` (a fresh copy; None: none) with the members at `indices` folded in (`vectors` align with `indices`)."""
    for i, vec in zip(indices, vectors, strict=True):
        single = _singleton(members[i], vec, stories[i])
        if group is None:
            group = single
        else:
            _absorb(group, single, cap)
    assert group is not None
    return group


def _start_cached(members: Sequence[Member], stories: Sequence[str], idf: Callable[[str], float],
                  params: ClusterParams, hybrid: bool, cache: GroupCache) -> tuple[list[list[int]], list[_Group]]:
    """One start group per story: its cached group and the members since, or all its members re-weighed now.

    A story that ejects members (news.cluster.eject: they share none of its core terms; the split is off here)
    starts as its kept members, re-weighed, and each ejected one alone; its cached group is dropped (it held them).
    """
    from news.cluster.eject import pieces

    cap = params.centroid_terms
    by_story: dict[str, list[int]] = {}
    for i, story in enumerate(stories):
        by_story.setdefault(story, []).append(i)
    factors: dict[str, float] = {}
    start: list[list[int]] = []
    groups: list[_Group] = []
    for story, indices in by_story.items():
        cut = pieces(indices, members, (), params, hybrid)
        if len(cut) > 1:
            cache.drop(story)
            for piece in cut:
                vectors = _reweigh_all([members[i] for i in piece], idf, factors)
                start.append(piece)
                groups.append(_build(members, vectors, stories, piece, None, cap))
            continue
        snap = cache.usable(story, len(indices))
        base = None if snap is None else _Group(dict(snap.terms), _copy(snap.embedding), snap.size, snap.first,
                                                snap.last, snap.long_count, story)
        new = indices[snap.size:] if snap is not None else indices
        vectors = _reweigh_all([members[i] for i in new], idf, factors)
        group = _build(members, vectors, stories, new, base, cap)
        cache.store(story, Snapshot(dict(group.terms), _copy(group.embedding), group.size, group.first, group.last,
                                    group.long_count, cache.now if snap is None else snap.built,
                                    cache.docs if snap is None else snap.docs))
        start.append(indices)
        groups.append(group)
    return start, groups


def _copy(embedding: Vec | None) -> Vec | None:
    return None if embedding is None else embedding.copy()


def _start(members: Sequence[Member], vectors: list[Vector], stories: Sequence[str], eject: float) -> list[list[int]]:
    by_story: dict[str, list[int]] = {}
    for i, story in enumerate(stories):
        by_story.setdefault(story, []).append(i)
    start: list[list[int]] = []
    for indices in by_story.values():
        if eject > 0 and len(indices) > 2:
            centroid: Vector = {}
            for i in indices:
                add_into(centroid, vectors[i])
            length = norm(centroid) or 1.0
            fits = [i for i in indices if dot(vectors[i], centroid) / length >= eject]
            start += [[i] for i in indices if i not in set(fits)]
            indices = fits or indices
        start.append(indices)
    return [s for s in start if s]


def _reweigh_all(members: Sequence[Member], idf: Callable[[str], float],
                 factors: dict[str, float] | None = None) -> list[Vector]:
    """Each member's raw term weights x the IDF as it is now, unit length (one IDF look-up per distinct term)."""
    factors = {} if factors is None else factors
    out: list[Vector] = []
    for member in members:
        vec: Vector = {}
        total = 0.0
        for term, weight in member.item.raw.items():
            factor = factors.get(term)
            if factor is None:
                factor = factors[term] = idf(term)
            value = vec[term] = weight * factor
            total += value * value
        if total:
            scale = 1.0 / math.sqrt(total)
            vec = {t: w * scale for t, w in vec.items()}
        out.append(vec)
    return out


def _reweigh(raw: Vector, idf: Callable[[str], float]) -> Vector:
    vec = {t: w * idf(t) for t, w in raw.items()}
    length = norm(vec)
    return {t: w / length for t, w in vec.items()} if length else vec


def _singleton(member: Member, vec: Vector, story: str) -> _Group:
    when = member.item.when
    emb = None if member.embedding is None else member.embedding.astype("float32", copy=True)
    return _Group(dict(vec), emb, 1, when, when, int(member.item.long_text), story)


def _agglomerate(groups: list[_Group], pairs: list[tuple[int, int]], p: ClusterParams, hybrid: bool) -> list[int]:
    parent = list(range(len(groups)))
    floor = min(p.refine_threshold_for(long, hybrid) for long in (False, True))
    heap: list[tuple[float, int, int, int, int]] = []
    for i, j in pairs:
        groups[i].neighbours.add(j)
        groups[j].neighbours.add(i)
        link = _link(groups[i], groups[j], p, hybrid)
        if link >= floor:
            heap.append((-link, i, j, 0, 0))
    heapq.heapify(heap)
    while heap:
        negative, i, j, si, sj = heapq.heappop(heap)
        if -negative < floor:
            break
        a, b = groups[i], groups[j]
        if parent[i] != i or parent[j] != j or a.stamp != si or b.stamp != sj:
            continue
        if -negative < _threshold(a, b, p, hybrid):
            continue
        keep, gone = (i, j) if a.size >= b.size else (j, i)
        parent[gone] = keep
        _merge(groups, keep, gone, p.centroid_terms)
        survivor = groups[keep]
        for other in survivor.neighbours:
            link = _link(survivor, groups[other], p, hybrid)
            if link >= floor:
                heapq.heappush(heap, (-link, keep, other, survivor.stamp, groups[other].stamp))
    return _labels(parent)


def _absorb(a: _Group, b: _Group, cap: int) -> None:
    add_into(a.terms, b.terms)
    if len(a.terms) > cap * 3 // 2:
        top = sorted(a.terms, key=a.terms.__getitem__, reverse=True)[:cap]
        a.terms = {t: a.terms[t] for t in top}
    if a.embedding is not None and b.embedding is not None:
        a.embedding += b.embedding
    a.size += b.size
    a.first, a.last = min(a.first, b.first), max(a.last, b.last)
    a.long_count += b.long_count
    if a.story != b.story:
        a.story = ""
    a.norm_cache = -1.0


def _merge(groups: list[_Group], keep: int, gone: int, cap: int) -> None:
    a, b = groups[keep], groups[gone]
    _absorb(a, b, cap)
    for other in b.neighbours:
        groups[other].neighbours.discard(gone)
        if other != keep:
            groups[other].neighbours.add(keep)
    a.neighbours |= b.neighbours
    a.neighbours -= {keep, gone}
    b.neighbours = set()
    a.stamp += 1
    b.stamp += 1


def _threshold(a: _Group, b: _Group, p: ClusterParams, hybrid: bool) -> float:
    long_text = 2 * (a.long_count + b.long_count) >= a.size + b.size
    slope = p.regime(long_text, hybrid).size_slope
    return p.refine_threshold_for(long_text, hybrid) + slope * math.log2(a.size + b.size)


def _link(a: _Group, b: _Group, p: ClusterParams, hybrid: bool) -> float:
    la, lb = a.length(), b.length()
    lexical = dot(a.terms, b.terms) / (la * lb) if la and lb else 0.0
    score = lexical
    if hybrid and a.embedding is not None and b.embedding is not None:
        ea, eb = a.embedding, b.embedding
        cosine = float(ea @ eb) / math.sqrt(float(ea @ ea) * float(eb @ eb) or 1.0)
        score = (1.0 - p.embedding_weight) * lexical + p.embedding_weight * cosine
    gap = max(0.0, max(a.first, b.first) - min(a.last, b.last))
    score -= p.time_penalty * gap / (p.window_hours * 3600.0)
    if a.story and a.story == b.story:
        score += p.refine_stickiness
    return score


def _labels(parent: list[int]) -> list[int]:
    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[int, int] = {}
    return [seen.setdefault(root(i), len(seen)) for i in range(len(parent))]
