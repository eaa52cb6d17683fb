"""Who covers a story: distinct outlets per side of the spectrum, factuality mix, blindspot (pure).

Every count here is of distinct OUTLETS, not articles: ten wire rewrites from one publisher are one voice.
An article's outlet is identified by `outlet_key`: the rated outlet's name, else the feed's source name,
else the URL's host. Outlet metadata itself is looked up elsewhere (news.sources); we only read it.

Sides follow Ground News's five-point scale, grouped as it groups them: left and lean left are "Left", lean right
and right are "Right" (news.types.Bias.side).

Blindspot rule (Ground News: "a story with political undertones that one side covers disproportionately"). The
outlet mix of a feed list is itself one-sided (the UCI week's rated outlets are 63 % left, 21 % right), so a story
with no right outlet among five says nothing; what means something is a side covering a story much less than it
covers stories of that kind. So, for a story of public affairs only (news.affairs decides; the caller asks), side
X is the blindspot when its count among the story's partisan outlets (left + right; the centre takes no side) is
improbably low for what the window leads one to expect:

    P(Binomial(n = left + right, p = expected share of X) <= count of X) <= BLINDSPOT_ALPHA (0.01, one-sided)

The expected share is X's among the partisan outlet appearances in the window's other public-affairs stories
(`SideMix`: each story counts each outlet once; a prolific outlet is expected in more stories), shrunk towards
an even split by BLINDSPOT_PRIOR pseudo-appearances so a thin window can't make one story's mix the norm. At
0.01, with an even expectation, a side needs 7 partisan outlets and none of its own to be flagged; where the
window is 75 % left, the right's blindspot needs 17 left outlets and no right one (0.75^17 = 0.0075). A story
carried only by the centre is nobody's blindspot.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from news.originals import Reposts, find_reposts
from news.sitenames import looks_like_host, site_name
from news.types import Coverage, Outlet, SourceLine, StoryArticle

__all__ = [
    "BLINDSPOT_ALPHA", "BLINDSPOT_PRIOR", "MIN_RATED_FOR_SHARES", "SideMix", "blindspot_of", "coverage_of",
    "lower_tail", "outlet_key", "outlet_label", "outlets_of", "source_lines",
]

BLINDSPOT_ALPHA = 0.01
# Shares are shown from this many rated outlets on; below it a card says "2 of 8 sources rated" and no split.
# Under five, one outlet moves every share by more than 20 points (two of the bar's ten cells), and even an
# all-one-side set is unremarkable: with an even expectation, 2 x 0.5^4 = 12 % of four-outlet stories are.
MIN_RATED_FOR_SHARES = 5
BLINDSPOT_PRIOR = 10.0  # pseudo-appearances, half left and half right, added to the window's own


@dataclass(frozen=True, slots=True)
class SideMix:
    """Partisan outlet appearances over a window's public-affairs stories: what a story of that kind expects."""

    left: int = 0
    right: int = 0

    def plus(self, coverage: Coverage) -> SideMix:
        return SideMix(self.left + coverage.left, self.right + coverage.right)

    def expected(self, side: str) -> float:
        """The share of `side` ("left" or "right") expected among a story's partisan outlets."""
        own = self.left if side == "left" else self.right
        return (own + BLINDSPOT_PRIOR / 2) / (self.left + self.right + BLINDSPOT_PRIOR)


def lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), exactly (n is a story's outlet count: small)."""
    return min(1.0, sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(max(0, k) + 1)))


def blindspot_of(coverage: Coverage, expected: SideMix) -> str | None:
    """The side ("left" or "right") whose share of the story's partisan outlets is improbably low against
    `expected` (the window's other public-affairs stories), or None. Ask only for a public-affairs story."""
    partisan = coverage.left + coverage.right
    for side, count in (("left", coverage.left), ("right", coverage.right)):
        if partisan and lower_tail(count, partisan, expected.expected(side)) <= BLINDSPOT_ALPHA:
            return side
    return None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def outlet_key(article: StoryArticle) -> str:
    """A stable, case-folded identity for the article's publisher ("" only when nothing is known)."""
    if article.outlet is not None and article.outlet.name:
        return article.outlet.name.casefold()
    if article.source_name.strip():
        return " ".join(article.source_name.split()).casefold()
    return _host(article.url)


