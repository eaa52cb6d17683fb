"""Whatever a user or a forged client sends, every parser of theirs gives a value or a clear refusal (property tests).

Callback data can be any 1-64 bytes (the Bot API passes it on); commands carry any text after them.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.digest_time import InvalidSchedule, parse_times, parse_zone, zone_or_utc
from bot.handlers import cards, start, topics
from bot.handlers import settings as chat_settings
from bot.handlers.common import MAX_ID, bounded_id
from news.topics import compile_topic, normalize_topic
from news.words import search_terms

TEXT = st.text(max_size=300)
DATA = st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64)
PATTERNS = [
    rf"^{cards.SOURCES}(\d{{1,10}}):(\d{{1,4}})$", rf"^{cards.CARD}(\d{{1,10}})$", rf"^{cards.COVERAGE}(\d{{1,10}})$",
    rf"^{topics.REMOVE}(\d{{1,10}})$",
]
FAST = settings(max_examples=300, deadline=None)


@FAST
@given(DATA)
def test_callback_data_gives_a_bounded_id_or_nothing(data: str) -> None:
    for pattern in PATTERNS:
        if (match := re.match(pattern, data)) is not None:
            value = bounded_id(match.group(1))
            assert value is None or 0 < value <= MAX_ID


@FAST
@given(st.one_of(DATA, st.sampled_from(["set:t:0800", "set:z:7", "set:z:8", "set:t:9999", "tog:world"])))
def test_settings_and_toggle_buttons_only_take_what_they_offer(data: str) -> None:
    if re.match(chat_settings.BUTTONS, data) and data.startswith(chat_settings.SET_ZONE):
        assert chat_settings.PRESET_ZONES[int(data.removeprefix(chat_settings.SET_ZONE))]
    if re.match(start.TOGGLES, data):
        assert data.removeprefix(start.TOGGLE) in start.POPULAR


@FAST
@given(TEXT)
def test_times_parse_or_refuse(text: str) -> None:
    try:
        times = parse_times(text)
    except InvalidSchedule as exc:
        assert str(exc)
    else:
        assert 1 <= len(times) <= 4


@FAST
@given(st.one_of(TEXT, st.sampled_from(["Europe", "Europe/", "../../etc/passwd", "UTC", "europe/berlin", "posix"])))
def test_zones_parse_or_refuse(text: str) -> None:
    try:
        zone = parse_zone(text)
    except InvalidSchedule as exc:
        assert str(exc)
        assert zone_or_utc(text) == ZoneInfo("UTC")
    else:
        assert isinstance(zone, ZoneInfo) and zone_or_utc(text) == zone


@FAST
@given(TEXT)
def test_topics_and_searches_parse_or_refuse(text: str) -> None:
    try:
        compile_topic(normalize_topic(text))
    except ValueError as exc:
        assert str(exc)
    for group in search_terms(text):
        assert group and all(re.fullmatch(r"[^\W_]+", form) for form in group)
