"""Online story clustering: each article joins the best active story or starts one (pure core).

Per item: extract terms (names and numbers weighted up), weight them by TF-IDF with IDF over
a rolling window of items already seen, fetch candidate stories through an inverted index
over the item's rarest terms, and join the best one if its score clears a threshold:

    score = cosine(item, term-capped centroid)
            - time_penalty * idle/window - same_source_penalty [outlet already in story]
    join if score >= threshold + size_slope * log2(story size)
            and the item shares a name/number with the story (or score >= gate_bypass)

After a story grows, it is compared with its own candidates; two stories whose centroids
agree above `merge_threshold` become one (reported by `drain_merges`).
Nothing here reads the clock or the environment: time comes from `published`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from news.cluster_index import Story, StoryIndex
from news.text import CaseStats, Term, extract_terms
from news.types import ClusterItem
from news.vectors import DocFreq, Vector, dot, norm

_DAY = 86400.0


@dataclass(frozen=True)
class ClusterParams:
    """Every tunable of the clusterer; defaults tuned on the dev sets (see bench/cluster_quality.py)."""

    window_hours: float = 72.0  # a story idle this long takes no more articles
    idf_window_days: int = 7  # IDF counts items of the last N days (by `published`)
    threshold: float = 0.10  # minimum score to join a story
    long_text_threshold: float = 0.34  # the same, for items with a lead paragraph
    size_slope: float = 0.0  # threshold rises by this per doubling of story size
    long_text_size_slope: float = 0.1  # the same, for items with a lead paragraph
    entity_boost: float = 2.0  # weight multiplier for names (capitalised words, acronyms)
    long_text_entity_boost: float = 1.0  # the same, for items with a lead (leads name many things)
    number_boost: float = 1.5  # weight multiplier for tokens with digits
    title_boost: float = 1.5  # weight multiplier for headline terms when there is a lead
    bigram_weight: float = 0.5  # weight of adjacent-term pairs relative to words (0 = off)
    time_penalty: float = 0.05  # score lost per full window of story idleness
    same_source_penalty: float = -0.05  # score lost if the outlet already has an article in the story
    require_shared_name: bool = False  # the item must share a name or number with the story...
    gate_bypass: float = 0.55  # ...unless its score is at least this
    centroid_terms: int = 80  # terms kept in a story centroid
    query_terms: int = 12  # rarest item terms used to fetch candidates
    max_postings: int = 300  # skip posting lists longer than this (too common to help)
    max_candidates: int = 40  # candidate stories scored in full per item
    merge_threshold: float = 0.35  # merge two stories whose centroids are this similar (>1 = never)


@dataclass(frozen=True, slots=True)
class _Prepared:
    vec: Vector
    strong: frozenset[str]
    when: float
    long_text: bool


def _to_seconds(published: datetime) -> float:
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


class OnlineClusterer:
    def __init__(self, params: ClusterParams = ClusterParams(), new_key: Callable[[], str] | None = None):
        self.params = params
        self._new_key = new_key or (lambda: uuid.uuid4().hex)
        self._df = DocFreq(_DAY, params.idf_window_days)
        self._case = CaseStats()
        self._index = StoryIndex(params.centroid_terms)
        self._aliases: dict[str, str] = {}
        self._merges: list[tuple[str, str]] = []
        self._clock: float | None = None

    # -- public API -------------------------------------------------------------------------
    def assign(self, item: ClusterItem) -> str:
        prepared = self._prepare(item)
        story = self._best_story(prepared, item.source)
        if story is None:
            story = Story(self._new_key())
        return self._commit(story, prepared, item.source)

    def restore(self, item: ClusterItem, story_key: str) -> None:
        prepared = self._prepare(item)
        key = self._aliases.get(story_key, story_key)
        story = self._index.stories.get(key) or Story(key)
        self._commit(story, prepared, item.source)

    def drain_merges(self) -> list[tuple[str, str]]:
        merges, self._merges = self._merges, []
        return merges

    @property
    def active_stories(self) -> int:
        return len(self._index.stories)

    # -- steps ------------------------------------------------------------------------------
    def _prepare(self, item: ClusterItem) -> _Prepared:
        if item.published is not None:
            when = _to_seconds(item.published)
            if self._clock is None or when > self._clock:
                self._clock = when
                self._expire()
        else:
            when = self._clock if self._clock is not None else 0.0
        terms = extract_terms(item.title, item.summary, self._case)
        keys = self._term_keys(terms)
        self._df.add(keys, when)
        vec, strong = self._weigh(terms, keys, bool(item.summary.strip()))
        return _Prepared(vec, strong, when, bool(item.summary.strip()))

    def _term_keys(self, terms: list[Term]) -> list[str]:
        keys = [t.text for t in terms]
        if self.params.bigram_weight > 0:
            title = [t for t in terms if t.in_title]  # headline word order is tight; a lead's is not
            keys += [f"{a.text}_{b.text}" for a, b in pairwise(title)]
        return keys

    def _weigh(self, terms: list[Term], keys: list[str], has_lead: bool) -> tuple[Vector, frozenset[str]]:
        p = self.params
        tf: dict[str, int] = {}
        boost: dict[str, float] = {}
        strong: set[str] = set()
        for term in terms:
            b = 1.0
            if term.entity:
                b *= p.long_text_entity_boost if has_lead else p.entity_boost
            if term.number:
                b *= p.number_boost
            if term.entity or term.number:
                strong.add(term.text)
            if has_lead and term.in_title:
                b *= p.title_boost
            tf[term.text] = tf.get(term.text, 0) + 1
            boost[term.text] = max(boost.get(term.text, 0.0), b)
        for key in keys[len(terms):]:
            tf[key] = tf.get(key, 0) + 1
            boost[key] = p.bigram_weight
        idf = self._df.idf
        vec = {t: (1.0 + math.log(n)) * idf(t) * boost[t] for t, n in tf.items()}
        length = norm(vec)
        if length:
            vec = {t: w / length for t, w in vec.items()}
        return vec, frozenset(strong)

    def _best_story(self, item: _Prepared, source: str) -> Story | None:
        p = self.params
        idf = self._df.idf
        query = sorted(((t, idf(t) * w) for t, w in item.vec.items()), key=lambda tw: -tw[1])
        candidates = self._index.candidates(query[: p.query_terms], p.max_postings, p.max_candidates)
        base, slope = (
            (p.long_text_threshold, p.long_text_size_slope) if item.long_text else (p.threshold, p.size_slope)
        )
        best: Story | None = None
        best_margin = 0.0
        window = p.window_hours * 3600.0
        for story in candidates:
            score = self._cosine(item.vec, story)
            score -= p.time_penalty * abs(item.when - story.last_time) / window
            if source and source in story.sources:
                score -= p.same_source_penalty
            if p.require_shared_name and score < p.gate_bypass and not any(
                t in story.centroid for t in item.strong
            ):
                continue
            margin = score - (base + slope * math.log2(story.size))
            if margin >= 0.0 and (best is None or margin > best_margin):
                best, best_margin = story, margin
        return best

    def _cosine(self, vec: Vector, story: Story) -> float:
        if story.norm_cache < 0:
            story.norm_cache = norm(story.centroid)
        return dot(vec, story.centroid) / story.norm_cache if story.norm_cache else 0.0

    def _commit(self, story: Story, item: _Prepared, source: str) -> str:
        self._index.add_member(story, item.vec, item.when, source)
        if self.params.merge_threshold <= 1.0 and _is_checkpoint(story.size):
            p = self.params
            story = self._merge_around(story, p.long_text_size_slope if item.long_text else p.size_slope)
        return story.key

    def _merge_around(self, story: Story, slope: float) -> Story:
        p = self.params
        idf = self._df.idf
        query = sorted(((t, idf(t) * w) for t, w in story.centroid.items()), key=lambda tw: -tw[1])
        for other in self._index.candidates(query[: p.query_terms], p.max_postings, p.max_candidates):
            if other is story or other.key not in self._index.stories:
                continue
            if story.norm_cache < 0:
                story.norm_cache = norm(story.centroid)
            sim = self._cosine(story.centroid, other) / story.norm_cache if story.norm_cache else 0.0
            if sim < p.merge_threshold + slope * math.log2(story.size + other.size):
                continue
            survivor, absorbed = (other, story) if other.size >= story.size else (story, other)
            self._index.absorb(survivor, absorbed)
            for key in [absorbed.key, *absorbed.absorbed]:
                self._aliases[key] = survivor.key
            self._merges.append((absorbed.key, survivor.key))
            story = survivor
        return story

    def _expire(self) -> None:
        assert self._clock is not None
        for story in self._index.expire(self._clock - self.params.window_hours * 3600.0):
            for key in story.absorbed:
                self._aliases.pop(key, None)


def _is_checkpoint(size: int) -> bool:
    """Look for merges at sizes 2, 3, 4, 6, 8, 12, 16, ...: often early, rarely later."""
    return size >= 2 and (size & (size - 1) == 0 or (size % 3 == 0 and (size // 3) & (size // 3 - 1) == 0))


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def cluster_records(
    records: Iterable[Mapping[str, Any]], params: ClusterParams = ClusterParams()
) -> Iterator[tuple[str, str]]:
    """records are dicts with id, title, summary, source, url, published (ISO-8601 string or None);
    processed in the given order; yields (id, story) for each. Story keys are s1, s2, ... in order
    of creation, so a run is reproducible; a merge affects only later items."""
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
