"""What a story card says: headline, dateline, multi-outlet summary bullets, and the whole StoryView (pure).

Everything is extractive. TF-IDF is fitted per story on its own titles and leads (a story is small and
self-contained, so no outside statistics are needed). Outlets, not articles, are the unit of agreement:
an outlet's articles share one vote so a publisher that posts ten updates does not drown the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from news.coverage import coverage_of, outlet_key, outlet_label, outlets_of
from news.rank import growth
from news.types import StoryArticle, StoryView

MAX_BULLET_CHARS = 200
LEAD_SENTENCES = 3  # facts sit at the top of a lead; later sentences are background or quotes
MMR_LAMBDA = 0.7
REDUNDANT_SIMILARITY = 0.5
POSITION_BONUS = (0.15, 0.05, 0.0)

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NOT_PLACES = frozenset({
    "AP", "AFP", "CNN", "BBC", "NPR", "UPI", "UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "LIVE", "WATCH",
    "VIDEO", "OPINION", "ANALYSIS", "EDITORIAL", "REVIEW", "PHOTOS", "FILE",
})
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]*){0,3})"
    r"(?:\s*,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,2})?"
    r"\s*(?P<agency>\([^()]{1,30}\))?\s*(?:—|–|--|-)\s+"
)
_AGENCY_PREFIX = re.compile(r"^\s*\((?:Reuters|AP|AFP|CNN|Bloomberg|UPI|dpa|Xinhua)\)\s*(?:—|–|--|-)?\s*")
_BOILERPLATE = re.compile(
    r"(?:Continue reading\.*|Read more\.*|Read the full story.*|The post .{1,200} appeared first on .*"
    r"|\[\+\d+ chars\]|\[(?:…|\.\.\.)\])\s*$",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({
    "mr.", "mrs.", "ms.", "dr.", "sen.", "rep.", "gov.", "gen.", "lt.", "col.", "st.", "jr.", "sr.", "inc.",
    "corp.", "co.", "no.", "vs.", "prof.", "jan.", "feb.", "aug.", "sept.", "sep.", "oct.", "nov.", "dec.",
})
_INITIALS = re.compile(r"(?:[A-Z]\.)+$")
_TITLE_SUFFIX = re.compile(r"\s+(?:-|–|—|\|)\s+(?P<tail>[^-–—|]{2,40})$")
_STYLE_PENALTIES = tuple((re.compile(pattern, re.IGNORECASE), factor) for pattern, factor in (
    (r"^\s*live\b|\blive (?:updates|blog|coverage)\b|\bas it happened\b", 0.3),
    (r"^\s*(?:watch|video|photos|listen|opinion|analysis|quiz)\s*:", 0.4),
    (r"you won'?t believe|what happens next|here'?s (?:why|what|how)|this is why|will shock|shocking"
     r"|jaw-?dropping|mind-?blowing|^\d+\s+(?:things|reasons|ways|facts)\b|everything you need to know", 0.3),
    (r"\?\s*$", 0.6),  # questions tease rather than tell
    (r"(?:\.\.\.|…)$", 0.8),  # cut off by the feed
))
_FACTUALITY_WEIGHT = {"very high": 1.1, "high": 1.1, "mostly factual": 1.05, "mixed": 0.95, "low": 0.85,
                      "very low": 0.8}


def clean_title(title: str, source: str = "") -> str:
    """Collapse spaces and drop a trailing " - Outlet" / " | Outlet" suffix."""
    text = " ".join(title.split())
    match = _TITLE_SUFFIX.search(text)
    if match:
        tail = match.group("tail").strip()
        words = tail.split()
        named = bool(source) and tail.casefold() == " ".join(source.split()).casefold()
        looks_like_name = len(words) <= 4 and all(w[:1].isupper() or "." in w for w in words)
        if named or looks_like_name:
            text = text[: match.start()].rstrip()
    return text


def _clean_lead(text: str) -> str:
    text, previous = " ".join(text.split()), ""
    while previous != text:
        previous, text = text, _BOILERPLATE.sub("", text).strip()
    return text


def _split_dateline(sentence: str) -> tuple[str | None, str]:
    """("HOUSTON", rest) for "HOUSTON (Reuters) - rest"; (None, sentence without agency prefix) otherwise."""
    match = _DATELINE.match(sentence)
    place = " ".join(match.group("place").split()).strip(" .") if match else ""
    if match and _NOT_PLACES.isdisjoint(place.split()) and len(place.replace(".", "")) >= 2:
        return place, _AGENCY_PREFIX.sub("", sentence[match.end():]).strip()
    return None, _AGENCY_PREFIX.sub("", sentence).strip()


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in _SENTENCE_BREAK.split(text):
        last = pieces[-1].rsplit(" ", 1)[-1] if pieces else ""
        if pieces and (last.lower() in _ABBREVIATIONS or _INITIALS.fullmatch(last)):
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif piece.strip():
            pieces.append(piece.strip())
    if len(pieces) > 1 and pieces[-1].endswith(("...", "…")):
        pieces.pop()  # a lead the feed cut off mid-sentence
    return pieces


def lead_sentences(summary: str) -> list[str]:
    """The lead's sentences, without feed boilerplate, datelines or agency prefixes (which some
    feeds put after a one-sentence dek, so every sentence start is checked)."""
    cleaned = (_split_dateline(s)[1] for s in _sentences(_clean_lead(summary)))
    return [s for s in cleaned if s]


def _trim(text: str, limit: int = MAX_BULLET_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—") + "…"


def _unit_vectors(docs: Sequence[str]) -> np.ndarray:
    """Row-normalized TF-IDF vectors; all zeros when the docs share no usable word."""
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(docs)
    except ValueError:  # empty vocabulary
        return np.zeros((len(docs), 1))
    return np.asarray(matrix.toarray())


def _outlet_weights(articles: Sequence[StoryArticle]) -> np.ndarray:
    counts = Counter(keys := [outlet_key(a) or a.url or a.title for a in articles])
    return np.array([1.0 / counts[k] for k in keys])


def _centrality(articles: Sequence[StoryArticle]) -> list[float]:
    """Outlet-weighted mean cosine of each title to the other outlets' title+lead texts."""
    n = len(articles)
    vectors = _unit_vectors([a.title for a in articles] + [f"{a.title} {a.summary}" for a in articles])
    sims = vectors[:n] @ vectors[n:].T
    keys = [outlet_key(a) or a.url or a.title for a in articles]
    weights = _outlet_weights(articles)
    scores = []
    for i in range(n):
        others = [j for j in range(n) if keys[j] != keys[i]]
        total = sum(weights[j] for j in others)
        scores.append(float(sum(weights[j] * sims[i, j] for j in others) / total) if total else 0.0)
    return scores


