"""When to poll a feed next: the interval, raised by the feed's own signals, backed off on failure (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Protocol

from news.fetch import HTTPStatusError

__all__ = ["MAX_AGE", "MAX_BACKOFF", "Policy", "next_check_after_failure", "next_check_after_success"]

MAX_AGE = re.compile(r"max-age=(\d+)")
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
    wait = timedelta(minutes=policy.interval_minutes)
    if cache_control and (match := MAX_AGE.search(cache_control)):
        wait = max(wait, timedelta(seconds=int(match.group(1))))
    if expires:
        try:
            when = parsedate_to_datetime(expires)
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            wait = max(wait, when - now)
        except (TypeError, ValueError):
            pass
    if ttl_minutes:
        wait = max(wait, timedelta(minutes=ttl_minutes))
    wait = min(max(wait, timedelta(minutes=policy.min_minutes)), timedelta(minutes=policy.max_minutes))
    return now + wait


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
        backoff = max(backoff, timedelta(seconds=error.retry_after))
    return now + min(backoff, MAX_BACKOFF), False
