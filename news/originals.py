"""Original reporting versus reposts inside one story (pure).

One AP story reprinted by thirty papers is one report, not thirty. An article is a *repost* when

- its text is a near copy of an earlier article of the story from another outlet: the same wire text. Title and
  lead are normalized (case, accents, punctuation, an aggregator's "  ..." cut, a trailing " - Outlet") and cut
  into word shingles; a pair is a copy when the shingles of the shorter text are nearly all in the longer one
  (containment, so a lead trimmed by one paper still matches), or the leads alone are, over at least
  MIN_SHARED_LEAD shingles (a copy under a new headline; a quote two outlets both lead with is shorter). With no
  lead on either side, only a headline that is the same, long enough to be nobody's coincidence, counts
  (`same_headline`);
- or its lead or byline credits a wire that is not its own outlet: "WASHINGTON (AP) —", "(Reuters) -",
  "By The Associated Press", "… — Reuters" at the end; a feed's author "Jane Doe, Associated Press". Such a copy
  is grouped under the wire's own article when the story has one, else under the first article crediting the
  same wire.

An article is compared only with the story's earlier *originals* (a copy of a copy is a copy of its original),
those sharing the most shingles first (an inverted index; a shingle that many originals share finds none), so a
story of 2,000 articles takes about a second and a half.

Calling an original a repost is worse than missing one (it hides a voice), so every rule leans to "original":
thresholds were set on a labelled check, bench/data/repost_pairs.jsonl (bench/reposts.py prints precision and
recall). Two articles of one outlet are never each other's repost: they are one source already.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from news.types import StoryArticle

__all__ = ["LEAD_WORDS", "MIN_CONTAINMENT", "MIN_HEADLINE_WORDS", "SHINGLE", "WIRE_NAMES", "Reposts", "find_reposts",
           "is_copy", "same_headline", "wire_credit"]

SHINGLE = 3  # words per shingle
LEAD_WORDS = 60  # the lead's first words compared: wire copies keep the top of the text, then cut or add
MIN_CONTAINMENT = 0.8  # share of the shorter text's shingles found in the longer one
MIN_TEXT_WORDS = 15  # title + lead shorter than this is compared as a headline alone
MIN_SHARED_LEAD = 30  # leads compared alone (a copy under a new headline) share this many shingles: a quote is shorter
MIN_HEADLINE_WORDS = 8  # a headline alone is a copy only when at least this long and the same (bench/reposts.py)
MAX_ARTICLES = 2000  # articles of one story looked at (earliest first); later ones count as original
MAX_CANDIDATES = 20  # earlier originals compared with each article, those sharing the most shingles first
MAX_POSTING = 50  # a shingle that many originals share ("said on tuesday") finds no candidate: it tells none apart
MAX_LEAD_CHARS = 2000  # of a summary read for its lead and credit
MAX_BYLINE = 200

_WORD = re.compile(r"[^\W_]+")
_ELLIPSIS = re.compile(r"(?:\s*(?:\.\.\.|…))+\s*$")
_CUT_SITE = re.compile(r"\s+[-–—|]\s+[^-–—|]{1,40}$")
_SITE = re.compile(r"\s+[-–—|]\s+(?P<tail>[^-–—|]{2,40})$")
_WIRE_SLUG = re.compile(r"^\s*(?:(?:REFILE|UPDATE(?:\s*\d+)?|EXCLUSIVE|CORRECTED|RPT|[A-Z]{2,}(?: [A-Z]{2,}){0,2})-)+")
_ATTRIBUTION = re.compile(r"\s+[-–—]\s+(?:sources?|reports?|report says|analyst blog)\s*$", re.IGNORECASE)
# A wire's credit at the top of a lead ("WASHINGTON (AP) —", "(Reuters) -") or at its end ("— Reuters").
_WIRES = {"AP": "associated press", "Associated Press": "associated press", "Reuters": "reuters",
          "AFP": "afp", "Agence France-Presse": "afp", "Agence France Presse": "afp"}
_WIRE_NAMES = "|".join(sorted((re.escape(w) for w in _WIRES), key=len, reverse=True))
_LEAD_CREDIT = re.compile(rf"^[^()\n]{{0,80}}\((?P<wire>{_WIRE_NAMES})\)\s*[-–—:]")
_BY_LINE = re.compile(rf"^By\s+(?:The\s+|the\s+)?(?P<wire>{_WIRE_NAMES})\b")  # "By The Associated Press"
# A byline naming a wire: "The Associated Press", "Reuters Staff", "Jane Doe, Associated Press", "AFP".
_ROLE = r"(?:\s+(?:[Ss]taff\s+)?(?:[Ss]taff|[Ww]riter|[Cc]orrespondent))?"
_AUTHOR_CREDIT = re.compile(rf"(?:^|[\s,;(]|\bBy\s)(?:The\s+|the\s+)?(?P<wire>{_WIRE_NAMES}){_ROLE}\s*\)?\s*$")
_END_CREDIT = re.compile(rf"[-–—]\s*(?:The\s+|the\s+)?(?P<wire>{_WIRE_NAMES})\s*\.?\s*$")
WIRE_NAMES = {"associated press": "AP", "reuters": "Reuters", "afp": "AFP"}
# Outlets that are the wire itself: their own credit is no repost.
_WIRE_OUTLETS = {"associated press": ("associated press", "apnews.com", "ap.org", "ap news"),
                 "reuters": ("reuters",), "afp": ("afp", "agence france")}


@dataclass(frozen=True, slots=True)
class Reposts:
    """For each article of a story (same order): `original_of[i]`, the article it reposts (None when there is
    none in the story to point at), and `copied[i]`, whether it is a repost at all (a wire copy whose wire has
    no article here is one, with nothing to group under)."""

    original_of: tuple[int | None, ...]
    copied: tuple[bool, ...]
    wire: tuple[str, ...]  # the wire each article credits, as cards name it ("AP", "Reuters", "AFP"), or ""


def _words(text: str) -> list[str]:
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(text.casefold())


def _without_site(title: str, source: str) -> str:
    """" - Reuters", " | Fox News": a site's name after the headline (its own, or up to 4 capitalised words)."""
    match = _SITE.search(title)
    if match is None:
        return title
    tail = match.group("tail").split()
    named = bool(source) and tail == source.split()
    if named or (len(tail) <= 4 and all(w[:1].isupper() or w[:1].isdigit() or "." in w for w in tail)):
        return title[: match.start()]
    return title


