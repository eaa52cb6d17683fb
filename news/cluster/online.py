"""Online story clustering: each article joins the best active story or starts one (pure core).

Per item (`assign`):
1. Terms of headline + lead, names and numbers weighted up, TF-IDF with IDF over a rolling
   window of the items seen so far (news.cluster.terms).
2. Candidate stories from an inverted index over the item's rarest terms; only active stories
   are indexed, so the cost stays flat as history grows (news.cluster.index).
3. Score each candidate and join the best one that clears its threshold, else start a story:

       score = cosine(item, term-capped centroid)
               - time_penalty * idle / window
               - same_source_penalty           (if the outlet already has an article there)
       join if score >= threshold + size_slope * log2(size)
               [and, with require_shared_name, the item shares a name/number with the story]

   Among the stories that qualify, the best score + prefer_large * log2(size) wins.

4. When a story reaches size 2, 3, 4, 6, 8, 12, ... compare its centroid with its own
   candidates and merge any above `merge_threshold` (+ the size slope); see `drain_merges`.

Hybrid mode (an item that comes with a sentence embedding, from `encoder` or the caller):
the cosine above becomes (1 - w) * TF-IDF cosine + w * embedding cosine to the story's
embedding centroid (w = `embedding_weight`), judged against the `hybrid_*` thresholds, and the
candidates also include the story centroids nearest to the item's embedding
(news.cluster.centroids). `assign_many` encodes a whole batch at once, which is how the
scheduler and `cluster_records` use it.

Items without `published` arrive at the latest time seen so far. Nothing here reads the clock
or the environment.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from news.cluster.groupcache import GroupCache
from news.cluster.identity import Revision, match_groups
from news.cluster.index import Story, StoryIndex
from news.cluster.params import ClusterParams
from news.cluster.refine import Member, regroup
from news.cluster.scope import pass_scope
from news.cluster.sparse import Vector, dot, norm
from news.cluster.terms import ItemVector, TermWeigher
from news.types import ClusterItem

if TYPE_CHECKING:  # numpy stays out of the import path of the default engine
    from news.cluster.centroids import CentroidMatrix, Vec
    from news.embed import Encoder



DEFAULT_PARAMS = ClusterParams()


def _to_seconds(published: datetime) -> float:
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


class OnlineClusterer:
    def __init__(
        self,
        params: ClusterParams = DEFAULT_PARAMS,
        new_key: Callable[[], str] | None = None,
        encoder: Encoder | None = None,
    ):
        self.params = params
        self.encoder = encoder
        self._new_key = new_key or (lambda: uuid.uuid4().hex)
        self._terms = TermWeigher(params)
        self._index = StoryIndex(params.centroid_terms)
        self._vectors: CentroidMatrix | None = None  # embedding centroids, from the first embedded item on
        self._aliases: dict[str, str] = {}  # absorbed story -> survivor, while the survivor is active
        self._merges: list[tuple[str, str]] = []
        self._clock: float | None = None
        self._members: dict[str, list[Member]] = {}  # open story -> its articles, for refinement
        self._touched: set[str] = set()  # open stories changed since the last refinement pass
        self._groups = GroupCache()  # each open story's refinement group, as the last pass built it

    def assign(self, item: ClusterItem, embedding: Vec | None = None) -> str:
        """Join the best active story or start one; returns the story key.

        `embedding` (a unit vector) switches the item to hybrid scoring; without one, an
        encoder given to the clusterer embeds the item on its own (prefer `assign_many`).
        """
        if embedding is None and self.encoder is not None:
            embedding = self.encoder.encode([_embedding_text(item)])[0]
        vec = self._observe(item)
        story = self._best_story(vec, item.source, embedding) or Story(self._new_key())
        return self._commit(story, Member(item.key, vec, item.source, embedding))

    def assign_many(self, items: Sequence[ClusterItem]) -> list[str]:
        """`assign` each item in order, with one encoder call for the whole batch."""
        embeddings = self.encode(items)
        return [self.assign(item, e) for item, e in zip(items, embeddings, strict=True)]

    def restore(self, item: ClusterItem, story_key: str, embedding: Vec | None = None) -> None:
        """Replay a known assignment (e.g. from the database after a restart) without searching.

        State changes exactly as in `assign`, merges included; a key absorbed by a merge that
        this clusterer has seen resolves to its survivor.
        """
        if embedding is None and self.encoder is not None:
            embedding = self.encoder.encode([_embedding_text(item)])[0]
        vec = self._observe(item)
        key = self._aliases.get(story_key, story_key)
        self._commit(self._index.stories.get(key) or Story(key), Member(item.key, vec, item.source, embedding))

    def restore_many(self, assignments: Sequence[tuple[ClusterItem, str]]) -> None:
        embeddings = self.encode([item for item, _ in assignments])
        for (item, key), e in zip(assignments, embeddings, strict=True):
            self.restore(item, key, e)

    def drain_merges(self) -> list[tuple[str, str]]:
        """(absorbed_key, surviving_key) for each merge since the last call."""
        merges, self._merges = self._merges, []
        return merges

    @property
    def active_stories(self) -> int:
        return len(self._index.stories)

    @property
    def clock(self) -> float | None:
        """The latest `published` seen (seconds since the epoch); None before any."""
        return self._clock

    def open_members(self) -> dict[str, str]:
        """Article key -> story key, for every article of an open story."""
        return {m.key: story for story, members in self._members.items() for m in members}

    def refine(self) -> Revision:
        """Regroup what changed since the last pass (news.cluster.refine) and keep ids stable (news.cluster.identity).

        Incremental: the pass takes the stories *touched* since the last one (new articles, merges, the last
        pass's own rebuilds) and their neighbourhoods, the open stories the online path's candidate retrieval
        finds for each (news.cluster.scope); stories nobody touched were already compared at an earlier pass.
        The first pass (and the first after a restart) sees every open story touched.
        """
        scope = pass_scope(self._touched, self._members, self._neighbours)
        self._touched = set()
        members = [m for key in scope for m in self._members[key]]
        current = [key for key in scope for _ in self._members[key]]
        self._groups.now, self._groups.docs = self._clock or 0.0, self._terms.df.docs
        labels = regroup(members, current, self._terms.df.idf, self.params, self._groups)
        stories = self._index.stories
        age = {key: (stories[key].first_time, key) for key in scope}
        revision = match_groups(current, labels, age, self._new_key, tuple(m.key for m in members))
        if revision.moved:
            self._rebuild(members, current, revision)
        return revision

    @property
    def open_articles(self) -> int:
        """How many articles the open stories hold."""
        return sum(len(members) for members in self._members.values())

    def _neighbours(self, key: str) -> list[str]:
        """The open stories the online path would compare with this one (its candidate retrieval)."""
        embedding = self._vectors.unit(key) if self._vectors is not None else None
        return [story.key for story in self._candidates(self._index.stories[key].centroid, embedding)]

    def _rebuild(self, members: list[Member], current: list[str], revision: Revision) -> None:
        """Rebuild the stories whose articles changed; the others stay as they are."""
        old = self._index.stories
        absorbed = {key: list(story.absorbed) for key, story in old.items()}
        for gone, survivor in revision.merges:
            absorbed.setdefault(survivor, []).extend([gone, *absorbed.pop(gone, [])])
        changed = {k for before, after in zip(current, revision.stories, strict=True) if before != after
                   for k in (before, after)}
        for key in changed:
            if key in old:
                self._index.remove(old[key])
            if self._vectors is not None:
                self._vectors.remove(key)
            self._members.pop(key, None)
            self._groups.drop(key)
        grouped: dict[str, list[Member]] = {}
        for member, key in zip(members, revision.stories, strict=True):
            if key in changed:
                grouped.setdefault(key, []).append(member)
        for key, group in grouped.items():
            group.sort(key=lambda m: m.item.when)
            story = Story(key, absorbed=absorbed.get(key, []))
            for alias in story.absorbed:
                self._aliases[alias] = key
            for m in group:
                self._index.add_member(story, m.item.vec, m.item.when, m.source)
                if m.embedding is not None:
                    self._add_vector(key, m.embedding)
            self._members[key] = group
            self._touched.add(key)  # what it now meets is for the next pass to see

    def encode(self, items: Sequence[ClusterItem]) -> Sequence[Vec | None]:
        if self.encoder is None or not items:
            return [None] * len(items)
        return list(self.encoder.encode([_embedding_text(item) for item in items]))

    def _observe(self, item: ClusterItem) -> ItemVector:
        if item.published is not None:
            when = _to_seconds(item.published)
            if self._clock is None or when > self._clock:
                self._clock = when
                self._expire()
        else:
            when = self._clock if self._clock is not None else 0.0
        return self._terms.observe(item.title, item.summary, when)

    def _candidates(self, centroid: Vector, embedding: Vec | None) -> list[Story]:
        p = self.params
        idf = self._terms.df.idf
        query = sorted(((t, idf(t) * w) for t, w in centroid.items()), key=lambda tw: -tw[1])
        found = self._index.candidates(query[: p.query_terms], p.max_postings, p.max_candidates)
        if embedding is not None and self._vectors is not None:
            seen = {story.key for story in found}
            for key, _ in self._vectors.nearest(embedding, p.embedding_candidates, p.embedding_floor):
                if key not in seen:
                    found.append(self._index.stories[key])
        return found

    def _best_story(self, item: ItemVector, source: str, embedding: Vec | None) -> Story | None:
        p = self.params
        regime = p.regime(item.long_text, embedding is not None)
        window = p.window_hours * 3600.0
        best: Story | None = None
        best_margin = 0.0
        for story in self._candidates(item.vec, embedding):
            score = self._similarity(item.vec, embedding, story)
            score -= p.time_penalty * abs(item.when - story.last_time) / window
            if source and source in story.sources:
                score -= regime.same_source_penalty
            if p.require_shared_name and score < p.gate_bypass and item.strong.isdisjoint(story.centroid):
                continue
            margin = score - (regime.threshold + regime.size_slope * math.log2(story.size))
            if margin < 0.0:
                continue
            margin += regime.prefer_large * math.log2(story.size)
            if best is None or margin > best_margin:
                best, best_margin = story, margin
        return best

    def _similarity(self, vec: Vector, embedding: Vec | None, story: Story, vec_norm: float = 1.0) -> float:
        """TF-IDF cosine of a unit-or-`vec_norm` vector with a story, mixed with embedding cosine if any."""
        if story.norm_cache < 0:
            story.norm_cache = norm(story.centroid)
        lexical = dot(vec, story.centroid) / (story.norm_cache * vec_norm) if story.norm_cache else 0.0
        if embedding is None or self._vectors is None:
            return lexical
        w = self.params.embedding_weight
        return (1.0 - w) * lexical + w * self._vectors.cosine(story.key, embedding)

    def _commit(self, story: Story, member: Member) -> str:
        item, source, embedding = member.item, member.source, member.embedding
        self._index.add_member(story, item.vec, item.when, source)
        self._members.setdefault(story.key, []).append(member)
        self._touched.add(story.key)
        hybrid = embedding is not None
        if embedding is not None:
            self._add_vector(story.key, embedding)
        regime = self.params.regime(item.long_text, hybrid)
        if regime.merge_threshold <= 1.0 and _is_checkpoint(story.size):
            story = self._merge_around(story, regime.merge_threshold, regime.size_slope, hybrid)
        return story.key

    def _add_vector(self, key: str, embedding: Vec) -> None:
        if self._vectors is None:
            from news.cluster.centroids import CentroidMatrix

            self._vectors = CentroidMatrix(len(embedding))
        self._vectors.add(key, embedding)

    def _merge_around(self, story: Story, threshold: float, slope: float, hybrid: bool) -> Story:
        embedding = self._vectors.unit(story.key) if hybrid and self._vectors is not None else None
        for other in self._candidates(story.centroid, embedding):
            if other is story or other.key not in self._index.stories:
                continue
            if story.norm_cache < 0:
                story.norm_cache = norm(story.centroid)
            if not story.norm_cache:
                break
            sim = self._similarity(story.centroid, embedding, other, story.norm_cache)
            if sim >= threshold + slope * math.log2(story.size + other.size):
                story = self._merge(other, story)
                if embedding is not None and self._vectors is not None:
                    embedding = self._vectors.unit(story.key)
        return story

    def _merge(self, a: Story, b: Story) -> Story:
        survivor, absorbed = (a, b) if a.size >= b.size else (b, a)
        self._index.absorb(survivor, absorbed)
        if self._vectors is not None:
            self._vectors.absorb(survivor.key, absorbed.key)
        for key in [absorbed.key, *absorbed.absorbed]:
            self._aliases[key] = survivor.key
        self._members.setdefault(survivor.key, []).extend(self._members.pop(absorbed.key, []))
        self._touched.discard(absorbed.key)
        self._groups.drop(absorbed.key)
        self._touched.add(survivor.key)
        self._merges.append((absorbed.key, survivor.key))
        return survivor

    def _expire(self) -> None:
        assert self._clock is not None
        for story in self._index.expire(self._clock - self.params.window_hours * 3600.0):
            self._members.pop(story.key, None)
            self._touched.discard(story.key)
            self._groups.drop(story.key)
            if self._vectors is not None:
                self._vectors.remove(story.key)
            for key in story.absorbed:
                self._aliases.pop(key, None)


def _embedding_text(item: ClusterItem) -> str:
    from news.embed import embedding_text

    return embedding_text(item.title, item.summary)


def _is_checkpoint(size: int) -> bool:
    """Look for merges at sizes 2, 3, 4, 6, 8, 12, 16, ...: often early, rarely later."""
    if size < 2:
        return False
    if size % 3 == 0:
        size //= 3
    return size & (size - 1) == 0
