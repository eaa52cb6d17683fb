"""Published ratings and ownership tables, read into one shape (`Cited`) and mapped to our scales (pure).

Formats read (`read_published`, which tells them apart by their structure):

- **MBFC export**: Media Bias/Fact Check's data as its browser extension publishes it (`combined.json`, version 5:
  `{"sources": [{"domain", "name", "url", "bias", "reporting"}, ...]}`), or the older per-domain object
  (`{"example.com": {"b", "r", "u", "n"}}`).
- **AllSides table**: AllSides' JSON export (`{"allsides_media_bias_ratings": [{"publication": {"source_name",
  "media_bias_rating", "source_url", "allsides_url"}}]}`), or a CSV with those columns (flat or prefixed
  `allsides_media_bias_ratings/publication/...`), or with `news_source,rating,url` columns.
- **Ownership table**: Kagi News's `media_data.json` (`[{"organization", "domains", "owner"}, ...]`).

Scales (news/data/README.md documents them):
AllSides Left / Lean Left / Center / Lean Right / Right map one to one; "Mixed" and anything else is unrated.
MBFC Left, Left-Center, Least Biased (center), Right-Center, Right map to our five steps, Extreme Left/Right to
left/right; MBFC's other categories (questionable, conspiracy, pro-science, satire) carry no left-right rating.
MBFC factual reporting Very High, High, Mostly Factual, Mixed, Low map one to one, Very Low to low.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from news.outlet_rows import parse_domains
from news.types import Bias

__all__ = ["ALLSIDES", "KAGI", "MAX_PUBLISHED_BYTES", "MBFC", "Cited", "PublishedFormatError", "read_published"]

ALLSIDES = "AllSides"
MBFC = "Media Bias/Fact Check"
KAGI = "Kagi News"
MAX_PUBLISHED_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 200_000
MAX_FIELD = 300

_ALLSIDES_BIAS = {"left": Bias.LEFT, "lean left": Bias.LEAN_LEFT, "left-center": Bias.LEAN_LEFT,
                  "center": Bias.CENTER, "lean right": Bias.LEAN_RIGHT, "right-center": Bias.LEAN_RIGHT,
                  "right": Bias.RIGHT}
_MBFC_BIAS = {"left": Bias.LEFT, "extreme-left": Bias.LEFT, "left-center": Bias.LEAN_LEFT,
              "leftcenter": Bias.LEAN_LEFT, "center": Bias.CENTER, "least biased": Bias.CENTER,
              "right-center": Bias.LEAN_RIGHT, "right": Bias.RIGHT, "extreme-right": Bias.RIGHT}
_MBFC_FACTUALITY = {"very-high": "very high", "very high": "very high", "high": "high",
                    "mostly-factual": "mostly factual", "mostly factual": "mostly factual", "mixed": "mixed",
                    "low": "low", "very-low": "low", "very low": "low"}


class PublishedFormatError(ValueError):
    """The file is none of the published formats, or is malformed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Cited:
    """One outlet as a published table rates it: `label` is the rating as published ("Lean Left", "left-center/high")
    and `url` the outlet's page there."""

    source: str
    name: str
    domain: str  # "" when the table gives no usable site address
    url: str
    label: str
    bias: Bias | None = None
    factuality: str | None = None
    owner: str = ""
    front: bool = True  # its site address is the domain's front page, not a section of it


def _str(value: object) -> str:
    return " ".join(value.split())[:MAX_FIELD] if isinstance(value, str) else ""


def _domain(site: str) -> str:
    host = site.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].split(":", 1)[0]
    try:
        return parse_domains(host)[0]
    except ValueError:
        return ""


def _page(url: str) -> str:
    return url if url.startswith(("https://", "http://")) and " " not in url and len(url) <= MAX_FIELD else ""


