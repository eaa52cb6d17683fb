"""A readable name for a publisher the outlet table doesn't know, from its web host (pure).

Cards show outlet names, never hosts: the outlet table's name first, then the feed's own title, and only when a
feed has neither this cleaned site name: "detroit.cbslocal.com" -> "CBS Detroit", "moneynews.com" -> "Money News",
"feeds.example-times.co.uk" -> "Example Times".
"""

from __future__ import annotations

import re

__all__ = ["looks_like_host", "site_name"]

# Subdomains that name a service, not a place or section of the publisher.
_SERVICE = frozenset({"www", "m", "amp", "rss", "feeds", "feed", "news", "edition", "web", "mobile", "api"})
# Second-level labels of multi-part public suffixes ("co.uk", "com.au").
_SUFFIX_LABELS = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})
# Words that end many brands; a brand written as one word splits before them ("moneynews" -> "money news").
_TAIL_WORDS = ("local", "news", "online", "times", "post", "daily", "herald", "tribune", "journal", "today",
               "press", "star", "mail", "wire", "report", "review")
_DROPPED = frozenset({"local", "online"})  # "cbslocal" is CBS, "cbs local" says nothing more
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


def looks_like_host(text: str) -> bool:
    return bool(_HOST.match(text.strip().lower()))


def _words(label: str) -> list[str]:
    words: list[str] = []
    for part in label.split("-"):
        for tail in _TAIL_WORDS:
            if part.endswith(tail) and len(part) > len(tail) + 1:
                words += [part[: -len(tail)], tail]
                break
        else:
            words.append(part)
    return [w for w in words if w and w not in _DROPPED] or words


def _shown(word: str) -> str:
    return word.upper() if len(word) <= 3 and word.isalpha() else word.capitalize()


def site_name(host: str) -> str:
    """A publisher's name made from its host; the host itself when nothing better can be made of it."""
    labels = host.strip().lower().rstrip(".").split(".")
    if len(labels) < 2 or not looks_like_host(host) or labels[-1].isdigit():  # not a name, or an IP address
        return host
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _SUFFIX_LABELS:
        labels = labels[:-1]
    brand, places = labels[-1], [label for label in labels[:-1] if label not in _SERVICE]
    words = _words(brand) + [word for place in places[-1:] for word in place.split("-")]
    return " ".join(_shown(word) for word in words if word) or host
