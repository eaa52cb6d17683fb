"""Sections (world, business, technology, ...) of stories, from a classifier that keeps learning (pure).

    labels.py    feed and entry categories -> sections; SECTION_NAMES (no numpy)
    features.py  an article's title, lead and outlet -> hashed feature ids
    model.py     SectionModel: per-section logistic weights; the shipped seed; online learning; bytes
    story.py     a story's sections from all its articles; learning from labelled feeds; cluster-file

Use at clustering time: `model = load_seed_model()` once (or `SectionModel.from_bytes(saved)`), then per
pass `learn_from_feeds(model, new_articles)` and `story_sections(model, articles)` for each changed story;
save `model.to_bytes()` now and then. Import the public names from here.
"""

from news.sections.labels import CATEGORY_SECTIONS, SECTION_NAMES, labelled_sections
from news.sections.model import SectionModel, load_seed_model
from news.sections.story import learn_from_feeds, section_scores, sections_by_item, story_sections

__all__ = [
    "CATEGORY_SECTIONS", "SECTION_NAMES", "SectionModel", "labelled_sections", "learn_from_feeds",
    "load_seed_model", "section_scores", "sections_by_item", "story_sections",
]
