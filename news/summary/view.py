"""Everything a story card shows, as one StoryView (pure): the parts of news.summary put together once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from news.coverage import coverage_of, outlet_key, outlet_label, outlets_of, source_lines
from news.rank import growth
from news.summary.dateline import find_place
from news.summary.headline import pick_headline
from news.summary.lines import card_lines
from news.summary.similarity import article_text, centrality, core_mask, unit_vectors
from news.summary.titles import casing_of
from news.types import StoryArticle, StoryView

__all__ = ["build_story_view"]



def _links(
    articles: Sequence[StoryArticle], central: np.ndarray, max_links: int
) -> tuple[tuple[str, str], ...]:
    """One link per outlet, most central article first: a left, a centre and a right one lead when rated."""
    order = sorted((i for i in range(len(articles)) if articles[i].url), key=lambda i: (-central[i], i))
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
    n = len(articles)
    vectors = unit_vectors([a.title for a in articles] + [article_text(a) for a in articles])
    titles, docs = vectors[:n], vectors[n:]
    core = core_mask(docs, articles)
    casing = casing_of([a.title for a in articles] + [a.summary for a in articles])
    headline = pick_headline(articles, titles, docs, core, casing)
    lines = card_lines(articles, headline.title, core, headline.voices, casing)
    core_articles = [a for a, inside in zip(articles, core, strict=True) if inside]
    known = [a.published for a in articles if a.published is not None]
    first_seen, last_updated = min(known, default=now), max(known, default=now)
    first_reported = min((a.published for a in core_articles if a.published is not None), default=first_seen)
    place = find_place(core_articles)
    return StoryView(
        story_id=story_id,
        headline=headline.title,
        headline_url=articles[headline.index].url,
        bullets=lines.bullets,
        article_count=n,
        source_count=len(outlets_of(articles)),
        coverage=coverage_of(articles),
        links=_links(articles, centrality(titles @ docs.T, articles, core), max_links),
        first_seen=first_seen,
        last_updated=last_updated,
        new_sources=growth(articles, since),
        lede=lines.lede,
        place=place,
        first_reported=first_reported,
        image_url=articles[headline.index].image_url or next((a.image_url for a in core_articles if a.image_url), ""),
        reposting=sum(1 for line in source_lines(articles) if line.repost_of),
    )
