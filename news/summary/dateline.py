"""A Ground News style dateline: where the story happens and the day it was first reported (pure).

The place comes from wire-style lead openings ("HOUSTON (Reuters) -", "LONDON —"); the day is the story's
first report, in the reader's timezone. The view carries the two apart (`StoryView.place`,
`StoryView.first_reported`) because one story is read in many zones: the renderer calls `dateline_in`
with the chat's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from news.summary.sentences import clean_lead, split_dateline, split_sentences
from news.types import StoryArticle, StoryView

__all__ = ["dateline_in", "find_place", "format_dateline", "report_day"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_SENTENCES_LOOKED_AT = 3  # some feeds put a one-sentence dek before the dateline


def find_place(articles: Sequence[StoryArticle]) -> str:
    """The most common wire-style place among the leads ("HOUSTON"); ties go to the first seen; "" if none."""
    places: Counter[str] = Counter()
    for article in articles:
        for sentence in split_sentences(clean_lead(article.summary))[:_SENTENCES_LOOKED_AT]:
            place = split_dateline(sentence)[0]
            if place:
                places[place] += 1
                break
    return places.most_common(1)[0][0] if places else ""


def format_dateline(place: str, first_report: datetime, zone: ZoneInfo) -> str:
    """ "HOUSTON, JUL 31" (or "JUL 31" without a place), the day being `first_report`'s in `zone`.

    A naive `first_report` is taken as UTC, as storage keeps it."""
    local = _local_day(first_report, zone)
    day = f"{_MONTHS[local.month - 1]} {local.day}"
    return f"{place}, {day}" if place else day


def _local_day(first_report: datetime, zone: ZoneInfo) -> date:
    if first_report.tzinfo is None:
        first_report = first_report.replace(tzinfo=ZoneInfo("UTC"))
    return first_report.astimezone(zone).date()


def report_day(view: StoryView, zone: ZoneInfo) -> date:
    """The day of the story's first report in `zone`: the dateline's day, for a renderer that writes it in the
    reader's language."""
    return _local_day(view.first_reported or view.first_seen, zone)


def dateline_in(view: StoryView, zone: ZoneInfo) -> str:
    """The card's dateline for a reader in `zone`: the view's place and its first report's day there."""
    return format_dateline(view.place, view.first_reported or view.first_seen, zone)
