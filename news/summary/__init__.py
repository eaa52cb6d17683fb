"""What a story card says: headline, dateline, lede and bullets, put together as a StoryView (pure).

Everything is extractive, and every part is chosen from the story's core (see similarity.core_mask).
Modules: `titles` (cleaning and tone), `sentences` (leads into sentences), `similarity` (per-story TF-IDF,
outlet votes, the core), `headline`, `lines` (lede and bullets), `dateline`, `view` (the StoryView).
"""

from news.summary.dateline import dateline_in, find_place, format_dateline, report_day
from news.summary.headline import HeadlineChoice, choose_headline, pick_headline
from news.summary.lines import CardLines, card_lines
from news.summary.sentences import lead_sentences, split_sentences
from news.summary.titles import clean_title
from news.summary.view import build_story_view

__all__ = [
    "CardLines",
    "HeadlineChoice",
    "build_story_view",
    "card_lines",
    "choose_headline",
    "clean_title",
    "dateline_in",
    "find_place",
    "format_dateline",
    "lead_sentences",
    "pick_headline",
    "report_day",
    "split_sentences",
]
