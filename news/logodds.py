"""Which words set one group of outlets apart from another: the weighted log-odds ratio with an informative
Dirichlet prior (Monroe, Colaresi & Quinn, "Fightin' Words", Political Analysis 16(4), 2008) (pure).

For a word w used y_a times by the group and y_b times by the rest (n_a and n_b words in all), with a prior
alpha_w = alpha0 * (y_a + y_b) / (n_a + n_b) (the story's own word shares, worth alpha0 = PRIOR_WEIGHT words):

    delta_w = log((y_a + alpha_w) / (n_a + alpha0 - y_a - alpha_w))
            - log((y_b + alpha_w) / (n_b + alpha0 - y_b - alpha_w))
    z_w = delta_w / sqrt(1 / (y_a + alpha_w) + 1 / (y_b + alpha_w))

Words are stemmed content words of titles and leads; an outlet's counts are averaged over its articles, so a
publisher with ten updates does not make a group's vocabulary. A word sets a group apart only with evidence
enough: z at least MIN_Z (one-sided p < 0.05) and at least what chance gives (the 95th percentile of the largest
z when the outlets are split at random, see distinctive_terms), used by at least MIN_TERM_OUTLETS of the group's
outlets, with at least MIN_GROUP_OUTLETS outlets in the group and in the rest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from news.coverage import outlet_key
from news.types import StoryArticle
from news.words import stem

__all__ = [
    "FAMILY_LEVEL", "MAX_TERMS", "MIN_GROUP_OUTLETS", "MIN_TERM_OUTLETS", "MIN_Z", "PERMUTATIONS", "PRIOR_WEIGHT",
    "content_words",
    "distinctive_terms", "outlet_words", "owner", "side_of", "side_words", "term_test",
]

MAX_TERMS = 5
MIN_Z = 1.645  # one-sided 5 % level of the log-odds z-score
MIN_TERM_OUTLETS = 2  # one outlet's pet word is not its side's
MIN_GROUP_OUTLETS = 3  # outlets needed in the group, and in the rest, before their words are compared
PRIOR_WEIGHT = 10.0  # alpha0: the prior is worth this many words, spread as the story's own words are
PERMUTATIONS = 100  # random splits of the outlets that tell what z chance gives
FAMILY_LEVEL = 0.05  # the chance that a random split shows any word at all
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "say", "new", "update", "updated", "live", "video", "watch", "report",
                             "reports", "according", "year", "years", "day", "days", "week", "time", "monday",
                             "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def content_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each content word: lowercase letters, three or more, not a stop word. A hyphenated
    compound stays one word, unstemmed ("pro-life", "six-week"): its parts alone say something else."""
    found = []
    for word in _WORD.findall(text.lower()):
        if "-" in word:
            found.append((word, word))
        elif len(word) >= 3 and word not in _STOP:
            found.append((word, stem(word)))
    return found


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


def _z_scores(counts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The log-odds z of every word (columns of `counts`, outlets x words) for each group (rows of `groups`, a
    boolean mask over outlets) against the other outlets; -inf for words fewer than MIN_TERM_OUTLETS of the
    group use."""
    total = counts.sum(axis=0)
    n = max(float(total.sum()), 1e-9)
    alpha = PRIOR_WEIGHT * total / n
    members = groups.astype(float)
    # einsum, not BLAS: BLAS threads on a busy 2-core host made this 100x slower (2 ms -> 160 ms), and the
    # matrices are small
    y_a = np.einsum("ko,ow->kw", members, counts)
    y_b = total[None, :] - y_a
    n_a = y_a.sum(axis=1, keepdims=True)
    n_b = n - n_a
    delta = (np.log((y_a + alpha) / np.maximum(n_a + PRIOR_WEIGHT - y_a - alpha, 1e-9))
             - np.log((y_b + alpha) / np.maximum(n_b + PRIOR_WEIGHT - y_b - alpha, 1e-9)))
    z = delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
    users = np.einsum("ko,ow->kw", members, (counts > 0).astype(float))
    return np.where(users >= MIN_TERM_OUTLETS, z, -np.inf)


def distinctive_terms(
    group: Sequence[Mapping[str, float]], rest: Sequence[Mapping[str, float]], limit: int | None = MAX_TERMS
) -> list[tuple[str, float]]:
    """The words that pass `term_test`, strongest first (at most `limit`)."""
    return term_test(group, rest, limit)[0]


def term_test(
    group: Sequence[Mapping[str, float]], rest: Sequence[Mapping[str, float]], limit: int | None = MAX_TERMS
) -> tuple[list[tuple[str, float]], bool]:
    """(stem, z) of the words `group` uses more than `rest` (each a list of outlets' word counts), strongest
    first: the weighted log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008, eq. 16-22), the
    prior being the two groups' pooled word shares worth PRIOR_WEIGHT words.

    A word passes when its z is at least MIN_Z and at least the (1 - FAMILY_LEVEL) quantile of the largest z of
    any word when the outlets are split at random into groups of the same sizes (PERMUTATIONS splits, seeded:
    the answer for a story is always the same). The z-score alone treats words as independent draws, but an
    outlet's words come together and a story has hundreds of them, so by chance alone some word of a random
    group of outlets passes z >= MIN_Z in most large stories (bench/side_words.py); the largest z under random
    groups is what chance gives, and a word must beat it. Nothing when either group has fewer than
    MIN_GROUP_OUTLETS outlets, or when a word is used by fewer than MIN_TERM_OUTLETS of the group's.

    Returns the passing words and whether any word was a candidate (z >= MIN_Z) at all: candidates that do not
    beat chance mean too little evidence, not that nothing sets the group apart."""
    if len(group) < MIN_GROUP_OUTLETS or len(rest) < MIN_GROUP_OUTLETS:
        return [], False
    # a word fewer than MIN_TERM_OUTLETS outlets use passes in no group: its counts go to one last column,
    # which keeps every group's total words (the z-scores need them) and never passes
    users = Counter(word for counts in (*group, *rest) for word, count in counts.items() if count > 0)
    vocabulary = sorted(word for word, count in users.items() if count >= MIN_TERM_OUTLETS)
    column = {word: j for j, word in enumerate(vocabulary)}
    counts = np.zeros((len(group) + len(rest), len(vocabulary) + 1))
    for i, outlet in enumerate((*group, *rest)):
        for word, count in outlet.items():
            counts[i, column.get(word, len(vocabulary))] += count
    real = np.zeros((1, len(counts)), dtype=bool)
    real[0, : len(group)] = True
    z = _z_scores(counts, real)[0, :-1]
    if not len(z) or z.max() < MIN_Z:
        return [], False  # no candidate: what chance gives needs no asking
    rng = np.random.default_rng(0)
    shuffled = np.array([rng.permutation(real[0]) for _ in range(PERMUTATIONS)])
    chance = float(np.quantile(_z_scores(counts, shuffled)[:, :-1].max(axis=1), 1 - FAMILY_LEVEL))
    passing = np.flatnonzero(z >= max(MIN_Z, chance))
    ranked = sorted(((vocabulary[j], float(z[j])) for j in passing), key=lambda item: (-item[1], item[0]))
    return (ranked if limit is None else ranked[:limit]), True


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
