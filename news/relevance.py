"""How well a story answers a search (pure): each query word counts by its rarity, and by how much of the story
is about it.

    score(story) = sum over the query's words w of  idf(w) * (COVERED + SHARE * share(w) + TITLED * titled(w))

- idf(w) = ln(1 + (N - df + 0.5) / (df + 0.5)), BM25's, over the articles holding a form of w (`df`, capped by
  storage) among all `N`: a rare name decides more than a common word.
- share(w): the fraction of the story's articles holding w. One article among 150 that mentions "jagger" makes the
  story mention it, not be about it.
- titled(w): 1 when some article holds w in its title (the search index says so, by stem): headlines are the
  story's core text.
A story holding the rarer words outranks one holding more common ones; among equals, the more central the words,
the higher. The caller decides how much of the query a story must hold to count as found (`share` in the result).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from news.words import stem, tokens

__all__ = ["COVERED", "K1", "SHARE", "TITLED", "TITLE_WEIGHT", "B", "Match", "field_scores", "idf_weights", "relevance"]

COVERED = 1.0
SHARE = 0.5
TITLED = 0.5
Match = tuple[int, bool, int]  # (story id, whether the article's title holds the word, the story's article count)


def _idf(df: int, total: int) -> float:
    total = max(total, df)
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def idf_weights(matches: Sequence[Sequence[Match]], total: int) -> list[float]:
    """Each word's idf: by the articles holding it among about `total`."""
    return [_idf(len(found), total) for found in matches]


def relevance(groups: Sequence[Sequence[str]], matches: Sequence[Sequence[Match]],
              total: int) -> dict[int, tuple[float, float]]:
    """Story id -> (the share of the query it holds, score), for every story holding some word of it. The share
    weighs each word by its idf, a word no article holds by the highest idf there is. `matches[i]` are the
    articles holding a form of `groups[i]`; `total` is about how many articles there are."""
    scores: defaultdict[int, float] = defaultdict(float)
    covered: defaultdict[int, float] = defaultdict(float)
    query_weight = sum(_idf(len(found), total) for found in matches)
    for _forms, found in zip(groups, matches, strict=True):
        if not found:
            continue
        weight = _idf(len(found), total)
        per_story: dict[int, tuple[int, bool, int]] = {}
        for story_id, in_title, size in found:
            count, titled, _ = per_story.get(story_id, (0, False, size))
            per_story[story_id] = (count + 1, titled or in_title, size)
        for story_id, (count, titled, size) in per_story.items():
            share = min(1.0, count / max(size, 1))
            scores[story_id] += weight * (COVERED + SHARE * share + TITLED * titled)
            covered[story_id] += weight
    return {story_id: (covered[story_id] / query_weight, score) for story_id, score in scores.items()}


TITLE_WEIGHT = 3.0  # a word in a headline counts as this many in a lead
K1 = 1.2  # BM25's saturation: the second mention of a word adds less than the first
B = 0.75  # BM25's length normalization, per field


def _stems(forms: Sequence[str]) -> frozenset[str]:
    return frozenset(stem(form) for form in forms)


def field_scores(groups: Sequence[Sequence[str]], weights: Sequence[float],
                 stories: dict[int, Sequence[tuple[str, str]]]) -> dict[int, float]:
    """BM25F over each story's articles (title, lead): per word, its frequency in titles (TITLE_WEIGHT) and leads,
    each normalized by its field's length against the average, averaged over the story's articles (how much of
    the story is about it), then saturated (K1) and weighted by the word's idf (`weights`)."""
    wanted = [_stems(forms) for forms in groups]
    tokenized = {sid: [([stem(w) for w in tokens(t)], [stem(w) for w in tokens(s)]) for t, s in arts]
                 for sid, arts in stories.items()}
    lengths = [(len(t), len(s)) for arts in tokenized.values() for t, s in arts]
    if not lengths:
        return {}
    mean_title = max(1.0, sum(t for t, _ in lengths) / len(lengths))
    mean_lead = max(1.0, sum(s for _, s in lengths) / len(lengths))
    scores: dict[int, float] = {}
    for sid, arts in tokenized.items():
        if not arts:
            continue
        total = 0.0
        for stems, weight in zip(wanted, weights, strict=True):
            frequency = 0.0
            for title, lead in arts:
                in_title = sum(w in stems for w in title) / (1 - B + B * len(title) / mean_title)
                in_lead = sum(w in stems for w in lead) / (1 - B + B * len(lead) / mean_lead)
                frequency += TITLE_WEIGHT * in_title + in_lead
            frequency /= len(arts)
            total += weight * frequency / (K1 + frequency)
        scores[sid] = total
    return scores
