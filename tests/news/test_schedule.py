"""news.schedule: the next poll after a success (feed signals within floor and ceiling) or a failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from news.fetch import HTTPStatusError, Timeout
from news.schedule import next_check_after_failure, next_check_after_success

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Policy:
    interval_minutes: int = 15
    min_minutes: int = 5
    max_minutes: int = 24 * 60
    pause_after_hours: float = 48.0


@pytest.mark.parametrize(
    ("policy", "cache_control", "expires", "ttl", "wait"),
    [
        (Policy(), None, None, None, timedelta(minutes=15)),
        (Policy(), "public, max-age=3600", None, None, timedelta(hours=1)),
        (Policy(), "max-age=60", None, None, timedelta(minutes=15)),  # never sooner than the interval
        (Policy(), "no-cache", None, None, timedelta(minutes=15)),
        (Policy(), None, "Sun, 01 Mar 2026 14:00:00 GMT", None, timedelta(hours=2)),
        (Policy(), None, "not a date", None, timedelta(minutes=15)),
        (Policy(), None, None, 90, timedelta(minutes=90)),
        (Policy(), "max-age=31536000", None, None, timedelta(hours=24)),  # the ceiling
        (Policy(max_minutes=60), None, None, 600, timedelta(hours=1)),
        (Policy(interval_minutes=1, min_minutes=5), None, None, None, timedelta(minutes=5)),  # the floor
    ],
)
def test_after_success(policy: Policy, cache_control: str | None, expires: str | None, ttl: int | None,
                       wait: timedelta) -> None:
    assert next_check_after_success(NOW, policy, cache_control, expires, ttl) == NOW + wait


def test_backoff_doubles_up_to_a_day() -> None:
    waits = [next_check_after_failure(NOW, Policy(), Timeout("t"), n, NOW)[0] - NOW for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert waits[-1] == timedelta(hours=24) and waits == sorted(waits)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(status: int) -> None:
    error = HTTPStatusError(status, retry_after=3 * 3600)
    assert next_check_after_failure(NOW, Policy(), error, 1, NOW) == (NOW + timedelta(hours=3), False)
    huge = HTTPStatusError(status, retry_after=10 * 86400)
    assert next_check_after_failure(NOW, Policy(), huge, 1, NOW)[0] == NOW + timedelta(hours=24)


def test_410_pauses_at_once() -> None:
    assert next_check_after_failure(NOW, Policy(), HTTPStatusError(410), 1, NOW)[1] is True
    assert next_check_after_failure(NOW, Policy(), HTTPStatusError(404), 1, NOW)[1] is False


def test_a_long_run_of_failures_pauses() -> None:
    policy = Policy(pause_after_hours=48)
    assert next_check_after_failure(NOW, policy, Timeout("t"), 9, NOW - timedelta(hours=47))[1] is False
    assert next_check_after_failure(NOW, policy, Timeout("t"), 10, NOW - timedelta(hours=48))[1] is True