def _style_factor(title: str) -> float:
    factor = 1.0
    for pattern, penalty in _STYLE_PENALTIES:
        if pattern.search(title):
            factor *= penalty
    letters = [ch for ch in title if ch.isalpha()]
    if len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
        factor *= 0.5
    words = len(title.split())
    if words < 4 or words > 20:
        factor *= 0.6
    return factor


def _outlet_factor(article: StoryArticle) -> float:
    outlet = article.outlet
    if outlet is None:
        return 1.0
    factor = 1.05 if outlet.bias is not None else 1.0
    return factor * _FACTUALITY_WEIGHT.get((outlet.factuality or "").strip().lower(), 1.0)


def _best_headline(articles: Sequence[StoryArticle], centrality: Sequence[float]) -> StoryArticle:
    def score(i: int) -> float:
        article = articles[i]
        title = clean_title(article.title, outlet_label(article))
        return (0.2 + centrality[i]) * _style_factor(title) * _outlet_factor(article)

    return articles[max(range(len(articles)), key=lambda i: (score(i), -i))]


def choose_headline(articles: Sequence[StoryArticle]) -> StoryArticle:
    """The most representative, least sensational article title of the story."""
    if not articles:
        raise ValueError("a story needs at least one article")
    return _best_headline(articles, _centrality(articles))


def find_dateline(articles: Sequence[StoryArticle], when: datetime) -> str:
    """ "HOUSTON, JUL 31" from the most common wire-style place in the leads, else "JUL 31"."""
    places: Counter[str] = Counter()
    for article in articles:
        for sentence in _sentences(_clean_lead(article.summary))[:LEAD_SENTENCES]:
            place = _split_dateline(sentence)[0]
            if place:
                places[place] += 1
                break
    day = f"{_MONTHS[when.month - 1]} {when.day}"
    return f"{places.most_common(1)[0][0]}, {day}" if places else day