def _headline(title: str, source: str) -> tuple[tuple[str, ...], bool]:
    """The headline's words without a wire's slug ("UPDATE 2-") or a site's name, and whether the feed
    cut it off (its last word may then be cut too, so it is dropped)."""
    bare = _ELLIPSIS.sub("", title.strip())
    cut = bare != title.strip()
    if cut:  # "Toyota settlement - WNCN: News, Weather  ...": a site's name, cut with the title
        bare = _CUT_SITE.sub("", bare)
    words = _words(_without_site(_WIRE_SLUG.sub("", _ATTRIBUTION.sub("", bare)), source))
    return tuple(words[:-1] if cut else words), cut


def _shingles(words: Sequence[str]) -> frozenset[int]:
    if len(words) < SHINGLE:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


def wire_credit(summary: str, byline: str = "") -> str:
    """The wire a lead or byline credits ("associated press", "reuters", "afp"), or "" when none: a dateline
    credit ("NORFOLK, Va. (AP) —"), "By The Associated Press" opening the lead, "— Reuters" closing it, or a
    byline that ends with the wire's name ("Jane Doe, Associated Press", "Reuters Staff")."""
    text = " ".join(summary[:MAX_LEAD_CHARS].split())
    found = _LEAD_CREDIT.match(text) or _BY_LINE.match(text) or _END_CREDIT.search(text[-60:])
    if found is None:
        found = _AUTHOR_CREDIT.search(" ".join(byline[:MAX_BYLINE].split()))
    return _WIRES[found.group("wire")] if found else ""


def _is_the_wire(wire: str, article: StoryArticle) -> bool:
    names = [article.source_name.casefold(), article.url.casefold()]
    if article.outlet is not None:
        names += [article.outlet.name.casefold(), *article.outlet.domains]
    return any(mark in name for mark in _WIRE_OUTLETS[wire] for name in names)


@dataclass(frozen=True, slots=True)
class _Text:
    headline: tuple[str, ...]
    cut: bool  # the feed cut the headline off: it may match the start of a longer one
    shingles: frozenset[int]
    has_lead: bool
    lead: frozenset[int]  # the lead's own shingles when it is long enough alone ("" otherwise): a new headline


def _text(article: StoryArticle) -> _Text:
    headline, cut = _headline(article.title, article.source_name)
    lead = _words(article.summary[:MAX_LEAD_CHARS])[:LEAD_WORDS]
    words = [*headline, *lead]
    has_lead = len(lead) > 0 and len(words) >= MIN_TEXT_WORDS
    alone = _shingles(lead) if len(lead) > MIN_SHARED_LEAD else frozenset()
    return _Text(headline, cut, _shingles(words if has_lead else headline), has_lead, alone)