def _allsides(entry: Mapping[str, object]) -> Cited | None:
    label = _str(entry.get("media_bias_rating") or entry.get("rating"))
    name = _str(entry.get("source_name") or entry.get("news_source"))
    if not name:
        return None
    page = _page(_str(entry.get("allsides_url") or entry.get("url")))
    site = _str(entry.get("source_url") or "")
    path = site.split("://", 1)[-1].partition("/")[2].strip("/")
    return Cited(ALLSIDES, name, _domain(site), page, label, _ALLSIDES_BIAS.get(label.lower()), front=not path)


def _mbfc(domain: str, name: str, url: str, bias: str, reporting: str) -> Cited:
    bias, reporting = bias.lower(), reporting.lower()
    label = "/".join(part for part in (bias, reporting) if part)
    return Cited(MBFC, name or domain, _domain(domain), _page(url), label, _MBFC_BIAS.get(bias),
                 _MBFC_FACTUALITY.get(reporting))


def _from_json(data: Any) -> Iterator[Cited | None]:
    if isinstance(data, dict) and isinstance(data.get("allsides_media_bias_ratings"), list):
        for item in data["allsides_media_bias_ratings"]:
            entry = item.get("publication", item) if isinstance(item, dict) else None
            yield _allsides(entry) if isinstance(entry, dict) else None
    elif isinstance(data, dict) and isinstance(data.get("sources"), list):
        for s in data["sources"]:
            yield _mbfc(_str(s.get("domain")), _str(s.get("name")), _str(s.get("url")), _str(s.get("bias")),
                        _str(s.get("reporting"))) if isinstance(s, dict) else None
    elif isinstance(data, dict) and data and all(isinstance(v, dict) and "b" in v for v in data.values()):
        for domain, s in data.items():
            yield _mbfc(_str(s.get("d") or domain), _str(s.get("n")), _str(s.get("u")), _str(s.get("b")),
                        _str(s.get("r")))
    elif isinstance(data, list) and data and all(isinstance(k, dict) and "organization" in k for k in data):
        for k in data:
            owner, domains = _str(k.get("owner")), k.get("domains")
            for site in domains if isinstance(domains, list) else []:
                yield Cited(KAGI, _str(k.get("organization")), _domain(_str(site)), "", owner, owner=owner)
    else:
        raise PublishedFormatError("a JSON file, but not an MBFC export, an AllSides export or media_data.json")


def _from_csv(text: str) -> Iterator[Cited | None]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().rsplit("/", 1)[-1].lower() for f in reader.fieldnames or []}
    if not ({"source_name", "media_bias_rating"} <= fields or {"news_source", "rating"} <= fields):
        raise PublishedFormatError("a CSV file, but not an AllSides table (source_name, media_bias_rating columns)")
    for row in reader:
        yield _allsides({k.strip().rsplit("/", 1)[-1].lower(): v for k, v in row.items() if isinstance(k, str)})


def read_published(data: bytes) -> list[Cited]:
    """The entries of a published table (see the module docstring); PublishedFormatError when it is none."""
    if len(data) > MAX_PUBLISHED_BYTES:
        raise PublishedFormatError(f"larger than {MAX_PUBLISHED_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PublishedFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    stripped = text.lstrip()
    if not stripped:
        raise PublishedFormatError("the file is empty")
    try:
        entries = _from_json(json.loads(stripped)) if stripped[:1] in ("{", "[") else _from_csv(text)
        found: list[Cited] = []
        for entry in entries:
            if entry is not None:
                found.append(entry)
            if len(found) > MAX_ENTRIES:
                raise PublishedFormatError(f"more than {MAX_ENTRIES} entries")
    except (json.JSONDecodeError, RecursionError) as exc:
        raise PublishedFormatError(f"not valid JSON ({str(exc)[:80]})") from None
    except csv.Error as exc:
        raise PublishedFormatError(f"not a valid CSV file ({str(exc)[:80]})") from None
    if not found:
        raise PublishedFormatError("no entries found")
    return found
