"""HTTP header values a feed server sends, read strictly and bounded before anyone computes with them (pure).

A header is text from a stranger: `max-age=99999999999999999999` overflows a timedelta, `Retry-After: ²` passes
`str.isdigit` and fails `float`, a 5,000-digit Content-Length fails `int`, and an Expires in year 9999 or 99999
is either far away or unparsable. Every reader here returns a bounded value or None ("the header says nothing
usable"); none raises. Numbers are ASCII digits only, and at most MAX_SECONDS (ten years) or MAX_LENGTH.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["MAX_LENGTH", "MAX_SECONDS", "content_length", "expires_in", "max_age", "retry_after"]

MAX_SECONDS = 10 * 365 * 24 * 3600  # longer than any schedule cares about, far inside timedelta's range
MAX_LENGTH = 1 << 62  # "more than anything we accept"; an int, never a 5,000-digit one
_DIGITS = re.compile(r"[0-9]+")
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?([0-9]+)", re.IGNORECASE)
_LONGEST = 19  # digits: a longer number is past every bound, so it is not converted at all
_LONGEST_DATE = 100  # characters: a real HTTP date is 29


def _bounded(digits: str, bound: int) -> int:
    return bound if len(digits) > _LONGEST else min(int(digits), bound)


def max_age(cache_control: str | None) -> int | None:
    """Seconds of Cache-Control max-age, at most MAX_SECONDS."""
    if not cache_control:
        return None
    match = _MAX_AGE.search(cache_control[:1000])
    return _bounded(match.group(1), MAX_SECONDS) if match else None


def _http_date(value: str) -> datetime | None:
    if len(value) > _LONGEST_DATE:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _seconds_until(when: datetime, now: datetime) -> float:
    try:
        delta = when - now
    except OverflowError:
        return float(MAX_SECONDS)
    return min(max(0.0, delta / timedelta(seconds=1)), float(MAX_SECONDS))


def retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP date; 0 to MAX_SECONDS."""
    if not value:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return float(_bounded(value, MAX_SECONDS))
    when = _http_date(value)
    return None if when is None else _seconds_until(when, now)


def expires_in(value: str | None, now: datetime) -> float | None:
    """Seconds from `now` until an Expires date (0 for the past), at most MAX_SECONDS."""
    if not value:
        return None
    when = _http_date(value.strip())
    return None if when is None else _seconds_until(when, now)


def content_length(value: str | None) -> int | None:
    """A declared body length (ASCII digits only), at most MAX_LENGTH; None when absent or not a number."""
    if not value:
        return None
    value = value.strip()
    return _bounded(value, MAX_LENGTH) if _DIGITS.fullmatch(value) else None
