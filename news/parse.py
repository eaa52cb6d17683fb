"""Feed bytes -> raw entries, via feedparser (pure: never given a URL), with every value bounded.

Entities are never expanded. feedparser's fallback parser expands declared entities without limit (60 KB of
feed became a 300-million-character title in 23 s), and a check on the raw bytes misses a declaration in UTF-16 or
one hidden behind a comment. So the body is first decoded to text exactly as feedparser would (its own charset
detection: HTTP header, XML declaration, BOM), the text is checked (news.xmlsafe: no entity declaration, no DTD
internal subset; an external DOCTYPE is dropped), and feedparser gets that very text back as UTF-8, declared so:
what is parsed is what was checked.

Parsing is CPU and memory in proportion to what feedparser is given (5 MB of tiny items: ~50 s and ~150 MB), so
it gets at most `max_entries` entries: the text is cut before the next entry's start tag and the root closed
(a cut that lands somewhere odd only makes feedparser recover, with a warning). app.parsing runs all of this in
worker processes with a time and memory limit, for what no cut can bound (deep nesting, say). Every field is cut
to a size before anyone works on it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from news.images import entry_image
from news.xmlsafe import UnsafeXML, defuse

__all__ = ["MAX_CATEGORIES", "MAX_FIELD", "MAX_TTL_MINUTES", "FeedParseError", "ParsedFeed", "RawEntry",
           "parse_feed", "struct_time_utc"]

MAX_FIELD = 64 * 1024  # characters kept of any text field before cleaning (a card shows a few hundred)
MAX_LINK = 4096  # characters of a link or guid; news.normalize drops links too long to store
MAX_CATEGORIES = 20
MAX_AUTHOR = 1000  # characters of an author field before cleaning
MAX_TTL_MINUTES = 366 * 24 * 60
_DIGITS = re.compile(r"\s*([0-9]{1,12})\s*")


class FeedParseError(Exception):
    """The body is not a feed we can read (or one we refuse to read)."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    guid: str
    link: str
    title: str  # may still hold HTML
    summary: str  # may still hold HTML
    published: datetime | None
    categories: tuple[str, ...]
    source_url: str = ""  # an aggregator's <source url="..."> (RSS) or <source><link> (Atom): the original outlet
    image: str = ""  # the entry's picture, already checked (news.images); "" when it has none
    author: str = ""  # <author>, <dc:creator> or an Atom author's name, as the feed gives it


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[RawEntry, ...]
    ttl_minutes: int | None
    warning: str | None  # feedparser's "bozo" reason when it recovered from broken XML or a wrong charset
    ignored: int = 0  # entries past max_entries


def parse_feed(body: bytes, content_type: str | None = None, max_entries: int | None = None) -> ParsedFeed:
    text, charset_note = _decode(body, content_type)
    try:
        text = defuse(text)
    except UnsafeXML as exc:
        raise FeedParseError(f"{exc} (refused: entity-expansion risk)") from None
    text, ignored = _first_entries(text, max_entries)
    utf8 = b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8", "replace")
    try:
        parsed = feedparser.parse(utf8, response_headers={"content-type": "application/xml; charset=utf-8"},
                                  sanitize_html=False, resolve_relative_uris=False)
    except MemoryError:
        raise
    except Exception as exc:  # feedparser's own bugs on odd input, e.g. ValueError for "&#2000000;"
        raise FeedParseError(f"the feed breaks the parser ({_describe(exc)})") from None
    version = parsed.get("version", "")
    entries = parsed.get("entries", [])
    reason = parsed.get("bozo_exception") if parsed.get("bozo") else charset_note
    if not version and not entries:
        raise FeedParseError(f"not an RSS or Atom feed ({_describe(reason)})")
    if not entries and parsed.get("bozo"):
        # A valid empty feed is fine; a broken body we could read nothing from is a failure, not "no news".
        raise FeedParseError(f"broken feed with no readable entries ({_describe(reason)})")
    feed = parsed.get("feed", {})
    taken = entries if max_entries is None else entries[:max_entries]
    return ParsedFeed(
        title=_text(feed.get("title"), 500),
        entries=tuple(_entry(e) for e in taken),
        ttl_minutes=_ttl(feed.get("ttl")),
        warning=_describe(reason) if reason is not None and not ignored else None,
        ignored=ignored + len(entries) - len(taken),
    )


_ENTRY_START = re.compile(r"<(?:item|entry)[\s/>]")
_ROOT = re.compile(r"<(rss|feed|rdf:RDF)[\s>]")
_CLOSE = {"rss": "</channel></rss>", "feed": "</feed>", "rdf:RDF": "</rdf:RDF>"}


def _first_entries(text: str, limit: int | None) -> tuple[str, int]:
    """The text up to its `limit`-th entry, the root closed again; and how many entries were cut off."""
    if limit is None:
        return text, 0
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    if len(starts) <= limit:
        return text, 0
    root = _ROOT.search(text, 0, starts[0])
    return text[: starts[limit]] + (_CLOSE[root.group(1)] if root else ""), len(starts) - limit


def _decode(body: bytes, content_type: str | None) -> tuple[str, object | None]:
    """The body as text: by its BOM when it has one (a BOM outranks any header), else the way feedparser decides
    (and its note when it overrode the declared charset). NUL is not an XML character: every one is dropped, so
    UTF-16 read as UTF-8 cannot spell "<!ENTITY" with NULs between the letters."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _DECLARATION.sub("", body[len(bom):].decode(codec, "replace"), count=1).replace("\x00", ""), None
    result: dict[str, Any] = {}
    data = convert_to_utf8({"content-type": content_type} if content_type else {}, body, result)
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return _DECLARATION.sub("", text, count=1).replace("\x00", ""), result.get("bozo_exception")


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")


def _text(value: Any, limit: int = MAX_FIELD) -> str:
    return str(value or "")[:limit]


def _entry(entry: Any) -> RawEntry:
    summary = entry.get("summary") or ""
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value", "")
    source = entry.get("source") or {}
    tags = entry.get("tags") or []
    return RawEntry(
        guid=_text(entry.get("id"), MAX_LINK).strip(),
        link=_text(entry.get("link"), MAX_LINK).strip(),
        title=_text(entry.get("title")),
        summary=_text(summary),
        published=struct_time_utc(entry.get("published_parsed") or entry.get("updated_parsed")),
        categories=tuple(_text(t.get("term"), 200).strip() for t in tags[:MAX_CATEGORIES] if t.get("term")),
        source_url=_text(source.get("href") or source.get("link"), MAX_LINK).strip(),
        image=entry_image(entry, _text(summary)),
        author=_text(entry.get("author"), MAX_AUTHOR),
    )


def struct_time_utc(value: Any) -> datetime | None:
    """A UTC time from feedparser's struct_time; None when it is not one a calendar holds (year 0, 99999...)."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _ttl(value: Any) -> int | None:
    """RSS <ttl> minutes, 1 to MAX_TTL_MINUTES (news.schedule bounds it again by the policy's ceiling)."""
    match = _DIGITS.fullmatch(str(value)[:100]) if value is not None else None
    if match is None:
        return None
    minutes = int(match.group(1))
    return min(minutes, MAX_TTL_MINUTES) if minutes > 0 else None


def _describe(exc: object) -> str:
    if exc is None:
        return "no details"
    return f"{type(exc).__name__}: {exc}"[:200]
