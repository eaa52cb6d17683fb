"""A feed entry's picture, found without fetching anything (pure): `media:content` (an image), `media:thumbnail`,
an image enclosure, else the first `<img>` of the entry's HTML. Every URL is hostile: `image_url` keeps only
http(s) URLs of public hosts (never an address that news.urlguard would refuse, never localhost or a bare name),
bounded in length, without spaces or credentials; anything else is "".

The bot never downloads these: Telegram fetches a photo by URL itself (sendPhoto), so the checks here keep the
bot from pointing Telegram, or a reader's client, at a private address or at junk."""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from news.urlguard import is_public

__all__ = ["MAX_IMAGE_URL", "entry_image", "image_url"]

MAX_IMAGE_URL = 2048
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# The first <img ... src="..."> of an entry's HTML; bounded quantifiers, so no input makes it slow.
IMG_SRC = re.compile(r"""<img\b[^>]{0,2000}?\bsrc\s*=\s*(["'])([^"'<>]{1,4096})\1""", re.IGNORECASE)
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet")


def image_url(raw: str) -> str:
    """`raw` when it is a usable public http(s) image URL, else ""."""
    url = html.unescape(raw.strip())
    if not url or len(url) > MAX_IMAGE_URL or any(c.isspace() or ord(c) < 32 or c == '"' for c in url):
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018  (raises ValueError on a port out of range)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return ""
    try:
        return url if is_public(ipaddress.ip_address(host)) else ""
    except ValueError:
        pass  # a name, not an address
    if "." not in host or host == "localhost" or host.endswith(LOCAL_SUFFIXES) or host.replace(".", "").isdigit():
        return ""
    return url


def _is_image(item: Mapping[str, Any], url: str) -> bool:
    medium, kind = str(item.get("medium") or "").lower(), str(item.get("type") or "").lower()
    if medium or kind:
        return medium == "image" or kind.startswith("image/")
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def _first(candidates: Iterable[str]) -> str:
    return next((found for candidate in candidates if (found := image_url(candidate))), "")


def entry_image(entry: Mapping[str, Any], html_text: str) -> str:
    """The entry's picture by the order of preference above; "" when it has none worth showing."""
    media = [m for m in (entry.get("media_content") or [])[:20] if isinstance(m, Mapping)]
    thumbs = [m for m in (entry.get("media_thumbnail") or [])[:20] if isinstance(m, Mapping)]
    links = [x for x in (entry.get("enclosures") or entry.get("links") or [])[:20] if isinstance(x, Mapping)]
    return (
        _first(str(m.get("url") or "") for m in media if _is_image(m, str(m.get("url") or "")))
        or _first(str(m.get("url") or "") for m in thumbs)
        or _first(str(x.get("href") or "") for x in links
                  if str(x.get("rel") or "enclosure") == "enclosure" and str(x.get("type") or "").startswith("image/"))
        or _first(match.group(2) for match in IMG_SRC.finditer(html_text[:65536]))
    )
