"""news.follow: when a followed story has developed enough to tell, and the chat's night."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.follow import StoryState, developed, is_night, same_headline

TOLD = StoryState(4, frozenset({"left", "center"}), "Dutch parliament bans gas boilers")


@pytest.mark.parametrize(("now", "merged", "expected"), [
    (StoryState(5, TOLD.sides, TOLD.headline), False, None),  # one more outlet: not news
    (StoryState(6, TOLD.sides, "dutch PARLIAMENT bans gas-boilers!"), False, None),  # the same words
    (StoryState(3, TOLD.sides, TOLD.headline), False, None),  # an outlet moved away
    (StoryState(7, TOLD.sides, TOLD.headline), False, (3, (), None, False)),  # 3 new, and half again
    (StoryState(5, TOLD.sides | {"right"}, TOLD.headline), False, (0, ("right",), None, False)),  # a side starts
    (StoryState(4, TOLD.sides, "Netherlands votes boiler ban"), False, (0, (), "Netherlands votes boiler ban", False)),
    (StoryState(4, TOLD.sides, ""), False, None),  # no headline is no new headline
    (StoryState(4, TOLD.sides, TOLD.headline), True, (0, (), None, True)),
])
def test_what_is_new_enough_to_tell(now: StoryState, merged: bool,
                                    expected: tuple[int, tuple[str, ...], str | None, bool] | None) -> None:
    change = developed(TOLD, now, merged)
    got = None if change is None else (change.new_sources, change.new_sides, change.headline, change.merged)
    assert got == expected


def test_a_big_story_needs_half_again() -> None:
    big = StoryState(20, frozenset({"left"}), "x")
    assert developed(big, StoryState(29, big.sides, "x")) is None
    change = developed(big, StoryState(30, big.sides, "x"))
    assert change is not None and change.new_sources == 10 and change.sources == 30


@pytest.mark.parametrize(("hour", "minute", "night"), [(21, 59, False), (22, 0, True), (3, 0, True), (6, 59, True),
                                                       (7, 0, False), (12, 0, False)])
def test_the_night_is_ten_to_seven(hour: int, minute: int, night: bool) -> None:
    assert is_night(datetime(2026, 7, 31, hour, minute, tzinfo=UTC)) is night


def test_headlines_compare_by_their_words() -> None:
    assert same_headline("Fed holds rates", "FED holds rates.")
    assert not same_headline("Fed holds rates", "Fed raises rates")
