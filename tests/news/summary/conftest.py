"""Stories made of real headlines (tests/fixtures/stories), with outlets from the bundled table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from news.sources import load_outlets
from news.types import StoryArticle

STORIES = Path(__file__).resolve().parents[2] / "fixtures" / "stories" / "uci-2014-03-17-18.json"


@pytest.fixture(scope="session")
def uci() -> dict[str, list[StoryArticle]]:
    """UCI headlines of 17-18 March 2014 by story name (see the file's "_about")."""
    outlets = load_outlets()
    raw = json.loads(STORIES.read_text(encoding="utf-8"))
    return {
        name: [
            StoryArticle(title=row["title"], url=row["url"], source_name=row["source"],
                         outlet=outlets.by_domain(row["url"]),
                         published=datetime.fromisoformat(row["day"]).replace(tzinfo=UTC))
            for row in rows
        ]
        for name, rows in raw.items() if not name.startswith("_")
    }
