"""Feed bytes -> raw entries, via feedparser (pure: never given a URL)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

__all__ = ["ENTITY_DECLARATION", "PROLOG_BYTES", "FeedParseError", "ParsedFeed", "RawEntry", "parse_feed"]


class FeedParseError(Exception):
    """The body is not a feed we can read."""


# Entity declarations live in the DOCTYPE, before the root element. feedparser does not expand them (so a
# "billion laughs" body stays small), but a feed that declares entities is refused with a clear reason rather
# than stored as titles like "&lol9;".
ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE)
PROLOG_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class RawEntry:
    guid: str
    link: str
    title: str  # may still hold HTML
    summary: str  # may still hold HTML
    published: datetime | None
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[RawEntry, ...]
    ttl_minutes: int | None
    warning: str | None  # feedparser's "bozo" reason when it recovered from broken XML


def parse_feed(body: bytes, content_type: str | None = None) -> ParsedFeed:
    if ENTITY_DECLARATION.search(body, 0, PROLOG_BYTES):
        raise FeedParseError("the feed declares XML entities (refused: entity-expansion risk)")
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    version = parsed.get("version", "")
    entries = parsed.get("entries", [])
    reason = parsed.get("bozo_exception")
    if not version and not entries:
        raise FeedParseError(f"not an RSS or Atom feed ({_describe(reason)})")
    if not entries and parsed.get("bozo") and not isinstance(reason, feedparser.CharacterEncodingOverride):
        # A valid empty feed is fine; a broken body we could read nothing from is a failure, not "no news".
        raise FeedParseError(f"broken feed with no readable entries ({_describe(reason)})")
    feed = parsed.get("feed", {})
    return ParsedFeed(
        title=str(feed.get("title", ""))[:500],
        entries=tuple(_entry(e) for e in entries),
        ttl_minutes=_ttl(feed.get("ttl")),
        warning=_describe(parsed.get("bozo_exception")) if parsed.get("bozo") else None,
    )


def _entry(entry: Any) -> RawEntry:
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    return RawEntry(
        guid=str(entry.get("id") or "").strip(),
        link=str(entry.get("link") or "").strip(),
        title=str(entry.get("title") or ""),
        summary=str(summary),
        published=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        categories=tuple(str(t.get("term", "")).strip() for t in entry.get("tags", []) if t.get("term")),
    )


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None


def _describe(exc: object) -> str:
    if exc is None:
        return "no details"
    return f"{type(exc).__name__}: {exc}"[:200]
