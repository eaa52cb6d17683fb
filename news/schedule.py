"""When to poll a feed next: the interval, raised by the feed's own signals, backed off on failure (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from news.fetch import HTTPStatusError
from news.headers import MAX_SECONDS, expires_in, max_age

__all__ = ["MAX_BACKOFF", "Policy", "next_check_after_failure", "next_check_after_success"]

MAX_BACKOFF = timedelta(hours=24)


class Policy(Protocol):
    @property
    def interval_minutes(self) -> int: ...
    @property
    def min_minutes(self) -> int: ...
    @property
    def max_minutes(self) -> int: ...
    @property
    def pause_after_hours(self) -> float: ...


def next_check_after_success(
    now: datetime, policy: Policy, cache_control: str | None, expires: str | None, ttl_minutes: int | None
) -> datetime:
    """The feed's own signals (max-age, Expires, <ttl>) may only lengthen the interval, up to the policy's ceiling.

    Every signal is bounded before it becomes a timedelta (news.headers), so no value a server sends can overflow.
    """
    seconds = [60.0 * policy.interval_minutes]
    for signal in (max_age(cache_control), expires_in(expires, now), ttl_minutes and 60.0 * ttl_minutes):
        if signal:
            seconds.append(min(float(signal), float(MAX_SECONDS)))
    wait = min(max(max(seconds), 60.0 * policy.min_minutes), 60.0 * policy.max_minutes)
    return now + timedelta(seconds=wait)


def next_check_after_failure(
    now: datetime, policy: Policy, error: Exception, error_count: int, failing_since: datetime | None
) -> tuple[datetime, bool]:
    """(next check, pause?). 410 pauses at once; a long run of failures pauses too."""
    if isinstance(error, HTTPStatusError) and error.status == 410:
        return now + MAX_BACKOFF, True
    if failing_since and now - failing_since >= timedelta(hours=policy.pause_after_hours):
        return now + MAX_BACKOFF, True
    backoff = timedelta(minutes=policy.interval_minutes) * (2 ** min(error_count - 1, 10))
    if isinstance(error, HTTPStatusError) and error.retry_after:
        backoff = max(backoff, timedelta(seconds=min(error.retry_after, MAX_BACKOFF.total_seconds())))
    return now + min(backoff, MAX_BACKOFF), False
