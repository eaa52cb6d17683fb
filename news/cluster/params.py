"""The clusterer's tunables, in one frozen value (defaults tuned on the dev sets only).

Items with a lead paragraph ("long text") get their own thresholds: a lead shares far more
words with loosely related articles than a bare headline does, so the same cosine means less.
That is one parameter set for both benchmark sets, switched per item by what the item carries.

Tied items (a whole UCI day; all of AllSides) may arrive in any order, and one order's score
can be off by 0.01-0.02 from another's, so the defaults are chosen on the mean over several
orders (`bench/cluster_quality.py --orders 4`), never on the file order alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class ClusterParams:
    """Every tunable of the clusterer; see bench/cluster_quality.py for how the defaults score."""

    # time
    window_hours: float = 72.0  # a story idle longer than this takes no more articles
    time_penalty: float = 0.75  # score lost per full window of story idleness
    idf_window_days: int = 7  # IDF counts the items of the last N days seen so far
    # joining
    threshold: float = 0.10  # minimum score for a headline-only item to join a story
    long_text_threshold: float = 0.34  # the same, for items with a lead paragraph
    size_slope: float = 0.0  # threshold rises by this per doubling of story size
    long_text_size_slope: float = 0.10  # the same, for items with a lead (guards against catch-alls)
    same_source_penalty: float = -0.05  # score change if the outlet is already in the story (<0: bonus)
    long_text_same_source_penalty: float = 0.1  # the same, for items with a lead
    prefer_large: float = 0.04  # among stories that qualify, rank up by this per doubling of size
    long_text_prefer_large: float = 0.0  # the same, for items with a lead
    require_shared_name: bool = False  # the item must share a name or number with the story...
    gate_bypass: float = 0.55  # ...unless its score is at least this
    # term weights
    entity_boost: float = 1.3  # multiplier for names (capitalised mid-sentence, acronyms)
    long_text_entity_boost: float = 1.0  # the same, for items with a lead
    number_boost: float = 1.5  # multiplier for tokens with digits
    title_boost: float = 1.3  # multiplier for headline terms when there is a lead
    bigram_weight: float = 0.5  # weight of adjacent headline-term pairs (0 = off)
    long_text_bigram_weight: float = 0.0  # the same, for items with a lead
    # stories and retrieval
    centroid_terms: int = 80  # terms kept in a story centroid (the rest are an outlier's noise)
    query_terms: int = 16  # rarest item terms used to fetch candidate stories
    max_postings: int = 300  # skip posting lists longer than this (too common to help)
    max_candidates: int = 20  # candidate stories scored in full per item
    # merging
    merge_threshold: float = 2.0  # merge two stories whose centroids are this similar (>1 = never: refinement merges)
    long_text_merge_threshold: float = 2.0  # the same, when the growing story's newest item has a lead
    # hybrid mode (items with a sentence embedding; news.embed): score mixes in embedding cosine
    embedding_weight: float = 0.5  # score = (1 - w) * TF-IDF cosine + w * embedding cosine
    embedding_candidates: int = 8  # nearest story centroids added to the term-index candidates
    embedding_floor: float = 0.35  # ...when their embedding cosine is at least this
    hybrid_threshold: float = 0.24  # `threshold` in hybrid mode
    hybrid_long_text_threshold: float = 0.48  # `long_text_threshold` in hybrid mode
    hybrid_merge_threshold: float = 2.0  # `merge_threshold` in hybrid mode
    hybrid_long_text_merge_threshold: float = 2.0  # `long_text_merge_threshold` in hybrid mode
    # refinement (news.cluster.refine): regroup the open window every few minutes of stream time
    refine_every_minutes: float = 5.0  # a pass when this much (published) time has passed since the last (0 = never)
    refine_neighbours: int = 10  # k of the k-nearest-neighbour graph that groups may merge along
    refine_edge_floor: float = 0.05  # lexical neighbours less similar than this are no edge
    refine_threshold: float = 0.25  # two groups of headline-only articles this similar become one
    refine_long_text_threshold: float = 0.50  # the same, for groups of articles with a lead
    refine_hybrid_threshold: float = 0.35  # `refine_threshold` in hybrid mode
    refine_hybrid_long_text_threshold: float = 0.65  # `refine_long_text_threshold` in hybrid mode
    refine_hindsight: bool = True  # re-weigh terms with the IDF as it is at the pass (False: as at arrival)
    refine_eject: float = 0.0  # an article less similar than this to its story's centroid starts alone (0 = never)
    refine_stickiness: float = 0.0  # link bonus for groups whose articles share a story now (less churn)
    # ejects and splits before a pass merges (news.cluster.eject)
    eject_core_share: float = 0.1  # an article with none of the terms this share of its story carries starts alone
    split_threshold: float = 0.0  # a headline-only story is cut into pieces whose average link is below this
    long_text_split_threshold: float = 0.0  # the same for a story of articles with a lead
    hybrid_split_threshold: float = 0.0  # `split_threshold` in hybrid mode (0: no split)
    hybrid_long_text_split_threshold: float = 0.0  # `long_text_split_threshold` in hybrid mode
    split_max_size: int = 60  # larger stories are not split (the cost is the square of the size)

    def refine_threshold_for(self, long_text: bool, hybrid: bool) -> float:
        """The similarity at which refinement merges two groups (by their articles' majority: lead or not)."""
        if long_text:
            return self.refine_hybrid_long_text_threshold if hybrid else self.refine_long_text_threshold
        return self.refine_hybrid_threshold if hybrid else self.refine_threshold

    def split_threshold_for(self, long_text: bool, hybrid: bool) -> float:
        """The average link below which a story's pieces part before a pass (0: never split)."""
        if long_text:
            return self.hybrid_long_text_split_threshold if hybrid else self.long_text_split_threshold
        return self.hybrid_split_threshold if hybrid else self.split_threshold

    def regime(self, long_text: bool, hybrid: bool) -> Regime:
        """The thresholds that apply to an item: headline-only or with a lead, hybrid or TF-IDF only."""
        if long_text:
            return Regime(
                self.hybrid_long_text_threshold if hybrid else self.long_text_threshold,
                self.long_text_size_slope, self.long_text_prefer_large, self.long_text_same_source_penalty,
                self.hybrid_long_text_merge_threshold if hybrid else self.long_text_merge_threshold,
            )
        return Regime(
            self.hybrid_threshold if hybrid else self.threshold,
            self.size_slope, self.prefer_large, self.same_source_penalty,
            self.hybrid_merge_threshold if hybrid else self.merge_threshold,
        )


@dataclass(frozen=True, slots=True)
class Regime:
    threshold: float
    size_slope: float
    prefer_large: float
    same_source_penalty: float
    merge_threshold: float


def params_with(base: ClusterParams | None = None, **overrides: Any) -> ClusterParams:
    """`base` (default: the defaults) with the overrides that are not None; unknown names raise."""
    known = {f.name for f in fields(ClusterParams)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown cluster parameter(s): {', '.join(sorted(unknown))}")
    return replace(base or ClusterParams(), **{k: v for k, v in overrides.items() if v is not None})
