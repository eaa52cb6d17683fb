"""Compare the sides: what each side's outlets say about a story, and the words that set a side apart (pure).

A story's articles are grouped by their outlet's side (news.types.Bias.side); unrated outlets are a group of
their own, shown apart, never folded into a side. For each side:

- its representative headlines: at most HEADLINES, one per outlet, chosen as the card's headline is
  (news.summary.headline): each title's centrality, here among its own side's core articles and the whole core,
  times its tone (a facet of claims and questions is commentary, not the event), junk cleaned by clean_title;
- its distinctive terms: the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
  Quinn, "Fightin' Words", Political Analysis 2008) of each stemmed content word, the side's titles and leads
  against the rest of the story's articles, the prior being the story's own word shares worth PRIOR_WEIGHT
  words (alpha0). An outlet's counts are averaged over its articles, so a publisher with ten updates does not
  make a side's vocabulary. A term is shown only with evidence enough: its z-score at least MIN_Z (one-sided
  p < 0.05), used by at least MIN_TERM_OUTLETS of the side's outlets, with at least MIN_GROUP_OUTLETS outlets on
  each side of the comparison. Below that the part says there are too few outlets to tell; with enough outlets
  and no term passing, that no word sets the side apart.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from news.coverage import outlet_key, outlet_label
from news.summary.headline import voices
from news.summary.similarity import article_text, centrality, core_mask, unit_vectors
from news.summary.titles import casing_of, clean_title
from news.types import SourceLine, StoryArticle
from news.words import stem, tokens

__all__ = [
    "HEADLINES", "MIN_GROUP_OUTLETS", "MIN_TERM_OUTLETS", "MIN_Z", "PRIOR_WEIGHT", "SIDES", "Evidence",
    "SideOutlet", "SidePart", "distinctive_terms", "side_of", "side_parts", "sides_from_lines",
]

SIDES = ("left", "center", "right")
HEADLINES = 3  # representative headlines per side, one per outlet
MAX_TERMS = 5
MIN_Z = 1.645  # one-sided 5 % level of the log-odds z-score
MIN_TERM_OUTLETS = 2  # one outlet's pet word is not its side's
MIN_GROUP_OUTLETS = 3  # outlets needed in the side, and in the rest, before their words are compared
PRIOR_WEIGHT = 10.0  # alpha0: the prior is worth this many words, spread as the story's own words are
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "say", "new", "update", "updated", "live", "video", "watch", "report",
                             "reports", "according", "year", "years", "day", "days", "week", "time", "monday",
                             "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


class Evidence(StrEnum):
    """Why a side part shows its terms or not."""

    SHOWN = "shown"  # terms passed the test
    NONE_APART = "none_apart"  # enough outlets, but no word sets the side apart
    TOO_FEW = "too_few"  # too few outlets on this side or the others to tell
    NOT_KEPT = "not_kept"  # the story's articles are no longer kept (an archived story): only titles remain


@dataclass(frozen=True, slots=True)
class SideOutlet:
    """One outlet of a side, with its most representative article."""

    outlet: str
    title: str  # cleaned
    url: str


@dataclass(frozen=True, slots=True)
class SidePart:
    """What one side says: `side` is "left", "center", "right", or None for the unrated outlets."""

    side: str | None
    outlets: tuple[SideOutlet, ...]  # every outlet of the side, most representative first
    headlines: tuple[SideOutlet, ...]  # the first HEADLINES of `outlets`
    terms: tuple[str, ...]  # distinctive words, strongest first (empty unless evidence is SHOWN)
    evidence: Evidence


def side_of(article: StoryArticle) -> str | None:
    outlet = article.outlet
    return outlet.bias.side if outlet is not None and outlet.bias is not None else None


def _owner(article: StoryArticle) -> str:
    return outlet_key(article) or article.url or article.title


def _outlet_words(articles: Sequence[StoryArticle]) -> tuple[dict[str, dict[str, float]], Counter[str]]:
    """Per outlet, its stems' counts in its titles and leads, averaged over its articles (one outlet, one
    article's worth); and the counts of each (stem, surface word) pair, to show a stem as a word."""
    words: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    articles_of: Counter[str] = Counter(_owner(a) for a in articles)
    forms: Counter[str] = Counter()
    for article in articles:
        owner = _owner(article)
        for word in tokens(article_text(article).replace("…", " ")):
            if len(word) < 3 or not word.isalpha() or word in _STOP:
                continue
            root = stem(word)
            words[owner][root] += 1.0 / articles_of[owner]
            forms[f"{root}\t{word}"] += 1
    return words, forms


