"""Small stories written by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.types import Outlet, StoryArticle

NOW = datetime(2026, 7, 31, 15, 0, tzinfo=UTC)


def article(title: str, summary: str = "", source: str = "", outlet: Outlet | None = None,
            hours: float | None = None, url: str = "") -> StoryArticle:
    return StoryArticle(
        title=title, url=url or f"https://{(source or 'x').lower().replace(' ', '')}.example/{len(title)}",
        summary=summary, source_name=source, outlet=outlet,
        published=None if hours is None else NOW - timedelta(hours=hours),
    )


def quake_story() -> list[StoryArticle]:
    return [
        article("Quake hits Turkey", "ANKARA (Reuters) - A magnitude 7.8 earthquake struck southern Turkey on "
                "Monday, killing hundreds. Rescuers searched rubble in freezing rain. Continue reading...",
                source="Reuters"),
        article("Deadly quake strikes Turkey", "A magnitude 7.8 earthquake struck southern Turkey on Monday, "
                "killing hundreds of people. Rescuers searched rubble in freezing rain.", source="Reuters"),
        article("Earthquake kills hundreds", "A powerful earthquake struck southern Turkey and Syria on Monday, "
                "killing hundreds. Syria's government said buildings collapsed in Aleppo.", source="BBC"),
        article("Turkey quake: aid pledged", "Countries including the U.S. pledged aid to Turkey after the "
                "earthquake. NATO allies offered search teams.", source="AP"),
    ]
