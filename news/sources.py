"""Outlet metadata: who publishes under a domain, and how that publisher is rated.

The bundled table is `news/data/outlets.csv` (sources and caveats in `news/data/README.md`). An operator
may pass a file in the same CSV format; it extends the bundled table and wins wherever the two overlap:

- an operator row whose name matches a bundled row (case-insensitively) replaces that row entirely;
- an operator row claims its domains: a bundled outlet keeps only the domains nobody overrode
  (and disappears when none are left).

CSV columns (`news.outlet_rows`): `name` and `domains` (space-separated) are required; all others are optional:
`country` (ISO 3166-1 alpha-2), `bias` (a `Bias` value), `factuality` (one of `FACTUALITY_LEVELS`), `owner`,
`aggregator` (`true` marks a news aggregator such as Google News), `closed`, and each cell's provenance
(`bias_source`, `bias_url`, `bias_checked`, and the same for factuality and owner). A rating needs a source.
Lookups never do I/O; only `load_outlets` reads files.

Who wrote an article (`attribute`): the outlet of the *feed* it came from, never the domain its link points to,
since any feed can link to reuters.com. Only an aggregator's feed (marked here, or in the OPML) may name the outlet
of each item, by the item's <source url> or link.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from news.outlet_rows import COLUMNS, FACTUALITY_LEVELS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, parse_row
from news.types import Outlet

__all__ = [
    "BUNDLED_NAME",
    "COLUMNS",
    "FACTUALITY_LEVELS",
    "OPTIONAL_COLUMNS",
    "Attribution",
    "OutletDirectory",
    "OutletFileError",
    "bundled_outlets_text",
    "domain_of",
    "load_outlets",
    "parse_outlets_csv",
    "read_outlets_file",
]

BUNDLED_NAME = "news/data/outlets.csv"
MAX_ROWS = 100_000  # an operator file (or an import) past this is refused, not half read


class OutletFileError(ValueError):
    """A row or header of an outlets CSV is invalid; the message names the file and line."""

    def __init__(self, origin: str, line: int, problem: str) -> None:
        super().__init__(f"{origin}, line {line}: {problem}")
        self.origin = origin
        self.line = line
        self.problem = problem


def domain_of(url: str) -> str:
    """The URL's host, lowercased, without a leading `www.` ("" when the URL has no host, or is no URL)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:  # "http://[::1" and the like
        return ""
    return host.removeprefix("www.")


def _normalize_domain(domain: str) -> str:
    value = domain.strip().lower().rstrip(".")
    if "://" in value:
        value = domain_of(value)
    return value.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Attribution:
    """The outlet an article is credited to: `key` is its sources.domain (an outlet's first domain, an aggregated
    item's domain, or an unlisted feed's URL without its scheme), `name` what cards show."""

    key: str
    name: str
    outlet: Outlet | None


