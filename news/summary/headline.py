"""Which title heads a story: the core's most central, plainly told title from a rated outlet (pure).

Centrality alone is not enough. A celebrity's take on an event ("Courtney Love: I have found missing Malaysia
Airlines plane") repeats the event's most common words and little else, so it is the most central title of a
story where a quarter of the outlets ran it, by any measure of similarity tried (bench/card_quality.py). What
tells it apart is its tone, and the tone of the titles around it: a facet made of claims, guesses and
questions is commentary on the event, not the event. So each title's score is its centrality within the
story's core, times its own tone, times its facet's tone squared, times a small bonus for rated outlets.

A headline should also be neutral (issue 22: "Texas governor signs extreme six-week abortion ban" is one
side's framing). Titles the sides share are already the most central; on top of that a title loses up to
LOADED_WEIGHT of its score by the share of its content words that set its outlet's side apart from the rest of
the story (news.logodds, the measure "Compare sides" shows, with the same evidence thresholds), and center
outlets' and wire services' titles get a small bonus (NEUTRAL_BONUS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from news.coverage import outlet_key, outlet_label
from news.logodds import content_words, side_of, side_words
from news.summary.similarity import article_text, centrality, core_mask, unit_vectors
from news.summary.titles import casing_of, clean_title, is_truncated, tone
from news.types import StoryArticle

__all__ = ["FACET_SIZE", "LOADED_WEIGHT", "NEUTRAL_BONUS", "HeadlineChoice", "choose_headline", "loaded_shares",
           "pick_headline", "voices"]

FACET_SIZE = 10  # the titles closest to a title, whose tone is its facet's
_CENTRALITY_FLOOR = 0.2  # keeps tone and outlet from deciding alone when nothing is similar
_TIE = 0.01  # scores this close are a tie: the plainer title wins it, then the first report (it broke the story)
LOADED_WEIGHT = 0.5  # a title made only of its side's own words keeps half its score
NEUTRAL_BONUS = 1.05  # center outlets and wire services: their titles are written for every reader
WIRE_SERVICES = frozenset({"associated press", "the associated press", "ap", "ap news", "reuters", "afp",
                           "agence france-presse", "upi", "united press international"})
_FACTUALITY = {"very high": 1.1, "high": 1.1, "mostly factual": 1.05, "mixed": 0.95, "low": 0.85, "very low": 0.8}


@dataclass(frozen=True, slots=True)
class HeadlineChoice:
    index: int  # into the story's articles
    title: str  # cleaned, as the card shows it
    centrality_rank: int  # 1 when the chosen title is also the most central one
    voices: np.ndarray  # per article, see `voices`


def _outlet_factor(article: StoryArticle) -> float:
    """Rated outlets (bias known) are the widely read ones a reader can place; factuality weighs in."""
    outlet = article.outlet
    if outlet is None:
        return 1.0
    factor = 1.1 if outlet.bias is not None else 1.05
    if side_of(article) == "center" or outlet_key(article) in WIRE_SERVICES:
        factor *= NEUTRAL_BONUS
    return factor * _FACTUALITY.get((outlet.factuality or "").strip().lower(), 1.0)


def loaded_shares(articles: Sequence[StoryArticle], titles: Sequence[str]) -> np.ndarray:
    """Per title, the share of its content words that set its outlet's side apart from the rest of the story
    (news.logodds.side_words); 0 for unrated outlets and where no side has evidence enough."""
    apart = side_words(articles)
    shares = np.zeros(len(articles))
    if not any(apart.values()):
        return shares
    for i, (article, title) in enumerate(zip(articles, titles, strict=True)):
        stems = {root for _word, root in content_words(title)}
        loaded = apart.get(side_of(article) or "", {})
        if stems and loaded:
            shares[i] = len(stems & loaded.keys()) / len(stems)
    return shares


def _facet_tone(title_vectors: np.ndarray, tones: np.ndarray) -> np.ndarray:
    """Mean tone of each title's FACET_SIZE most similar other titles (1.0 in small stories)."""
    n = len(tones)
    if n <= FACET_SIZE:
        return np.ones(n)
    similarity = title_vectors @ title_vectors.T
    np.fill_diagonal(similarity, -1.0)
    nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :FACET_SIZE]
    return np.asarray(tones[nearest].mean(axis=1))


def _first_of_best(articles: Sequence[StoryArticle], score: np.ndarray, voice: np.ndarray) -> int:
    """The best score's article; among those within _TIE of it (and dated), the plainest voice, then the
    earliest report. Without times the best, and the first of equals."""
    best = int(score.argmax())
    tied = [i for i in range(len(articles)) if score[i] >= score[best] * (1 - _TIE) and articles[i].published]
    if not tied or score[best] <= 0:
        return best
    return min(tied, key=lambda i: (-voice[i], articles[i].published, i))


def voices(title_vectors: np.ndarray, titles: Sequence[str]) -> np.ndarray:
    """How well each article speaks for the event: its title's tone times its facet's tone squared.
    The lede and bullets weigh their candidates by it too, so a facet of claims supplies no line."""
    tones = np.array([tone(t) for t in titles])
    return np.asarray(tones * _facet_tone(title_vectors, tones) ** 2)


def _complete_variant(chosen: str, titles: Sequence[str]) -> str:
    """The same title uncut, when another outlet ran it whole ("Search widens for…" -> "Search widens for jet")."""
    stem = chosen.rstrip("…").strip().casefold()
    whole = [t for t in titles if not is_truncated(t) and t.casefold().startswith(stem) and len(t) > len(stem)]
    return min(whole, key=len) if whole else chosen


def pick_headline(
    articles: Sequence[StoryArticle],
    title_vectors: np.ndarray,
    doc_vectors: np.ndarray,
    core: np.ndarray,
    casing: Mapping[str, str],
) -> HeadlineChoice:
    """The headline from vectors already fitted on the story (titles and title+lead texts, row-aligned)."""
    titles = [clean_title(a.title, outlet_label(a), casing) for a in articles]
    central = centrality(title_vectors @ doc_vectors.T, articles, core)
    voice = voices(title_vectors, titles)
    score = (_CENTRALITY_FLOOR + central) * voice
    score = score * np.array([_outlet_factor(a) for a in articles])
    score = score * (1 - LOADED_WEIGHT * loaded_shares(articles, titles))
    score = np.where(core & np.array([bool(t) for t in titles]), score, -1.0)
    best = _first_of_best(articles, score, voice)
    rank = 1 + int(np.sum(central[core] > central[best]))
    title = _complete_variant(titles[best], titles) if is_truncated(titles[best]) else titles[best]
    return HeadlineChoice(index=best, title=title, centrality_rank=rank, voices=voice)


def choose_headline(articles: Sequence[StoryArticle]) -> StoryArticle:
    """The article whose title best heads the story (see the module docstring)."""
    if not articles:
        raise ValueError("a story needs at least one article")
    n = len(articles)
    vectors = unit_vectors([a.title for a in articles] + [article_text(a) for a in articles])
    titles, docs = vectors[:n], vectors[n:]
    casing = casing_of([a.title for a in articles] + [a.summary for a in articles])
    return articles[pick_headline(articles, titles, docs, core_mask(docs, articles), casing).index]