def same_headline(a: Sequence[str], b: Sequence[str], a_cut: bool = False, b_cut: bool = False) -> bool:
    """Two normalized headlines that are one, at least MIN_HEADLINE_WORDS long: equal, or one that the feed cut
    off (`a_cut`, `b_cut`) is the start of the other. A whole headline that merely starts another ("X arrested"
    and "X arrested at SXSW") is two outlets' own words."""
    if len(a) > len(b):
        a, b, a_cut, b_cut = b, a, b_cut, a_cut
    if len(a) < MIN_HEADLINE_WORDS:
        return False
    return tuple(a) == tuple(b) or (a_cut and tuple(b[: len(a)]) == tuple(a))


def _copies(a: _Text, b: _Text, shared: int) -> bool:
    if a.has_lead and b.has_lead:
        if shared >= MIN_CONTAINMENT * min(len(a.shingles), len(b.shingles)):
            return True
        same = len(a.lead & b.lead)
        return same >= MIN_SHARED_LEAD and same >= MIN_CONTAINMENT * min(len(a.lead), len(b.lead))
    return same_headline(a.headline, b.headline, a.cut, b.cut)


def is_copy(a: StoryArticle, b: StoryArticle) -> bool:
    """Whether one of the two is a copy of the other's text (outlets and credits aside): the labelled check's
    question, and `find_reposts`'s test of a pair."""
    ta, tb = _text(a), _text(b)
    return _copies(ta, tb, len(ta.shingles & tb.shingles))


def _order(articles: Sequence[StoryArticle]) -> list[int]:
    never = datetime.max

    def when(i: int) -> tuple[bool, datetime, int]:
        published = articles[i].published
        return (published is None, published.replace(tzinfo=None) if published else never, i)

    return sorted(range(len(articles)), key=when)


def find_reposts(articles: Sequence[StoryArticle], outlet_of: Callable[[StoryArticle], str]) -> Reposts:
    """Which articles repost which, earliest first (articles with no time last); `outlet_of` names an article's
    outlet, so one outlet's own articles are never each other's copies."""
    n = len(articles)
    original: list[int | None] = [None] * n
    outlets = [outlet_of(a) for a in articles]
    order = _order(articles)[:MAX_ARTICLES]
    texts: dict[int, _Text] = {}
    postings: dict[int, list[int]] = {}
    for i in order:
        text = texts[i] = _text(articles[i])
        shared = Counter(j for s in text.shingles if len(found := postings.get(s, ())) <= MAX_POSTING for j in found)
        for j, _count in shared.most_common(MAX_CANDIDATES):
            if outlets[j] != outlets[i] and _copies(text, texts[j], len(text.shingles & texts[j].shingles)):
                original[i] = j
                break
        if original[i] is None:  # only originals are looked up: a copy of a copy is a copy of its original
            for s in text.shingles:
                postings.setdefault(s, []).append(i)
    _root_at_wires(articles, original)
    copied = [o is not None for o in original]
    wire = [wire_credit(a.summary, a.byline) for a in articles]
    _credit_wires(articles, order, outlets, original, copied, wire)
    return Reposts(tuple(original), tuple(copied), tuple(WIRE_NAMES.get(w, "") for w in wire))


def _is_a_wire(article: StoryArticle) -> bool:
    return any(_is_the_wire(w, article) for w in _WIRE_OUTLETS)


def _root_at_wires(articles: Sequence[StoryArticle], original: list[int | None]) -> None:
    """A group of copies that holds a wire's own article is that wire's: it becomes the original even when a
    reprint was fetched first."""
    for i, article in enumerate(articles):
        root = original[i]
        if root is None or not _is_a_wire(article) or _is_a_wire(articles[root]):
            continue
        for k in range(len(original)):
            if original[k] == root:
                original[k] = i
        original[root], original[i] = i, None


def _credit_wires(articles: Sequence[StoryArticle], order: Sequence[int], outlets: Sequence[str],
                  original: list[int | None], copied: list[bool], wire: Sequence[str]) -> None:
    """An article crediting a wire that is not its outlet reposts the wire's own article, else the first one
    crediting that wire (itself a copy, with no original in the story)."""
    own = {w: next((i for i in order if _is_the_wire(w, articles[i])), None) for w in set(wire) if w}
    first: dict[str, int] = {}
    for i in order:
        credited = wire[i]
        if not credited or copied[i] or _is_the_wire(credited, articles[i]):
            continue
        copied[i] = True
        root = own[credited] if own[credited] is not None else first.get(credited)
        if root is None:
            first[credited] = i
        elif outlets[root] != outlets[i]:
            original[i] = original[root] if original[root] is not None else root