def summary_bullets(
    articles: Sequence[StoryArticle], max_bullets: int = 4, min_bullets: int = 2
) -> tuple[str, ...]:
    """Up to `max_bullets` non-redundant lead sentences, one per outlet first (MMR around the centroid)."""
    texts: list[str] = []
    owners: list[str] = []
    positions: list[int] = []
    for article in articles:
        source = outlet_label(article)
        sentences = [s for s in lead_sentences(article.summary)[:LEAD_SENTENCES] if len(s.split()) >= 4]
        if not sentences and article.title.strip():
            sentences = [clean_title(article.title, source)]
        for position, sentence in enumerate(sentences):
            texts.append(sentence)
            owners.append(outlet_key(article) or article.url or article.title)
            positions.append(position)
    if not texts or max_bullets <= 0:
        return ()
    docs = [f"{a.title} {a.summary}" for a in articles]
    vectors = _unit_vectors(texts + docs)
    sentence_vectors, doc_vectors = vectors[: len(texts)], vectors[len(texts):]
    centroid = _outlet_weights(articles) @ doc_vectors
    norm = float(np.linalg.norm(centroid))
    relevance = sentence_vectors @ (centroid / norm if norm else centroid)
    relevance = relevance + np.array([POSITION_BONUS[min(p, len(POSITION_BONUS) - 1)] for p in positions])
    similarity = sentence_vectors @ sentence_vectors.T

    chosen: list[int] = []
    seen_text: set[str] = set()

    def pick(distinct_outlets: bool, limit: int) -> None:
        while len(chosen) < limit:
            best, best_score = -1, -np.inf
            for i in range(len(texts)):
                if i in chosen or texts[i].casefold() in seen_text:
                    continue
                if distinct_outlets and owners[i] in {owners[c] for c in chosen}:
                    continue
                overlap = max((float(similarity[i, c]) for c in chosen), default=0.0)
                if overlap > REDUNDANT_SIMILARITY:
                    continue
                mmr = MMR_LAMBDA * float(relevance[i]) - (1 - MMR_LAMBDA) * overlap
                if mmr > best_score:
                    best, best_score = i, mmr
            if best < 0:
                return
            chosen.append(best)
            seen_text.add(texts[best].casefold())

    pick(distinct_outlets=True, limit=max_bullets)
    pick(distinct_outlets=False, limit=min(min_bullets, max_bullets))
    return tuple(_trim(texts[i]) for i in chosen)


def _links(
    articles: Sequence[StoryArticle], centrality: Sequence[float], max_links: int
) -> tuple[tuple[str, str], ...]:
    order = sorted((i for i in range(len(articles)) if articles[i].url), key=lambda i: (-centrality[i], i))
    best_per_outlet: dict[str, int] = {}
    for i in order:
        best_per_outlet.setdefault(outlet_key(articles[i]) or articles[i].url, i)
    picks: list[int] = []
    for side in ("left", "center", "right"):
        for i in best_per_outlet.values():
            outlet = articles[i].outlet
            if outlet is not None and outlet.bias is not None and outlet.bias.side == side:
                picks.append(i)
                break
    picks += [i for i in best_per_outlet.values() if i not in picks]
    return tuple((outlet_label(articles[i]), articles[i].url) for i in picks[: max(0, max_links)])


def build_story_view(
    story_id: int,
    articles: Sequence[StoryArticle],
    now: datetime,
    since: datetime | None = None,
    max_links: int = 5,
) -> StoryView:
    """Everything a story card shows. Dates fall back to `now` when no article has a time."""
    if not articles:
        raise ValueError("a story needs at least one article")
    centrality = _centrality(articles)
    headline = _best_headline(articles, centrality)
    known = [a.published for a in articles if a.published is not None]
    first_seen, last_updated = min(known, default=now), max(known, default=now)
    return StoryView(
        story_id=story_id,
        headline=clean_title(headline.title, outlet_label(headline)),
        headline_url=headline.url,
        dateline=find_dateline(articles, last_updated),
        bullets=summary_bullets(articles),
        article_count=len(articles),
        source_count=len(outlets_of(articles)),
        coverage=coverage_of(articles),
        links=_links(articles, centrality, max_links),
        first_seen=first_seen,
        last_updated=last_updated,
        new_sources=growth(articles, since),
    )
