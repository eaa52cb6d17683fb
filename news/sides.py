"""Compare the sides: what each side's outlets say about a story, and the words that set a side apart (pure).

A story's articles are grouped by their outlet's side (news.types.Bias.side); unrated outlets are a group of
their own, shown apart, never folded into a side. For each side:

- its representative headlines: at most HEADLINES, one per outlet, chosen as the card's headline is
  (news.summary.headline): each title's centrality, here among its own side's core articles and the whole core,
  times its tone (a facet of claims and questions is commentary, not the event), junk cleaned by clean_title;
- its distinctive terms (news.logodds): the words its outlets' titles and leads use more than the story's other
  articles, by the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008),
  shown only with evidence enough (the thresholds are there). When the words it uses more do not beat chance,
  or there are too few outlets to test, the part says there are too few outlets to tell; when no word even
  comes near (and there are outlets enough), that no word sets the side apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from news.coverage import outlet_label
from news.logodds import MIN_GROUP_OUTLETS, outlet_words, owner, side_of, term_test
from news.summary.headline import voices
from news.summary.similarity import article_text, centrality, core_mask, unit_vectors
from news.summary.titles import casing_of, clean_title
from news.types import SourceLine, StoryArticle

__all__ = ["HEADLINES", "SIDES", "Evidence", "SideOutlet", "SidePart", "side_parts", "sides_from_lines"]

SIDES = ("left", "center", "right")
HEADLINES = 3  # representative headlines per side, one per outlet


class Evidence(StrEnum):
    """Why a side part shows its terms or not."""

    SHOWN = "shown"  # terms passed the test
    NONE_APART = "none_apart"  # enough outlets, and no word comes near setting the side apart
    TOO_FEW = "too_few"  # too few outlets, on this side or the others, for the words it uses more to beat chance
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
        best.setdefault(owner(articles[i]), i)
    return tuple(SideOutlet(outlet_label(articles[i]),
                            titles[i] or " ".join(articles[i].title.split()) or outlet_label(articles[i]),
                            articles[i].url)
                 for i in best.values())


def side_parts(articles: Sequence[StoryArticle]) -> list[SidePart]:
    """Left, center and right (each even when empty: a side with no outlet is shown as such), then the unrated
    outlets when there are any."""
    if not articles:
        return []
    sides = [side_of(a) for a in articles]
    score, titles = _scores(articles, sides)
    words, forms = outlet_words(articles)
    surface = _surface(forms)
    owner_side: dict[str, str | None] = {}
    for article, side in zip(articles, sides, strict=True):
        if owner_side.get(owner(article)) is None:
            owner_side[owner(article)] = side
    parts = []
    for side in (*SIDES, None):
        indices = [i for i, a in enumerate(articles) if owner_side[owner(a)] == side]  # an outlet has one side
        if side is None and not indices:
            continue
        outlets = _outlets(articles, indices, score, titles)
        group = [words[o] for o, s in owner_side.items() if s == side and side is not None]
        rest = [words[o] for o, s in owner_side.items() if s != side]
        found, candidates = term_test(group, rest) if side is not None else ([], True)
        enough = len(group) >= MIN_GROUP_OUTLETS and len(rest) >= MIN_GROUP_OUTLETS and not candidates
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
