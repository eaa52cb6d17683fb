"""Feed categories -> sections: which labels an operator or a publisher gave an article (pure, no numpy).

`StoryArticle.categories` holds the entry's own categories and, last, the feed's OPML category. A category
counts only when it *is* a section's name or a plain alias of one ("Tech", "Sport", "Markets", "Football");
nested OPML categories ("news/technology") and pairs ("Science & Environment") are read part by part. No
substring matching: a wrong label would both mislabel the story and teach the model the wrong thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["CATEGORY_SECTIONS", "SECTION_NAMES", "labelled_sections"]

SECTION_NAMES: tuple[str, ...] = (
    "world", "business", "technology", "science", "health", "sports", "entertainment",
)

CATEGORY_SECTIONS: dict[str, str] = {
    **{name: name for name in SECTION_NAMES},
    "world news": "world", "international": "world", "global": "world", "foreign": "world",
    "foreign affairs": "world", "international news": "world",
    "economy": "business", "economics": "business", "markets": "business", "finance": "business",
    "money": "business", "companies": "business", "business news": "business", "personal finance": "business",
    "tech": "technology", "gadgets": "technology", "internet": "technology", "computing": "technology",
    "artificial intelligence": "technology", "cybersecurity": "technology", "technology news": "technology",
    "space": "science", "science news": "science",
    "medicine": "health", "health news": "health", "wellness": "health", "healthcare": "health",
    "sport": "sports", "football": "sports", "soccer": "sports", "cricket": "sports", "tennis": "sports",
    "golf": "sports", "basketball": "sports", "baseball": "sports", "rugby": "sports", "formula 1": "sports",
    "nfl": "sports", "nba": "sports", "olympics": "sports", "sports news": "sports",
    "arts": "entertainment", "culture": "entertainment", "movies": "entertainment", "film": "entertainment",
    "music": "entertainment", "tv": "entertainment", "television": "entertainment", "celebrity": "entertainment",
    "books": "entertainment", "entertainment news": "entertainment",
}
_PARTS = re.compile(r"\s*(?:/|&|\band\b|,|\|)\s*")


def labelled_sections(categories: Iterable[str]) -> frozenset[str]:
    """The sections the categories name: {"technology"} for ("Tech",), {} for ("Politics", "Opinion")."""
    found: set[str] = set()
    for category in categories:
        name = " ".join(category.casefold().split())
        if name in CATEGORY_SECTIONS:
            found.add(CATEGORY_SECTIONS[name])
            continue
        found.update(CATEGORY_SECTIONS[part] for part in _PARTS.split(name) if part in CATEGORY_SECTIONS)
    return frozenset(found)
