"""Active stories and the inverted index that finds candidate stories for an item (pure).

A story is indexed under the terms of its (term-capped) centroid. An item looks up only its
rarest terms and skips posting lists longer than a cap, so the cost of a lookup depends on how
many stories are active, not on how many were ever made. Expired stories leave the index.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from news.cluster.sparse import Vector, add_into


@dataclass
class Story:
    key: str
    centroid: Vector = field(default_factory=dict)  # sum of member unit vectors, term-capped
    size: int = 0
    first_time: float = 0.0
    last_time: float = 0.0
    sources: set[str] = field(default_factory=set)
    absorbed: list[str] = field(default_factory=list)
    norm_cache: float = -1.0


class StoryIndex:
    def __init__(self, centroid_terms: int) -> None:
        self._cap = centroid_terms
        self.stories: dict[str, Story] = {}
        self.postings: dict[str, dict[str, None]] = {}  # dicts, not sets: a reproducible order
        self._expiry: list[tuple[float, str]] = []

    def add_member(self, story: Story, vec: Vector, when: float, source: str) -> None:
        """Fold one item (unit vector) into a story and keep the index in step."""
        if story.key not in self.stories:
            self.stories[story.key] = story
            story.first_time = when
            story.last_time = when
        centroid = story.centroid
        added = [t for t in vec if t not in centroid]  # an item's ~10 terms, not the centroid's ~100
        add_into(centroid, vec)
        self._finish_update(story, added, when)
        story.size += 1
        if source:
            story.sources.add(source)

    def absorb(self, survivor: Story, absorbed: Story) -> None:
        centroid = survivor.centroid
        added = [t for t in absorbed.centroid if t not in centroid]
        add_into(centroid, absorbed.centroid)
        survivor.size += absorbed.size
        survivor.sources |= absorbed.sources
        survivor.first_time = min(survivor.first_time, absorbed.first_time)
        survivor.absorbed += [absorbed.key, *absorbed.absorbed]
        self.remove(absorbed)
        self._finish_update(survivor, added, max(survivor.last_time, absorbed.last_time))

    def _finish_update(self, story: Story, added: list[str], when: float) -> None:
        """Post the story under its `added` terms, and cap its centroid (unposting the terms that fall off)."""
        centroid = story.centroid
        postings = self.postings
        key = story.key
        for term in added:
            postings.setdefault(term, {})[key] = None
        if len(centroid) > self._cap * 3 // 2:
            # Term cap: an outlier's own words carry 1/size of the weight and fall off here,
            # so one odd member cannot drag the story towards its topic.
            keep = sorted(centroid, key=centroid.__getitem__, reverse=True)[: self._cap]
            kept = {t: centroid[t] for t in keep}
            for term in centroid:
                if term not in kept:
                    posting = postings[term]
                    del posting[key]
                    if not posting:
                        del postings[term]
            story.centroid = kept
        story.norm_cache = -1.0
        if when > story.last_time:
            story.last_time = when
        heapq.heappush(self._expiry, (story.last_time, key))

    def remove(self, story: Story) -> None:
        postings = self.postings
        for term in story.centroid:
            posting = postings.get(term)
            if posting is not None:
                posting.pop(story.key, None)
                if not posting:
                    del postings[term]
        del self.stories[story.key]

    def expire(self, cutoff: float) -> list[Story]:
        """Remove stories idle since before `cutoff`; returns them."""
        gone: list[Story] = []
        heap = self._expiry
        while heap and heap[0][0] < cutoff:
            last, key = heapq.heappop(heap)
            story = self.stories.get(key)
            if story is not None and story.last_time == last:
                self.remove(story)
                gone.append(story)
        return gone

    def candidates(self, query: list[tuple[str, float]], max_postings: int, limit: int) -> list[Story]:
        """Stories sharing the most query weight, from posting lists no longer than `max_postings`."""
        votes: dict[str, float] = {}
        get = votes.get
        for term, weight in query:
            posting = self.postings.get(term)
            if posting is None or len(posting) > max_postings:
                continue
            for key in posting:
                votes[key] = get(key, 0.0) + weight
        if len(votes) > limit:
            return [self.stories[k] for k in heapq.nlargest(limit, votes, key=votes.__getitem__)]
        return [self.stories[k] for k in votes]
