"""Which words set one group of outlets apart from another: the weighted log-odds ratio with an informative
Dirichlet prior (Monroe, Colaresi & Quinn, "Fightin' Words", Political Analysis 16(4), 2008) (pure).

For a word w used y_a times by the group and y_b times by the rest (n_a and n_b words in all), with a prior
alpha_w = alpha0 * (y_a + y_b) / (n_a + n_b) (the story's own word shares, worth alpha0 = PRIOR_WEIGHT words):

    delta_w = log((y_a + alpha_w) / (n_a + alpha0 - y_a - alpha_w))
            - log((y_b + alpha_w) / (n_b + alpha0 - y_b - alpha_w))
    z_w = delta_w / sqrt(1 / (y_a + alpha_w) + 1 / (y_b + alpha_w))

Words are stemmed content words of titles and leads; an outlet's counts are averaged over its articles, so a
publisher with ten updates does not make a group's vocabulary. A word sets a group apart only with evidence
enough: z at least MIN_Z (one-sided p < 0.05), used by at least MIN_TERM_OUTLETS of the group's outlets, with at
least MIN_GROUP_OUTLETS outlets in the group and in the rest. The z-score shrinks rare words hard (its variance
term is large for small counts), so on random vocabularies it flags a word in under 6 % of comparisons
(tests/news/test_sides.py).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from news.coverage import outlet_key
from news.types import StoryArticle
from news.words import stem, tokens

__all__ = [
    "MAX_TERMS", "MIN_GROUP_OUTLETS", "MIN_TERM_OUTLETS", "MIN_Z", "PRIOR_WEIGHT", "content_words",
    "distinctive_terms", "outlet_words", "owner", "side_of", "side_words",
]

MAX_TERMS = 5
MIN_Z = 1.645  # one-sided 5 % level of the log-odds z-score
MIN_TERM_OUTLETS = 2  # one outlet's pet word is not its side's
MIN_GROUP_OUTLETS = 3  # outlets needed in the group, and in the rest, before their words are compared
PRIOR_WEIGHT = 10.0  # alpha0: the prior is worth this many words, spread as the story's own words are
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "say", "new", "update", "updated", "live", "video", "watch", "report",
                             "reports", "according", "year", "years", "day", "days", "week", "time", "monday",
                             "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def content_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each content word: lowercase, letters only, three or more, not a stop word."""
    return [(word, stem(word)) for word in tokens(text.replace("…", " "))
            if len(word) >= 3 and word.isalpha() and word not in _STOP]


def side_of(article: StoryArticle) -> str | None:
    outlet = article.outlet
    return outlet.bias.side if outlet is not None and outlet.bias is not None else None


def owner(article: StoryArticle) -> str:
    return outlet_key(article) or article.url or article.title


def outlet_words(articles: Sequence[StoryArticle]) -> tuple[dict[str, dict[str, float]], Counter[str]]:
    """Per outlet, its stems' counts in its titles and leads, averaged over its articles (one outlet, one
    article's worth); and the counts of each (stem, surface word) pair, to show a stem as a word."""
    words: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    articles_of: Counter[str] = Counter(owner(a) for a in articles)
    forms: Counter[str] = Counter()
    for article in articles:
        key = owner(article)
        for word, root in content_words(f"{article.title} {article.summary}"):
            words[key][root] += 1.0 / articles_of[key]
            forms[f"{root}\t{word}"] += 1
    return words, forms


def distinctive_terms(
    group: Sequence[Mapping[str, float]], rest: Sequence[Mapping[str, float]], limit: int | None = MAX_TERMS
) -> list[tuple[str, float]]:
    """(stem, z) of the words `group` uses more than `rest` (each a list of outlets' word counts), strongest
    first: the weighted log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008, eq. 16-22), the
    prior being the two groups' pooled word shares worth PRIOR_WEIGHT words. Only z >= MIN_Z and words of at
    least MIN_TERM_OUTLETS of the group's outlets; nothing when either group has fewer than MIN_GROUP_OUTLETS
    outlets."""
    if len(group) < MIN_GROUP_OUTLETS or len(rest) < MIN_GROUP_OUTLETS:
        return []
    y_a: dict[str, float] = defaultdict(float)
    y_b: dict[str, float] = defaultdict(float)
    users: Counter[str] = Counter()
    for counts in group:
        for word, count in counts.items():
            y_a[word] += count
        users.update(word for word, count in counts.items() if count > 0)
    for counts in rest:
        for word, count in counts.items():
            y_b[word] += count
    n_a, n_b = sum(y_a.values()), sum(y_b.values())
    n = n_a + n_b
    scored = []
    for word, count in y_a.items():
        if users[word] < MIN_TERM_OUTLETS:
            continue
        other = y_b.get(word, 0.0)
        alpha = PRIOR_WEIGHT * (count + other) / n
        delta = (math.log((count + alpha) / (n_a + PRIOR_WEIGHT - count - alpha))
                 - math.log((other + alpha) / (n_b + PRIOR_WEIGHT - other - alpha)))
        z = delta / math.sqrt(1 / (count + alpha) + 1 / (other + alpha))
        if z >= MIN_Z:
            scored.append((word, z))
    ranked = sorted(scored, key=lambda item: (-item[1], item[0]))
    return ranked if limit is None else ranked[:limit]


def side_words(articles: Sequence[StoryArticle]) -> dict[str, dict[str, float]]:
    """For each rated side of the story, the stems that set it apart from the story's other articles, with
    their z (each side against everything else, unrated outlets included)."""
    words, _forms = outlet_words(articles)
    side_of_owner: dict[str, str | None] = {}
    for article in articles:
        side_of_owner[owner(article)] = side_of_owner.get(owner(article)) or side_of(article)
    found: dict[str, dict[str, float]] = {}
    for side in {s for s in side_of_owner.values() if s is not None}:
        group = [words[o] for o, s in side_of_owner.items() if s == side]
        rest = [words[o] for o, s in side_of_owner.items() if s != side]
        found[side] = dict(distinctive_terms(group, rest, limit=None))
    return found
