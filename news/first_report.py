"""Who broke a story, and when each side took it up (pure).

"First reported by Reuters, 14:02 · Right: 6 h after the first report." The first report is the earliest
*original* article (news.originals): a reprint fetched before the wire's own copy did not break anything. A side
joins with its first outlet's earliest article, reposts included, since carrying a wire story is taking it up.
Articles without a time say nothing about order and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from news.coverage import outlet_key, outlet_label
from news.originals import Reposts, find_reposts
from news.types import StoryArticle

__all__ = ["SIDES", "FirstReport", "first_report"]

SIDES = ("left", "center", "right")


@dataclass(frozen=True, slots=True)
class FirstReport:
    outlet: str  # as cards name it
    at: datetime  # aware UTC
    side: str | None  # the first outlet's side, None when unrated
    joined: tuple[tuple[str, timedelta | None], ...]  # per side in SIDES: time after the first report, or None


def first_report(articles: Sequence[StoryArticle], reposts: Reposts | None = None) -> FirstReport | None:
    """The story's first original report and each side's delay after it; None when no original has a time.
    `reposts`: find_reposts of these articles, when the caller has it."""
    reposts = reposts or find_reposts(articles, outlet_key)
    timed = [(a.published, i) for i, a in enumerate(articles) if a.published is not None]
    originals = [(when, i) for when, i in timed if not reposts.copied[i]]
    if not originals:
        return None
    at, first = min(originals)
    earliest: dict[str, datetime] = {}
    for when, i in timed:
        outlet = articles[i].outlet
        if outlet is not None and outlet.bias is not None:
            side = outlet.bias.side
            earliest[side] = min(when, earliest.get(side, when))
    joined = tuple((side, max(timedelta(0), earliest[side] - at) if side in earliest else None) for side in SIDES)
    lead = articles[first].outlet
    return FirstReport(outlet_label(articles[first]), at,
                       lead.bias.side if lead is not None and lead.bias is not None else None, joined)
