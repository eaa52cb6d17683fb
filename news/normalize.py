"""Raw entries -> clean articles: canonical URLs, plain text, UTC dates, dedup keys (pure)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from w3lib.html import remove_tags, remove_tags_with_content, replace_entities
from w3lib.url import url_query_cleaner

from news.parse import RawEntry, parse_feed
from news.sources import domain_of
from news.types import ArticleIn

__all__ = [
    "BOILERPLATE",
    "DEFAULT_PORTS",
    "EARLIEST",
    "FUTURE_SLACK",
    "MAX_SUMMARY",
    "MAX_TITLE",
    "MAX_URL",
    "SPACES",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "NormalizedFeed",
    "canonical_url",
    "clean_text",
    "normalize_entry",
    "normalize_feed",
    "publish_time",
]

TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "utm_name",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src",
    "cmpid", "ocid", "ito", "smid", "at_medium", "at_campaign",
)
BOILERPLATE = re.compile(
    r"\s*(?:continue reading|read more|the post .{0,300} appeared first on .{0,200}|\[(?:…|\.\.\.)\])[.…\s]*$",
    re.IGNORECASE,
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # Google Analytics, Piwik/Matomo campaign parameters
DEFAULT_PORTS = {"http": 80, "https": 443}
SPACES = re.compile(r"\s+")
# NUL and other C0/C1 controls (PostgreSQL refuses NUL in text), and lone surrogates (no encoding can store them).
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_TITLE = 500
MAX_URL = 2048  # the articles.url column: a longer link cannot be stored, and no real article has one
MAX_SUMMARY = 2000
MAX_BYLINE = 200  # the articles.byline column
FUTURE_SLACK = timedelta(minutes=10)
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before news feeds existed: a placeholder date, not a real one


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment, lowercase scheme and host."""
    url = url.strip()
    if not url:
        return ""
    query = urlsplit(url).query
    prefixed = {key for key, _ in parse_qsl(query, keep_blank_values=True) if key.lower().startswith(TRACKING_PREFIXES)}
    cleaned = url_query_cleaner(url, parameterlist=(*TRACKING_PARAMS, *prefixed), remove=True, keep_fragments=False)
    parts = urlsplit(cleaned)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def clean_text(value: str, limit: int) -> str:
    """HTML or text -> one line of plain text, entities decoded, boilerplate trimmed.

    Only the first 32 x `limit` characters are read: markup may be long, but the work must not grow with a
    hostile title's length."""
    value = CONTROLS.sub("", value[: 32 * limit])
    if "<" in value:
        value = remove_tags_with_content(value, which_ones=("script", "style", "iframe", "noscript"))
        value = remove_tags(value)
    value = CONTROLS.sub("", html.unescape(replace_entities(value)))
    value = SPACES.sub(" ", value).strip()
    value = BOILERPLATE.sub("", value).strip()
    if len(value) > limit:
        value = value[: limit - 1].rsplit(" ", 1)[0] + "…"
    return value


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and len(url) <= MAX_URL


def publish_time(published: datetime | None, fetched_at: datetime) -> datetime:
    """UTC; missing or absurd (before 1995) means the fetch time; a time in the future is clamped to it."""
    if published is None or published < EARLIEST or published > fetched_at + FUTURE_SLACK:
        return fetched_at
    return published.astimezone(UTC)


def normalize_entry(entry: RawEntry, fetched_at: datetime) -> ArticleIn | None:
    """None when the entry has no usable link (a permalink guid will do) or no text at all: nothing to show.

    `domain` is the outlet the entry claims: its <source url>, else its link's host. Only an aggregator feed's
    claim is believed (news.sources.OutletDirectory.attribute); any other feed's articles are its own."""
    raw_link = entry.link if _is_web(entry.link) else entry.guid if _is_web(entry.guid) else ""
    try:
        link = CONTROLS.sub("", canonical_url(raw_link)) if raw_link else ""
    except ValueError:  # e.g. "http://[::1" : not a URL after all
        return None
    if len(link) > MAX_URL or not domain_of(link):
        return None
    title = clean_text(entry.title, MAX_TITLE)
    summary = clean_text(entry.summary, MAX_SUMMARY)
    if not title:
        title = summary[:120].rsplit(" ", 1)[0] + "…" if len(summary) > 120 else summary
    if not link or not title:
        return None
    published = publish_time(entry.published, fetched_at)
    claimed = domain_of(entry.source_url) if _is_web(entry.source_url) else ""
    return ArticleIn(
        dedup_key=CONTROLS.sub("", entry.guid or link)[:2048],
        url=link,
        title=title,
        summary=summary if summary != title else "",
        published=published,
        domain=_hostname(claimed) or _hostname(domain_of(link)),
        categories=tuple(c for c in (clean_text(c, 64) for c in entry.categories[:10]) if c),
        image_url=entry.image,
        byline=clean_text(entry.author, MAX_BYLINE),
    )


def _hostname(domain: str) -> str:
    """A domain fit to name an outlet (sources.domain holds 255), else "": a link's host is hostile input too."""
    return domain if 0 < len(domain) <= 253 and not CONTROLS.search(domain) else ""


@dataclass(frozen=True, slots=True)
class NormalizedFeed:
    """A feed body turned into articles, plus what the feed said about itself."""

    articles: tuple[ArticleIn, ...]
    title: str
    ttl_minutes: int | None
    warning: str | None  # recovered from broken XML or a wrong charset, or entries skipped


def normalize_feed(body: bytes, content_type: str | None, fetched_at: datetime,
                   max_entries: int | None = None) -> NormalizedFeed:
    """Parse and normalize a whole body (raises news.parse.FeedParseError when it is not a feed).

    At most `max_entries` entries are taken, the first in the document (feeds list the newest first)."""
    parsed = parse_feed(body, content_type, max_entries)
    articles = tuple(a for e in parsed.entries if (a := normalize_entry(e, fetched_at)) is not None)
    notes = [f"recovered: {parsed.warning}"] if parsed.warning else []
    if parsed.ignored:
        notes.append(f"{parsed.ignored} entries past the first {len(parsed.entries)} ignored (FETCH_MAX_ENTRIES)")
    if skipped := len(parsed.entries) - len(articles):
        notes.append(f"{skipped} of {len(parsed.entries)} entries skipped (no link, or no title and no text)")
    return NormalizedFeed(articles, parsed.title, parsed.ttl_minutes, "; ".join(notes) or None)
