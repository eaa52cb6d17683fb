"""Online story clustering: each article joins the best active story or starts one (pure core).

Per item (`assign`):
1. Terms of headline + lead, names and numbers weighted up, TF-IDF with IDF over a rolling
   window of the items seen so far (news.cluster_terms).
2. Candidate stories from an inverted index over the item's rarest terms; only active stories
   are indexed, so the cost stays flat as history grows (news.cluster_index).
3. Score each candidate and join the best one that clears its threshold, else start a story:

       score = cosine(item, term-capped centroid)
               - time_penalty * idle / window
               - same_source_penalty           (if the outlet already has an article there)
       join if score >= threshold + size_slope * log2(size)
               [and, with require_shared_name, the item shares a name/number with the story]

   Among the stories that qualify, the best score + prefer_large * log2(size) wins.

4. When a story reaches size 2, 3, 4, 6, 8, 12, ... compare its centroid with its own
   candidates and merge any above `merge_threshold` (+ the size slope); see `drain_merges`.

Items without `published` arrive at the latest time seen so far. Nothing here reads the clock
or the environment.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from news.cluster_index import Story, StoryIndex
from news.cluster_params import ClusterParams
from news.cluster_terms import ItemVector, TermWeigher
from news.types import ClusterItem
from news.vectors import Vector, dot, norm

__all__ = ["DEFAULT_PARAMS", "ClusterParams", "OnlineClusterer", "cluster_records"]

DEFAULT_PARAMS = ClusterParams()


def _to_seconds(published: datetime) -> float:
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


class OnlineClusterer:
    def __init__(self, params: ClusterParams = DEFAULT_PARAMS, new_key: Callable[[], str] | None = None):
        self.params = params
        self._new_key = new_key or (lambda: uuid.uuid4().hex)
        self._terms = TermWeigher(params)
        self._index = StoryIndex(params.centroid_terms)
        self._aliases: dict[str, str] = {}  # absorbed story -> survivor, while the survivor is active
        self._merges: list[tuple[str, str]] = []
        self._clock: float | None = None

    def assign(self, item: ClusterItem) -> str:
        """Join the best active story or start one; returns the story key."""
        vec = self._observe(item)
        story = self._best_story(vec, item.source) or Story(self._new_key())
        return self._commit(story, vec, item.source)

    def restore(self, item: ClusterItem, story_key: str) -> None:
        """Replay a known assignment (e.g. from the database after a restart) without searching.

        State changes exactly as in `assign`, merges included; a key absorbed by a merge that
        this clusterer has seen resolves to its survivor.
        """
        vec = self._observe(item)
        key = self._aliases.get(story_key, story_key)
        self._commit(self._index.stories.get(key) or Story(key), vec, item.source)

    def drain_merges(self) -> list[tuple[str, str]]:
        """(absorbed_key, surviving_key) for each merge since the last call."""
        merges, self._merges = self._merges, []
        return merges

    @property
    def active_stories(self) -> int:
        return len(self._index.stories)

    def _observe(self, item: ClusterItem) -> ItemVector:
        if item.published is not None:
            when = _to_seconds(item.published)
            if self._clock is None or when > self._clock:
                self._clock = when
                self._expire()
        else:
            when = self._clock if self._clock is not None else 0.0
        return self._terms.observe(item.title, item.summary, when)

    def _best_story(self, item: ItemVector, source: str) -> Story | None:
        p = self.params
        idf = self._terms.df.idf
        query = sorted(((t, idf(t) * w) for t, w in item.vec.items()), key=lambda tw: -tw[1])
        candidates = self._index.candidates(query[: p.query_terms], p.max_postings, p.max_candidates)
        base, slope, prefer_large = (
            (p.long_text_threshold, p.long_text_size_slope, p.long_text_prefer_large)
            if item.long_text
            else (p.threshold, p.size_slope, p.prefer_large)
        )
        same_source = p.long_text_same_source_penalty if item.long_text else p.same_source_penalty
        window = p.window_hours * 3600.0
        best: Story | None = None
        best_margin = 0.0
        for story in candidates:
            score = self._cosine(item.vec, story)
            score -= p.time_penalty * abs(item.when - story.last_time) / window
            if source and source in story.sources:
                score -= same_source
            if p.require_shared_name and score < p.gate_bypass and item.strong.isdisjoint(story.centroid):
                continue
            margin = score - (base + slope * math.log2(story.size))
            if margin < 0.0:
                continue
            margin += prefer_large * math.log2(story.size)
            if best is None or margin > best_margin:
                best, best_margin = story, margin
        return best

    def _cosine(self, vec: Vector, story: Story) -> float:
        if story.norm_cache < 0:
            story.norm_cache = norm(story.centroid)
        return dot(vec, story.centroid) / story.norm_cache if story.norm_cache else 0.0

    def _commit(self, story: Story, item: ItemVector, source: str) -> str:
        p = self.params
        self._index.add_member(story, item.vec, item.when, source)
        threshold, slope = (
            (p.long_text_merge_threshold, p.long_text_size_slope)
            if item.long_text
            else (p.merge_threshold, p.size_slope)
        )
        if threshold <= 1.0 and _is_checkpoint(story.size):
            story = self._merge_around(story, threshold, slope)
        return story.key

    def _merge_around(self, story: Story, threshold: float, slope: float) -> Story:
        p = self.params
        idf = self._terms.df.idf
        query = sorted(((t, idf(t) * w) for t, w in story.centroid.items()), key=lambda tw: -tw[1])
        for other in self._index.candidates(query[: p.query_terms], p.max_postings, p.max_candidates):
            if other is story or other.key not in self._index.stories:
                continue
            if story.norm_cache < 0:
                story.norm_cache = norm(story.centroid)
            sim = self._cosine(story.centroid, other) / story.norm_cache if story.norm_cache else 0.0
            if sim >= threshold + slope * math.log2(story.size + other.size):
                story = self._merge(other, story)
        return story

    def _merge(self, a: Story, b: Story) -> Story:
        survivor, absorbed = (a, b) if a.size >= b.size else (b, a)
        self._index.absorb(survivor, absorbed)
        for key in [absorbed.key, *absorbed.absorbed]:
            self._aliases[key] = survivor.key
        self._merges.append((absorbed.key, survivor.key))
        return survivor

    def _expire(self) -> None:
        assert self._clock is not None
        for story in self._index.expire(self._clock - self.params.window_hours * 3600.0):
            for key in story.absorbed:
                self._aliases.pop(key, None)


def _is_checkpoint(size: int) -> bool:
    """Look for merges at sizes 2, 3, 4, 6, 8, 12, 16, ...: often early, rarely later."""
    if size < 2:
        return False
    if size % 3 == 0:
        size //= 3
    return size & (size - 1) == 0


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def cluster_records(
    records: Iterable[Mapping[str, Any]], params: ClusterParams = DEFAULT_PARAMS
) -> Iterator[tuple[str, str]]:
    """records are dicts with id, title, summary, source, url, published (ISO-8601 string or None);
    processed in the given order; yields (id, story) for each.

    Story keys are "s1", "s2", ... in order of creation, so a run is reproducible. A merge
    affects later items only: earlier outputs are not revised, and later items get the survivor.
    """
    counter = iter(range(1, 1 << 62))
    clusterer = OnlineClusterer(params, new_key=lambda: f"s{next(counter)}")
    for rec in records:
        item = ClusterItem(
            key=str(rec["id"]),
            title=str(rec.get("title") or ""),
            summary=str(rec.get("summary") or ""),
            source=str(rec.get("source") or ""),
            published=_parse_time(rec.get("published")),
        )
        yield item.key, clusterer.assign(item)
