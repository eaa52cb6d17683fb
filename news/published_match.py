"""Which entry of a published table is an outlet of ours (pure).

By the page a cell cites first (`url`), else by domain: the outlet's domains and their parents; an entry that
gives no site address (AllSides tables without `source_url`) only by the outlet's exact name. A table can hold
several entries for one site (AllSides rates "CNN Digital" and "CNN (Opinion)"): opinion, fact-check, podcast and
similar entries are set aside, an entry for the site's front page beats one for a section, and when entries that
are left disagree the outlet is not matched rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from news.published import Cited
from news.types import Outlet

__all__ = ["PublishedIndex"]

_NOT_THE_NEWSROOM = re.compile(
    r"opinion|editorial|fact ?check|podcast|\bshow\b|newsletter|playbook|cartoon|blog|\(uk\)|live|"
    r"conversations|daily break|the 360|538|borowitz|morning wire", re.IGNORECASE)


def _key(url: str) -> str:
    return url.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")


class PublishedIndex:
    def __init__(self, entries: Iterable[Cited]) -> None:
        self.entries: tuple[Cited, ...] = tuple(entries)
        self._by_domain: dict[str, list[Cited]] = {}
        self._by_url: dict[str, Cited] = {}
        self._siteless: dict[str, list[Cited]] = {}  # entries that give no site, by name
        for entry in self.entries:
            if entry.domain:
                self._by_domain.setdefault(entry.domain, []).append(entry)
            else:
                self._siteless.setdefault(" ".join(entry.name.split()).casefold(), []).append(entry)
            if entry.url:
                self._by_url.setdefault(_key(entry.url), entry)

    def by_url(self, url: str) -> Cited | None:
        return self._by_url.get(_key(url)) if url else None

    def candidates(self, domains: Sequence[str]) -> list[Cited]:
        for domain in domains:
            host = domain
            while host.count("."):
                if host in self._by_domain:
                    return self._by_domain[host]
                host = host.partition(".")[2]
        return []

    def match(self, outlet: Outlet, cited_url: str = "") -> Cited | None:
        """The entry for `outlet`: the one at `cited_url` when given and present, else the one its domains find."""
        named = self.by_url(cited_url)
        if named is not None:
            return named
        found = self.candidates(outlet.domains) or self._siteless.get(outlet.name.casefold(), [])
        newsroom = [e for e in found if not _NOT_THE_NEWSROOM.search(e.name)] or found
        newsroom = [e for e in newsroom if e.front] or newsroom
        if len({(e.bias, e.factuality, e.owner) for e in newsroom}) <= 1:
            return newsroom[0] if newsroom else None
        same_name = [e for e in newsroom if e.name.casefold().startswith(outlet.name.casefold())]
        if len({(e.bias, e.factuality, e.owner) for e in same_name}) == 1:
            return same_name[0]
        return None
