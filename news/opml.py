"""OPML feed lists in and out: import a reader's subscriptions, export ours, and the bundled defaults.

Parsing goes through `listparser` (it copes with the OPML 1.0/2.0 variants real readers write);
export is plain OPML 2.0 with one level of category outlines, which listparser, Feedly, Inoreader,
NetNewsWire and Miniflux all read back.

An outline with `storybotAggregator="true"` marks a news aggregator (Google News, a planet, a link blog): its
items may name their own outlets (news.sources.OutletDirectory.attribute). Other readers ignore the attribute;
listparser does not report it, so it is read with defusedxml's ElementTree (no DTDs, no entities).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

import listparser
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

__all__ = ["AGGREGATOR_ATTRIBUTE", "BUNDLED_NAME", "FeedSpec", "OpmlError", "export_opml", "load_default_feeds",
           "parse_opml"]

BUNDLED_NAME = "news/data/default_feeds.opml"
AGGREGATOR_ATTRIBUTE = "storybotAggregator"

_BOM = b"\xef\xbb\xbf"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class OpmlError(ValueError):
    """The input is not an OPML document we can read."""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    url: str
    title: str
    category: str = ""
    aggregator: bool = False


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _decode(data: bytes) -> str:
    if data.startswith(_BOM):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        declared = _DECLARED_ENCODING.match(data)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise OpmlError(f"the OPML document is not valid {encoding} text") from exc


def parse_opml(data: bytes | str) -> list[FeedSpec]:
    """Feeds of an OPML document in document order, each URL once (its first outline wins).

    A feed's category is its first enclosing category, nested levels joined with "/".
    Outlines whose URL is not http(s) are skipped. Raises `OpmlError` when `data` is not OPML.
    """
    text = data if isinstance(data, str) else _decode(data)
    if not text.strip():
        raise OpmlError("the OPML document is empty")
    # listparser fetches a str that starts with "http", and decodes bytes as UTF-8 whatever the
    # declaration says: so it gets UTF-8 bytes, declaration removed, BOM first (which lxml also honours).
    result = listparser.parse(_BOM + _DECLARATION.sub("", text, count=1).encode("utf-8"))
    if not str(result.get("version", "")).startswith("opml"):
        detail = result.get("bozo_exception")
        raise OpmlError("not an OPML document" + (f" ({detail})" if detail else ""))
    aggregators = _aggregator_urls(text)
    feeds: list[FeedSpec] = []
    seen: set[str] = set()
    for entry in result["feeds"]:
        url = str(entry.get("url", "")).strip()
        if not _is_web_url(url) or url in seen:
            continue
        seen.add(url)
        categories = entry.get("categories") or []
        category = "/".join(categories[0]) if categories else ""
        title = str(entry.get("title") or "").strip()
        feeds.append(FeedSpec(url=url, title=title if title != url else "", category=category,
                              aggregator=url in aggregators))
    return feeds


def _aggregator_urls(text: str) -> set[str]:
    """xmlUrl of every outline marked storybotAggregator="true" (none when the document is not well-formed XML)."""
    try:
        root = SafeET.fromstring(_DECLARATION.sub("", text, count=1).lstrip("\ufeff"))
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return set()
    return {
        outline.get("xmlUrl", "").strip() for outline in root.iter("outline")
        if outline.get(AGGREGATOR_ATTRIBUTE, "").strip().lower() in ("true", "1", "yes")
    }


def export_opml(feeds: Iterable[FeedSpec], title: str = "storybot feeds") -> str:
    """An OPML 2.0 document: uncategorized feeds first, then one outline per category in first-seen order."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    loose: list[FeedSpec] = []
    grouped: list[FeedSpec] = []
    for feed in feeds:
        (grouped if feed.category else loose).append(feed)
    for feed in loose:
        _feed_outline(body, feed)
    for feed in grouped:
        folder = folders.get(feed.category)
        if folder is None:
            folder = ET.SubElement(body, "outline", text=feed.category, title=feed.category)
            folders[feed.category] = folder
        _feed_outline(folder, feed)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _feed_outline(parent: ET.Element, feed: FeedSpec) -> None:
    label = feed.title or feed.url
    outline = ET.SubElement(parent, "outline", type="rss", text=label, title=label, xmlUrl=feed.url)
    if feed.aggregator:
        outline.set(AGGREGATOR_ATTRIBUTE, "true")


def load_default_feeds() -> list[FeedSpec]:
    """The feeds bundled in `news/data/default_feeds.opml`."""
    data = resources.files("news").joinpath("data", "default_feeds.opml").read_bytes()
    try:
        return parse_opml(data)
    except OpmlError as exc:
        raise OpmlError(f"{BUNDLED_NAME}: {exc}") from exc