class OutletDirectory:
    """Outlets indexed by domain (a registered domain also covers its subdomains); names are unique."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self._outlets: tuple[Outlet, ...] = tuple(outlets)
        self._by_domain: dict[str, Outlet] = {}
        names: set[str] = set()
        for outlet in self._outlets:
            key = outlet.name.casefold()
            if key in names:
                raise ValueError(f"outlet {outlet.name!r} is listed twice")
            names.add(key)
            for domain in outlet.domains:
                other = self._by_domain.get(domain)
                if other is not None:
                    raise ValueError(f"domain {domain!r} belongs to both {other.name!r} and {outlet.name!r}")
                self._by_domain[domain] = outlet
        self._names = frozenset(names)

    def attribute(self, feed_url: str, feed_title: str, *, aggregator: bool, claimed: str) -> Attribution:
        """Credit an article of the feed at `feed_url`: to the feed's outlet (by its domain), else to the feed itself
        (keyed by its URL, named by its title or host); to the outlet it `claimed` (<source url> or link domain)
        only when the feed is an aggregator (`aggregator`, from the OPML, or its outlet row). So one feed adds at
        most one source to a story, whatever it links to."""
        feed_domain = domain_of(feed_url)
        own = self.by_domain(feed_domain)
        if claimed and (aggregator or (own is not None and own.aggregator)):
            named = self.by_domain(claimed)
            return Attribution(named.domains[0], named.name, named) if named else Attribution(claimed, claimed, None)
        if own is not None:
            return Attribution(own.domains[0], own.name, own)
        key = feed_url.split("://", 1)[-1][:255]
        return Attribution(key, self._unlisted_name(feed_title, feed_domain), None)

    def _unlisted_name(self, title: str, domain: str) -> str:
        """A feed not in the table goes by its title; one that calls itself "Reuters" says where it is from."""
        name = " ".join(title.split())[:120] or domain
        return f"{name} ({domain})"[:255] if name.casefold() in self._names else name

    def by_domain(self, domain: str) -> Outlet | None:
        """The outlet registered for `domain` or for the closest parent domain of it.

        `feeds.bbci.co.uk` finds the outlet listing `bbci.co.uk`; the most specific registration wins,
        so `economictimes.indiatimes.com` and `timesofindia.indiatimes.com` can belong to different outlets.
        Case and a leading `www.` are ignored; a full URL is accepted too.
        """
        host = _normalize_domain(domain)
        while host:
            found = self._by_domain.get(host)
            if found is not None:
                return found
            _, _, host = host.partition(".")
        return None

    def with_overrides(self, overrides: Iterable[Outlet]) -> OutletDirectory:
        """A new directory where `overrides` win by name and by domain (see the module docstring)."""
        extra = tuple(overrides)
        names = {outlet.name.casefold() for outlet in extra}
        claimed = {domain for outlet in extra for domain in outlet.domains}
        kept: list[Outlet] = []
        for outlet in self._outlets:
            if outlet.name.casefold() in names:
                continue
            domains = tuple(d for d in outlet.domains if d not in claimed)
            if domains:
                kept.append(
                    outlet if domains == outlet.domains else dataclasses.replace(outlet, domains=domains)
                )
        return OutletDirectory([*kept, *extra])

    def __len__(self) -> int:
        return len(self._outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self._outlets)


def parse_outlets_csv(text: str, origin: str = "<outlets>") -> list[Outlet]:
    """Validate and parse outlet rows; `OutletFileError` names `origin` and the line of the first problem."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), restkey="_extra")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    columns = REQUIRED_COLUMNS + tuple(c for c in OPTIONAL_COLUMNS if c in header)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise OutletFileError(
            origin, 1, f"missing column(s) {', '.join(missing)}; expected at least {','.join(REQUIRED_COLUMNS)}"
            f" (all: {','.join(COLUMNS)})"
        )
    reader.fieldnames = header
    outlets: list[Outlet] = []
    names: dict[str, int] = {}
    domains: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if len(outlets) >= MAX_ROWS:
            raise OutletFileError(origin, line, f"more than {MAX_ROWS} outlets")
        if row.get("_extra") or any(row[c] is None for c in columns):
            raise OutletFileError(
                origin, line, f"expected {len(header)} fields; quote values that contain commas"
            )
        try:
            outlet = parse_row(row)
        except ValueError as exc:
            raise OutletFileError(origin, line, str(exc)) from None
        key = outlet.name.casefold()
        if key in names:
            raise OutletFileError(origin, line, f"{outlet.name!r} was already listed on line {names[key]}")
        names[key] = line
        for domain in outlet.domains:
            if domain in domains:
                raise OutletFileError(
                    origin, line, f"domain {domain!r} was already listed on line {domains[domain]}"
                )
            domains[domain] = line
        outlets.append(outlet)
    return outlets


def bundled_outlets_text() -> str:
    return resources.files("news").joinpath("data", "outlets.csv").read_text(encoding="utf-8")


def read_outlets_file(path: Path) -> list[Outlet]:
    """An operator's outlets CSV; OutletFileError also when it is no UTF-8 text (OSError when unreadable)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise OutletFileError(str(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_outlets_csv(text, str(path))


def load_outlets(path: Path | None = None) -> OutletDirectory:
    """The bundled outlet table, extended and overridden by the operator's CSV at `path` when given."""
    directory = OutletDirectory(parse_outlets_csv(bundled_outlets_text(), BUNDLED_NAME))
    if path is None:
        return directory
    return directory.with_overrides(read_outlets_file(path))