def outlet_label(article: StoryArticle) -> str:
    """The publisher's name as a card shows it: the outlet table's, else the feed's title, else a name made of
    its host (news.sitenames) — never a bare host."""
    if article.outlet is not None and article.outlet.name:
        return article.outlet.name
    name = " ".join(article.source_name.split())
    if name and not looks_like_host(name):
        return name
    return site_name(name or _host(article.url)) or "source"


def outlets_of(articles: Iterable[StoryArticle]) -> dict[str, Outlet | None]:
    """Distinct outlets in first-seen order, with the first rating metadata any of their articles carried."""
    found: dict[str, Outlet | None] = {}
    for article in articles:
        key = outlet_key(article) or article.url or article.title
        if found.get(key) is None:
            found[key] = article.outlet
    return found


def coverage_of(articles: Sequence[StoryArticle]) -> Coverage:
    """Count distinct outlets per side, unrated outlets, and the factuality mix of the rated ones. The
    blindspot needs the window (`blindspot_of`), so it is left None here."""
    sides = {"left": 0, "center": 0, "right": 0}
    unrated = 0
    factuality: dict[str, int] = {}
    for outlet in outlets_of(articles).values():
        if outlet is not None and outlet.factuality:
            label = outlet.factuality.strip().lower()
            factuality[label] = factuality.get(label, 0) + 1
        if outlet is None or outlet.bias is None:
            unrated += 1
            continue
        sides[outlet.bias.side] += 1
    return Coverage(
        left=sides["left"],
        center=sides["center"],
        right=sides["right"],
        unrated=unrated,
        factuality=factuality,
    )


def source_lines(articles: Sequence[StoryArticle], reposts: Reposts | None = None) -> list[SourceLine]:
    """One line per outlet (its first original article, else its first), rated sides left to right, then
    unrated, by name; an outlet that only reposts another's text (news.originals) follows the line it reposts."""
    reposts = reposts or find_reposts(articles, outlet_key)
    chosen: dict[str, int] = {}
    for i, article in enumerate(articles):
        key = outlet_key(article) or article.url
        if key not in chosen or (reposts.copied[chosen[key]] and not reposts.copied[i]):
            chosen[key] = i
    parents: dict[str, str] = {}  # an outlet that reposts -> the outlet it reposts
    lines: dict[str, SourceLine] = {}
    for key, i in chosen.items():
        root = reposts.original_of[i]
        via = reposts.wire[i]
        if root is not None and (outlet_key(articles[root]) or articles[root].url) != key:
            parents[key] = outlet_key(articles[root]) or articles[root].url
            via = outlet_label(articles[root])
        lines[key] = SourceLine(outlet_label(articles[i]), articles[i].title, articles[i].url,
                                _side(articles[i]), via if reposts.copied[i] else "")
    return _grouped(lines, parents)


def _side(article: StoryArticle) -> str | None:
    outlet = article.outlet
    return outlet.bias.side if outlet is not None and outlet.bias is not None else None


def _grouped(lines: dict[str, SourceLine], parents: dict[str, str]) -> list[SourceLine]:
    """Top lines in side order then by name, each followed by the outlets reposting it, by name."""
    order = {"left": 0, "center": 1, "right": 2}

    def rank(key: str) -> tuple[int, str]:
        return (order.get(lines[key].side or "", 3), lines[key].outlet.casefold())

    children: dict[str, list[str]] = {}
    for key, parent in parents.items():
        if parent in lines and parent not in parents:
            children.setdefault(parent, []).append(key)
    nested = {key for keys in children.values() for key in keys}
    out: list[SourceLine] = []
    for key in sorted((k for k in lines if k not in nested), key=rank):
        kids = sorted(children.get(key, ()), key=rank)
        out.append(dataclasses.replace(lines[key], reposted_by=len(kids)) if kids else lines[key])
        out.extend(lines[kid] for kid in kids)
    return out
