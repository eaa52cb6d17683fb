"""Raw entries -> clean articles: canonical URLs, plain text, UTC dates, dedup keys (pure)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from w3lib.html import remove_tags, remove_tags_with_content, replace_entities
from w3lib.url import url_query_cleaner

from news.parse import RawEntry
from news.sources import domain_of
from news.types import ArticleIn

TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "utm_name",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src",
    "cmpid", "ocid", "ito", "smid", "at_medium", "at_campaign",
)
BOILERPLATE = re.compile(
    r"\s*(?:continue reading|read more|the post .{0,300} appeared first on .{0,200}|\[(?:…|\.\.\.)\])[.…\s]*$",
    re.IGNORECASE,
)
SPACES = re.compile(r"\s+")
MAX_TITLE = 500
MAX_SUMMARY = 2000
FUTURE_SLACK = timedelta(minutes=10)


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment, lowercase scheme and host."""
    url = url.strip()
    if not url:
        return ""
    cleaned = url_query_cleaner(url, parameterlist=TRACKING_PARAMS, remove=True, keep_fragments=False)
    parts = urlsplit(cleaned)
    host = (parts.hostname or "").lower()
    netloc = host if parts.port is None or parts.port in (80, 443) else f"{host}:{parts.port}"
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


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


def normalize_entry(entry: RawEntry, feed_url: str, fetched_at: datetime) -> ArticleIn | None:
    """None when the entry has neither a usable link nor a title: there is nothing to show."""
    link = canonical_url(entry.link) if entry.link.startswith(("http://", "https://")) else ""
    title = clean_text(entry.title, MAX_TITLE)
    summary = clean_text(entry.summary, MAX_SUMMARY)
    if not title:
        title = summary[:120].rsplit(" ", 1)[0] + "…" if len(summary) > 120 else summary
    if not link or not title:
        return None
    published = entry.published or fetched_at
    if published > fetched_at + FUTURE_SLACK:
        published = fetched_at
    return ArticleIn(
        dedup_key=(entry.guid or link)[:2048],
        url=link,
        title=title,
        summary=summary if summary != title else "",
        published=published,
        domain=domain_of(link) or domain_of(feed_url),
        categories=tuple(c[:64] for c in entry.categories[:10]),
    )
