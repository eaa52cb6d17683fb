"""Plain domain types shared by the engine, storage and the bot.

Nothing here does I/O; everything is a frozen value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = ["ArticleIn", "Bias", "ClusterItem", "Coverage", "Outlet", "SourceLine", "StoryArticle", "StoryView"]


class Bias(StrEnum):
    LEFT = "left"
    LEAN_LEFT = "lean_left"
    CENTER = "center"
    LEAN_RIGHT = "lean_right"
    RIGHT = "right"

    @property
    def side(self) -> str:
        """Collapse the five-point scale to the three sides a card shows."""
        if self in (Bias.LEFT, Bias.LEAN_LEFT):
            return "left"
        if self in (Bias.RIGHT, Bias.LEAN_RIGHT):
            return "right"
        return "center"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one cell of the outlet table was read: the rater or dataset (`source`), the exact published page or
    dataset it was read from (`url`, "" when not known), and the date of that reading (`checked_on`, ISO, or "")."""

    source: str
    url: str = ""
    checked_on: str = ""


@dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher: who wrote an article, and how it is rated."""

    name: str
    domains: tuple[str, ...]
    country: str = ""
    bias: Bias | None = None
    factuality: str | None = None  # e.g. "high", "mostly factual", "mixed", "low"
    rating_source: str = ""  # where the bias/factuality rating comes from
    aggregator: bool = False  # a news aggregator: its feeds' items may name their own outlet (news.sources)
    owner: str = ""  # who owns it, where known (news/data/README.md says where from); "" unknown
    bias_from: Provenance | None = None  # where `bias` was read; None: only `rating_source` says
    factuality_from: Provenance | None = None
    owner_from: Provenance | None = None
    closed: bool = False  # the outlet has closed; its rows stay so old links still resolve


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """A normalized feed entry, ready to store (see news.normalize)."""

    dedup_key: str  # unique per feed: guid, else canonical url
    url: str  # canonical url
    title: str
    summary: str
    published: datetime  # aware, UTC
    domain: str  # host of the canonical url, without "www."
    categories: tuple[str, ...] = ()
    image_url: str = ""  # the entry's picture (news.images), "" when none
    byline: str = ""  # who the feed says wrote it (<author>, <dc:creator>), "" when it doesn't say


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """What the clusterer sees of an article. `published` may be None (unknown time)."""

    key: str
    title: str
    summary: str = ""
    source: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article as the story summarizer sees it."""

    title: str
    url: str
    summary: str = ""
    source_name: str = ""
    outlet: Outlet | None = None
    published: datetime | None = None
    categories: tuple[str, ...] = ()
    image_url: str = ""  # the article's picture from its feed (news.images), "" when none
    byline: str = ""  # who the feed says wrote it; a wire's name there marks a copy (news.originals)


@dataclass(frozen=True, slots=True)
class Coverage:
    left: int = 0
    center: int = 0
    right: int = 0
    unrated: int = 0
    factuality: dict[str, int] = field(default_factory=dict)
    blindspot: str | None = None  # "left" or "right": the side that barely covers it

    @property
    def rated(self) -> int:
        return self.left + self.center + self.right

    def percentages(self) -> tuple[int, int, int]:
        """Left/center/right as whole percentages that add up to 100 (0,0,0 when nothing is rated)."""
        total = self.rated
        if total == 0:
            return (0, 0, 0)
        raw = [self.left * 100 / total, self.center * 100 / total, self.right * 100 / total]
        floors = [int(x) for x in raw]
        rest = 100 - sum(floors)
        order = sorted(range(3), key=lambda i: raw[i] - floors[i], reverse=True)
        for i in order[:rest]:
            floors[i] += 1
        return (floors[0], floors[1], floors[2])


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One outlet's article on the "All N sources" pages."""

    outlet: str
    title: str
    url: str
    side: str | None  # "left", "center", "right", or None when unrated
    repost_of: str = ""  # the outlet (or wire) whose text this outlet only reposts; "" for original reporting
    reposted_by: int = 0  # how many other outlets repost this one's article (listed right after it)


@dataclass(frozen=True, slots=True)
class StoryView:
    """Everything a story card shows; computed by news.summary, rendered by bot.render.

    A card reads: headline; `dateline_in(view, chat zone)` – lede; bullets (news.summary.dateline_in)."""

    story_id: int
    headline: str
    headline_url: str
    bullets: tuple[str, ...]  # whole sentences (or titles) from other outlets, never the lede
    article_count: int
    source_count: int
    coverage: Coverage
    links: tuple[tuple[str, str], ...]  # (outlet name, url), a few spanning the spectrum
    first_seen: datetime  # the earliest article, strays included
    last_updated: datetime
    new_sources: int = 0  # growth since the chat's last digest
    lede: str = ""  # the first sentence of a core article's lead, whole; "" when no article has a lead
    place: str = ""  # "HOUSTON" from wire-style leads, "" when none opens with a place
    first_reported: datetime | None = None  # the core's first report (strays left out); None: use first_seen
    image_url: str = ""  # the story's picture: the headline article's, else a core article's; "" when none
    reposting: int = 0  # sources that only repost another's text (news.originals): "19 sources · 12 original"
