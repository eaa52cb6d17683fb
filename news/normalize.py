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
MAX_TITLE = 500
MAX_SUMMARY = 2000
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
    """HTML or text -> one line of plain text, entities decoded, boilerplate trimmed."""
    if "<" in value:
        value = remove_tags_with_content(value, which_ones=("script", "style", "iframe", "noscript"))
        value = remove_tags(value)
    value = html.unescape(replace_entities(value))
    value = SPACES.sub(" ", value).strip()
    value = BOILERPLATE.sub("", value).strip()
    if len(value) > limit:
        value = value[: limit - 1].rsplit(" ", 1)[0] + "…"
    return value


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def publish_time(published: datetime | None, fetched_at: datetime) -> datetime:
    """UTC; missing or absurd (before 1995) means the fetch time; a time in the future is clamped to it."""
    if published is None or published < EARLIEST or published > fetched_at + FUTURE_SLACK:
        return fetched_at
    return published.astimezone(UTC)


def normalize_entry(entry: RawEntry, feed_url: str, fetched_at: datetime) -> ArticleIn | None:
    """None when the entry has no usable link (a permalink guid will do) or no text at all: nothing to show."""
    raw_link = entry.link if _is_web(entry.link) else entry.guid if _is_web(entry.guid) else ""
    link = canonical_url(raw_link) if raw_link else ""
    title = clean_text(entry.title, MAX_TITLE)
    summary = clean_text(entry.summary, MAX_SUMMARY)
    if not title:
        title = summary[:120].rsplit(" ", 1)[0] + "…" if len(summary) > 120 else summary
    if not link or not title:
        return None
    published = publish_time(entry.published, fetched_at)
    return ArticleIn(
        dedup_key=(entry.guid or link)[:2048],
        url=link,
        title=title,
        summary=summary if summary != title else "",
        published=published,
        domain=domain_of(link) or domain_of(feed_url),
        categories=tuple(c[:64] for c in entry.categories[:10]),
    )


@dataclass(frozen=True, slots=True)
class NormalizedFeed:
    """A feed body turned into articles, plus what the feed said about itself."""

    articles: tuple[ArticleIn, ...]
    title: str
    ttl_minutes: int | None
    warning: str | None  # recovered from broken XML or a wrong charset, or entries skipped


def normalize_feed(body: bytes, content_type: str | None, feed_url: str, fetched_at: datetime) -> NormalizedFeed:
    """Parse and normalize a whole body (raises news.parse.FeedParseError when it is not a feed)."""
    parsed = parse_feed(body, content_type)
    articles = tuple(a for e in parsed.entries if (a := normalize_entry(e, feed_url, fetched_at)) is not None)
    notes = [f"recovered: {parsed.warning}"] if parsed.warning else []
    if skipped := len(parsed.entries) - len(articles):
        notes.append(f"{skipped} of {len(parsed.entries)} entries skipped (no link, or no title and no text)")
    return NormalizedFeed(articles, parsed.title, parsed.ttl_minutes, "; ".join(notes) or None)
