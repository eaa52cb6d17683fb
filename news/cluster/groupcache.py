"""Refinement's memory between passes: each open story's group as the last pass built it (pure).

A pass starts from one group per story: the sum of its articles' term vectors re-weighed with the
IDF as it is at the pass (hindsight), term-capped, plus the embedding sum. Rebuilding that from every
article at every pass costs the whole window each time. A story's group is kept here instead, with
how many of its articles it holds; the next pass folds in only the articles that arrived since.

The older articles keep the IDF of the pass that weighed them. A group is weighed afresh from all its
articles when that IDF has aged: after `REFRESH_SECONDS` of stream time, or when the window's document
count has moved by more than `DRIFT` (a share) since. The clusterer drops a story's entry whenever its
article list is rebuilt (a pass moved articles in or out), merged away, or expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from news.cluster.sparse import Vector

if TYPE_CHECKING:
    from news.cluster.centroids import Vec

__all__ = ["DRIFT", "REFRESH_SECONDS", "GroupCache", "Snapshot"]

REFRESH_SECONDS = 6 * 3600.0
DRIFT = 0.1


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A story's start group at a pass: never mutated once stored (a pass works on copies)."""

    terms: Vector
    embedding: Vec | None
    size: int  # how many of the story's articles (a prefix of its list) it holds
    first: float
    last: float
    long_count: int
    built: float  # stream time of the pass that weighed its oldest articles
    docs: int  # the IDF's document count then


class GroupCache:
    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}
        self.now = 0.0  # the stream time of the pass (the clusterer sets it)
        self.docs = 0  # the IDF's document count at the pass

    def __len__(self) -> int:
        return len(self._snapshots)

    def usable(self, story: str, articles: int) -> Snapshot | None:
        """The story's snapshot, if its IDF is fresh and it holds no more than the story's `articles`."""
        snap = self._snapshots.get(story)
        if snap is None:
            return None
        fresh = self.now - snap.built <= REFRESH_SECONDS and abs(self.docs - snap.docs) <= DRIFT * max(snap.docs, 1)
        if not fresh or snap.size > articles:
            del self._snapshots[story]
            return None
        return snap

    def store(self, story: str, snapshot: Snapshot) -> None:
        self._snapshots[story] = snapshot

    def drop(self, story: str) -> None:
        self._snapshots.pop(story, None)
