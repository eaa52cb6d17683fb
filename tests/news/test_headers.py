"""news.headers and news.schedule: any header value gives a bounded number or None, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news.fetch import HTTPStatusError
from news.headers import MAX_LENGTH, MAX_SECONDS, content_length, expires_in, max_age, retry_after
from news.schedule import next_check_after_failure, next_check_after_success

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HUGE = "9" * 30
# Header-ish text: digits (ASCII and not), the words and punctuation of real values, anything else.
HEADERISH = st.text(st.sampled_from("0123456789²١٢ -,;=\"'.:+TZGMmax-agepublicFriDec")
                    | st.characters(codec="utf-8"), max_size=60)
DATES = st.builds(lambda d, y: f"{d}, 01 Jan {y} 00:00:00 GMT", st.sampled_from(["Fri", "Mon", "Xyz"]),
                  st.integers(-10**6, 10**12))


@dataclass(frozen=True)
class Policy:
    interval_minutes: int = 15
    min_minutes: int = 5
    max_minutes: int = 24 * 60
    pause_after_hours: float = 48.0


def test_the_owners_numbers() -> None:
    assert max_age(f"public, max-age={HUGE}") == MAX_SECONDS
    assert retry_after(HUGE, NOW) == MAX_SECONDS
    assert retry_after("Fri, 31 Dec 9999 23:59:59 GMT", NOW) == MAX_SECONDS
    assert retry_after("²³", NOW) is None  # str.isdigit says yes, float says no
    assert expires_in("Sat, 01 Jan 99999 00:00:00 GMT", NOW) is None
    assert content_length("9" * 5000) == MAX_LENGTH and content_length("١٢") is None
    assert max_age("s-maxage=60, max-age=120") == 120 and max_age("no-cache") is None


@pytest.mark.parametrize(("cache_control", "expires", "ttl"), [
    (f"max-age={HUGE}", None, None), (None, "Fri, 31 Dec 9999 23:59:59 GMT", None), (None, None, 10**15),
])
def test_absurd_signals_end_at_the_ceiling(cache_control: str | None, expires: str | None, ttl: int | None) -> None:
    assert next_check_after_success(NOW, Policy(), cache_control, expires, ttl) == NOW + timedelta(days=1)


@settings(max_examples=300, deadline=1000)
@given(value=HEADERISH | DATES | st.integers(-(10**40), 10**40).map(str))
def test_any_header_value_is_bounded_or_none(value: str) -> None:
    for seconds in (max_age(value), max_age(f"max-age={value}"), retry_after(value, NOW), expires_in(value, NOW)):
        assert seconds is None or 0 <= seconds <= MAX_SECONDS
    length = content_length(value)
    assert length is None or 0 <= length <= MAX_LENGTH
    at = next_check_after_success(NOW, Policy(), value, value, None)
    assert NOW + timedelta(minutes=15) <= at <= NOW + timedelta(days=1)
    error = HTTPStatusError(503, retry_after(value, NOW))
    later, _ = next_check_after_failure(NOW, Policy(), error, 3, None)
    assert NOW < later <= NOW + timedelta(days=1)


@settings(max_examples=100, deadline=1000)
@given(ttl=st.integers(-(10**30), 10**30) | st.none(), errors=st.integers(-5, 10**6))
def test_any_ttl_and_error_count_give_a_time_within_a_day(ttl: int | None, errors: int) -> None:
    assert NOW < next_check_after_success(NOW, Policy(), None, None, ttl) <= NOW + timedelta(days=1)
    later, _ = next_check_after_failure(NOW, Policy(), HTTPStatusError(500), errors, None)
    assert NOW < later <= NOW + timedelta(days=1)
