"""Search's recency bound (PostgreSQL: articles fetched in the window) on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes.newsroom import ISS, seed_story
from storage.db import Database
from storage.search import group_matches, search_window


def test_search_finds_recent_stories_whatever_the_wall_clock(db: Database) -> None:
    """Fetch times are the wall clock's, the search window the application's clock: a clock ahead of the wall
    (a test, a replay) still finds what was just fetched, on both engines."""
    ahead = datetime.now(UTC) + timedelta(days=60)
    with db.session() as s:
        story = seed_story(s, "ahead", ISS, ahead)
        window = search_window(s, ahead - timedelta(days=7))
        assert {sid for sid, _, _ in group_matches(s, ["roscosmos"], window)} == {story}
