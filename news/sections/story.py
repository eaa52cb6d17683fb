"""A story's sections from its articles as a whole (pure).

Each article gets a probability per section from the model; an article whose categories name a section
(news.sections.labels: the publisher's category or the operator's OPML category) is taken to be at least
LABEL_CONFIDENCE that section. The story's score for a section is the mean over its articles, each outlet
weighing one in total (ten updates from one outlet count as one article), so a stray article cannot carry
a large story. The best section is listed when its score reaches MIN_SHARE; a second one only when its own
score reaches SECOND_SHARE, i.e. when most of the coverage really reads as that section too.
Thresholds were chosen on the UCI dev week and the AllSides check (bench/section_quality.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from news.coverage import outlet_key
from news.sections.features import article_features
from news.sections.labels import SECTION_NAMES, labelled_sections
from news.sections.model import SectionModel
from news.types import StoryArticle

__all__ = ["LABEL_CONFIDENCE", "MIN_SHARE", "SECOND_SHARE", "learn_from_feeds", "section_scores",
           "sections_by_item", "story_sections"]

LABEL_CONFIDENCE = 0.9
MIN_SHARE = 0.3
SECOND_SHARE = 0.5
MAX_SECTIONS = 2


def _features(article: StoryArticle) -> tuple[int, ...]:
    source = article.outlet.name if article.outlet is not None else article.source_name
    return article_features(article.title, article.summary, source)


def section_scores(model: SectionModel, articles: Sequence[StoryArticle]) -> dict[str, float]:
    """Each section's outlet-weighted mean probability over the story's articles (all 0.0 when empty)."""
    if not articles:
        return dict.fromkeys(SECTION_NAMES, 0.0)
    probabilities = model.probabilities([_features(a) for a in articles])
    for row, article in enumerate(articles):
        for section in labelled_sections(article.categories):
            column = SECTION_NAMES.index(section)
            probabilities[row, column] = max(probabilities[row, column], LABEL_CONFIDENCE)
    outlets = [outlet_key(a) or a.url or a.title for a in articles]
    per_outlet = Counter(outlets)
    weights = np.array([1.0 / per_outlet[o] for o in outlets], np.float32)
    mean = weights @ probabilities / weights.sum()
    return {section: float(score) for section, score in zip(SECTION_NAMES, mean, strict=True)}


def story_sections(model: SectionModel, articles: Sequence[StoryArticle]) -> tuple[str, ...]:
    """The sections a story is listed under, best first: none, one, or two when the evidence holds."""
    ranked = sorted(section_scores(model, articles).items(), key=lambda item: item[1], reverse=True)
    listed = [name for name, score in ranked[:1] if score >= MIN_SHARE]
    listed += [name for name, score in ranked[1:MAX_SECTIONS] if listed and score >= SECOND_SHARE]
    return tuple(listed)


def learn_from_feeds(model: SectionModel, articles: Iterable[StoryArticle]) -> int:
    """Teach the model with the new articles whose categories name a section; returns how many it used.
    Call once per article (e.g. with each clustering pass's new articles), never twice for the same one."""
    labelled = [(a, labelled_sections(a.categories)) for a in articles]
    labelled = [(a, sections) for a, sections in labelled if sections]
    return model.learn_features([_features(a) for a, _ in labelled], [s for _, s in labelled])


def sections_by_item(
    records: Iterable[Mapping[str, Any]], stories: Mapping[str, str], model: SectionModel,
) -> dict[str, tuple[str, ...]]:
    """For `storybot cluster-file`: each item's story sections. `records` are the input items (id, title,
    summary, source, url); `stories` maps an item id to its story key, as cluster_records yields it."""
    members: dict[str, list[tuple[str, StoryArticle]]] = {}
    for record in records:
        item = str(record["id"])
        article = StoryArticle(
            title=str(record.get("title") or ""), url=str(record.get("url") or ""),
            summary=str(record.get("summary") or ""), source_name=str(record.get("source") or ""),
        )
        members.setdefault(stories[item], []).append((item, article))
    found: dict[str, tuple[str, ...]] = {}
    for items in members.values():
        sections = story_sections(model, [article for _, article in items])
        found.update((item, sections) for item, _ in items)
    return found
