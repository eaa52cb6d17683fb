"""Who covers a story: distinct outlets per side of the spectrum, factuality mix, blindspot (pure).

Every count here is of distinct OUTLETS, not articles: ten wire rewrites from one publisher are one voice.
An article's outlet is identified by `outlet_key`: the rated outlet's name, else the feed's source name,
else the URL's host. Outlet metadata itself is looked up elsewhere (news.sources); we only read it.

Sides follow Ground News's five-point scale, grouped as it groups them: left and lean left are "Left", lean right
and right are "Right" (news.types.Bias.side).

Blindspot rule (in the spirit of Ground News: "a story covered mostly by one side"): side X is the blindspot when
X has at most BLINDSPOT_MAX_SHARE of the rated outlets while the opposite side has at least
BLINDSPOT_DOMINANT_SHARE, and the rating means something: at least BLINDSPOT_MIN_RATED rated outlets, making at
least BLINDSPOT_MIN_RATED_SHARE of the story's sources. Why those numbers (UCI dev week, the production clusterer,
outlets rated by the bundled table): the rated outlets of stories are 63 % left, 16 % centre, 21 % right, so a few
outlets with no right among them say little: with 3 rated (the old minimum) a story has no right outlet by
chance with probability 0.79^3 = 0.49, with 6 still 0.24. Six is where a missing side stops being the usual case
for the side most feed lists are short of, without making the warning vanish; and a story whose sources are
mostly unrated (median rated share 0.10 on UCI) can't be called one-sided by the few that are. A story carried
only by the centre is nobody's blindspot; one carried by centre and right with no left outlet is the left's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from news.originals import Reposts, find_reposts
from news.sitenames import looks_like_host, site_name
from news.types import Coverage, Outlet, SourceLine, StoryArticle

__all__ = [
    "BLINDSPOT_DOMINANT_SHARE", "BLINDSPOT_MAX_SHARE", "BLINDSPOT_MIN_RATED", "BLINDSPOT_MIN_RATED_SHARE",
    "coverage_of", "outlet_key", "outlet_label", "outlets_of", "source_lines",
]

BLINDSPOT_MIN_RATED = 6
BLINDSPOT_MIN_RATED_SHARE = 0.25
BLINDSPOT_MAX_SHARE = 0.15
BLINDSPOT_DOMINANT_SHARE = 0.5


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


def _blindspot(left: int, right: int, rated: int, sources: int) -> str | None:
    if rated < BLINDSPOT_MIN_RATED or rated < BLINDSPOT_MIN_RATED_SHARE * sources:
        return None
    left_share, right_share = left / rated, right / rated
    if left_share <= BLINDSPOT_MAX_SHARE and right_share >= BLINDSPOT_DOMINANT_SHARE:
        return "left"
    if right_share <= BLINDSPOT_MAX_SHARE and left_share >= BLINDSPOT_DOMINANT_SHARE:
        return "right"
    return None


def coverage_of(articles: Sequence[StoryArticle]) -> Coverage:
    """Count distinct outlets per side, unrated outlets, and the factuality mix of the rated ones."""
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
    rated = sum(sides.values())
    return Coverage(
        left=sides["left"],
        center=sides["center"],
        right=sides["right"],
        unrated=unrated,
        factuality=factuality,
        blindspot=_blindspot(sides["left"], sides["right"], rated, rated + unrated),
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
