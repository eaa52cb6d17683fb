"""One row of an outlets CSV, parsed strictly, and written back (pure; `news.sources` reads the files).

Only `name` and `domains` are required; every other column is optional, so an operator's table with only some
columns works. Each rated cell carries its provenance in three columns: `<cell>_source` (who rated it),
`<cell>_url` (the exact published page or dataset it was read from) and `<cell>_checked` (the date it was read,
ISO `YYYY-MM-DD`), for `bias`, `factuality` and `owner`. The older single `rating_source` column ("A" for both,
or "A; factuality: B") is still read when the per-cell columns are absent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping

from news.types import Bias, Outlet, Provenance

__all__ = [
    "CELLS",
    "COLUMNS",
    "FACTUALITY_LEVELS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "format_outlets_csv",
    "parse_domains",
    "parse_row",
]

FACTUALITY_LEVELS: tuple[str, ...] = ("very high", "high", "mostly factual", "mixed", "low")
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "domains")
CELLS: tuple[str, ...] = ("bias", "factuality", "owner")
_PROVENANCE = tuple(f"{cell}_{part}" for cell in CELLS for part in ("source", "url", "checked"))
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "country", "bias", "factuality", "rating_source", "aggregator", "owner", "closed", *_PROVENANCE)
# What the bundled table and `storybot outlets import` write, in this order.
COLUMNS: tuple[str, ...] = (
    "name", "domains", "country", "aggregator", "closed",
    "bias", "bias_source", "bias_url", "bias_checked",
    "factuality", "factuality_source", "factuality_url", "factuality_checked",
    "owner", "owner_source", "owner_url", "owner_checked",
)
MAX_OWNER = 120
MAX_SOURCE = 200
MAX_URL = 300

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")
# An old-style MBFC citation: "Media Bias/Fact Check /reuters/" names the page by its path alone.
_MBFC_PATH = re.compile(r"^(Media Bias/Fact Check)\s+(/[a-z0-9/_-]*)$", re.IGNORECASE)


def parse_domains(raw: str) -> tuple[str, ...]:
    domains: list[str] = []
    for token in raw.split():
        domain = token.lower().rstrip(".").removeprefix("www.")
        if not _HOSTNAME.match(domain):
            raise ValueError(f"{token!r} is not a domain name (write e.g. 'bbc.co.uk', no scheme or path)")
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise ValueError("at least one domain is required")
    return tuple(domains)


def _text(row: Mapping[str, str | None], column: str) -> str:
    return " ".join((row.get(column) or "").split())


def _legacy(cited: str) -> Provenance:
    """A `rating_source` text as provenance: an MBFC path becomes the page's address, not text that reads as a
    bot command ("/reuters/")."""
    found = _MBFC_PATH.match(cited)
    if found:
        return Provenance(found[1], f"https://mediabiasfactcheck.com{found[2]}")
    return Provenance(cited)


def _provenance(row: Mapping[str, str | None], cell: str, legacy: str) -> Provenance | None:
    source = _text(row, f"{cell}_source")
    url = (row.get(f"{cell}_url") or "").strip()
    checked = (row.get(f"{cell}_checked") or "").strip()
    if len(source) > MAX_SOURCE:
        raise ValueError(f"{cell}_source is longer than {MAX_SOURCE} characters")
    if url and (len(url) > MAX_URL or not _URL.match(url)):
        raise ValueError(f"{cell}_url {url[:60]!r} is not an http(s) address of at most {MAX_URL} characters")
    if checked and not _DATE.match(checked):
        raise ValueError(f"{cell}_checked {checked[:20]!r} is not a date such as 2025-09-11")
    if not source:
        if url or checked:
            raise ValueError(f"{cell}_url and {cell}_checked need a {cell}_source")
        return _legacy(legacy) if legacy else None
    return Provenance(source, url, checked)


def parse_row(row: Mapping[str, str | None]) -> Outlet:
    """One CSV row (column -> text; missing optional columns count as empty) as an Outlet; ValueError says why not."""
    name = _text(row, "name")
    if not name:
        raise ValueError("name is empty")
    country = (row.get("country") or "").strip().upper()
    if country and not _COUNTRY.match(country):
        raise ValueError(f"country {row.get('country')!r} is not an ISO 3166-1 alpha-2 code such as 'GB'")
    bias_raw = (row.get("bias") or "").strip().lower()
    try:
        bias = Bias(bias_raw) if bias_raw else None
    except ValueError:
        allowed = ", ".join(b.value for b in Bias)
        raise ValueError(f"bias {row.get('bias')!r} is not one of: {allowed} (or empty)") from None
    factuality = _text(row, "factuality").lower() or None
    if factuality is not None and factuality not in FACTUALITY_LEVELS:
        raise ValueError(f"factuality {row.get('factuality')!r} is not one of: {', '.join(FACTUALITY_LEVELS)}")
    rating_source = _text(row, "rating_source")
    if len(rating_source) > MAX_SOURCE:
        raise ValueError(f"rating_source is longer than {MAX_SOURCE} characters")
    bias_cited, said, factuality_cited = rating_source.partition("; factuality:")
    bias_from = _provenance(row, "bias", bias_cited.strip()) if bias else None
    factuality_from = _provenance(row, "factuality", (factuality_cited if said else bias_cited).strip())
    if bias is not None and bias_from is None:
        raise ValueError("a bias rating needs a bias_source (or a rating_source)")
    if factuality is not None and factuality_from is None:
        raise ValueError("a factuality rating needs a factuality_source (or a rating_source)")
    owner = _text(row, "owner")
    if len(owner) > MAX_OWNER:
        raise ValueError(f"owner is longer than {MAX_OWNER} characters")
    owner_from = _provenance(row, "owner", "")
    flags = {}
    for column in ("aggregator", "closed"):
        mark = (row.get(column) or "").strip().lower()
        if mark not in ("", "true", "false"):
            raise ValueError(f"{column} {row.get(column)!r} is not true, false or empty")
        flags[column] = mark == "true"
    return Outlet(name, parse_domains(row.get("domains") or ""), country, bias, factuality, rating_source,
                  flags["aggregator"], owner, bias_from, factuality_from if factuality else None,
                  owner_from if owner else None, flags["closed"])


def _cells(outlet: Outlet) -> list[str]:
    def cited(value: str, where: Provenance | None) -> list[str]:
        return [value, *((where.source, where.url, where.checked_on) if where and value else ("", "", ""))]

    return [
        outlet.name, " ".join(outlet.domains), outlet.country, "true" if outlet.aggregator else "",
        "true" if outlet.closed else "",
        *cited(outlet.bias.value if outlet.bias else "", outlet.bias_from),
        *cited(outlet.factuality or "", outlet.factuality_from),
        *cited(outlet.owner, outlet.owner_from),
    ]


def format_outlets_csv(outlets: Iterable[Outlet]) -> str:
    """Outlets as CSV in `COLUMNS` order; `parse_outlets_csv` reads it back to equal outlets (provenance kept)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for outlet in outlets:
        writer.writerow(_cells(outlet))
    return out.getvalue()