def distinctive_terms(
    group: Sequence[Mapping[str, float]], rest: Sequence[Mapping[str, float]], limit: int = MAX_TERMS
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
    return sorted(scored, key=lambda item: (-item[1], item[0]))[:limit]


def _surface(forms: Counter[str]) -> dict[str, str]:
    """Each stem's commonest lowercase word ("sanction" -> "sanctions")."""
    best: dict[str, tuple[int, str]] = {}
    for key, count in forms.items():
        root, word = key.split("\t")
        if (count, word) > best.get(root, (0, "")):
            best[root] = (count, word)
    return {root: word for root, (_count, word) in best.items()}


def _scores(articles: Sequence[StoryArticle], sides: Sequence[str | None]) -> tuple[np.ndarray, list[str]]:
    """How well each article's title speaks for its side: centrality among its side's core and the whole core,
    times its voice (news.summary.headline.voices); and the cleaned titles."""
    n = len(articles)
    vectors = unit_vectors([a.title for a in articles] + [article_text(a) for a in articles])
    titles_v, docs = vectors[:n], vectors[n:]
    core = core_mask(docs, articles)
    casing = casing_of([a.title for a in articles] + [a.summary for a in articles])
    titles = [clean_title(a.title, outlet_label(a), casing) for a in articles]
    similarity = titles_v @ docs.T
    overall = centrality(similarity, articles, core)
    same = np.array(sides, dtype=object)
    within = np.zeros(n)
    for side in set(sides):
        mask = same == side
        within = np.where(mask, centrality(similarity, articles, core & mask), within)
    score = (0.2 + within + overall) * voices(titles_v, titles) * np.where(core, 1.0, 0.5)
    return score, titles


def _outlets(articles: Sequence[StoryArticle], indices: Sequence[int], score: np.ndarray,
             titles: Sequence[str]) -> tuple[SideOutlet, ...]:
    """One line per outlet: its best-scoring titled article, best outlets first."""
    best: dict[str, int] = {}
    for i in sorted(indices, key=lambda i: (-score[i] if titles[i] else 1.0, i)):
        best.setdefault(_owner(articles[i]), i)
    return tuple(SideOutlet(outlet_label(articles[i]), titles[i] or articles[i].title, articles[i].url)
                 for i in best.values())


def side_parts(articles: Sequence[StoryArticle]) -> list[SidePart]:
    """Left, center and right (each even when empty: a side with no outlet is shown as such), then the unrated
    outlets when there are any."""
    if not articles:
        return []
    sides = [side_of(a) for a in articles]
    score, titles = _scores(articles, sides)
    words, forms = _outlet_words(articles)
    surface = _surface(forms)
    owner_side: dict[str, str | None] = {}
    for article, side in zip(articles, sides, strict=True):
        if owner_side.get(_owner(article)) is None:
            owner_side[_owner(article)] = side
    parts = []
    for side in (*SIDES, None):
        indices = [i for i, s in enumerate(sides) if s == side]
        if side is None and not indices:
            continue
        outlets = _outlets(articles, indices, score, titles)
        group = [words[o] for o, s in owner_side.items() if s == side and side is not None]
        rest = [words[o] for o, s in owner_side.items() if s != side]
        found = distinctive_terms(group, rest) if side is not None else []
        enough = len(group) >= MIN_GROUP_OUTLETS and len(rest) >= MIN_GROUP_OUTLETS
        evidence = Evidence.SHOWN if found else Evidence.NONE_APART if enough else Evidence.TOO_FEW
        parts.append(SidePart(side, outlets, outlets[:HEADLINES], tuple(surface[w] for w, _z in found), evidence))
    return parts


def sides_from_lines(lines: Sequence[SourceLine]) -> list[SidePart]:
    """The parts of a story whose articles are gone (its archived source lines): titles, no terms."""
    parts = []
    for side in (*SIDES, None):
        outlets = tuple(SideOutlet(line.outlet, line.title, line.url) for line in lines if line.side == side)
        if side is not None or outlets:
            parts.append(SidePart(side, outlets, outlets[:HEADLINES], (), Evidence.NOT_KEPT))
    return parts
