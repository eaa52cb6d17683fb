"""Compare the outlet table with the published copies of the ratings it cites (pure; `storybot outlets check`).

Each cell that names a source is looked up in that source's copy: by the page it cites, else by the outlet's
domains (news.published_match). Per source it counts the cells that agree, differ, or that the copy does not hold,
and lists every difference. A difference where the cell was read after the copy's date is labelled as a possible
later re-rating rather than a mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from news.published import Cited
from news.published_match import PublishedIndex
from news.types import Outlet, Provenance

__all__ = ["Agreement", "Difference", "check_table"]


@dataclass(frozen=True, slots=True)
class Difference:
    outlet: str
    cell: str  # "bias", "factuality", "owner", or "page" (the cited page is not the copy's page for the outlet)
    ours: str
    theirs: str
    later: bool = False  # our cell was read after the copy's date: perhaps a re-rating the copy predates

    def describe(self) -> str:
        note = " (read after the copy's date: a later re-rating?)" if self.later else ""
        ours, theirs = self.ours or "(empty)", self.theirs or "(empty)"
        return f"{self.outlet}: {self.cell} {ours!r} here, {theirs!r} in the copy{note}"


@dataclass(slots=True)
class Agreement:
    source: str
    agree: int = 0
    missing: int = 0  # cells citing this source for an outlet the copy does not hold
    unrated_here: int = 0  # outlets of ours with a bias or factuality the copy rates and we leave empty
    differences: list[Difference] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return self.agree + sum(1 for d in self.differences if d.cell != "page")


def _value(outlet: Outlet, cell: str) -> str:
    if cell == "bias":
        return outlet.bias.value if outlet.bias else ""
    return (outlet.factuality or "") if cell == "factuality" else outlet.owner


def _theirs(entry: Cited, cell: str) -> str:
    if cell == "bias":
        return entry.bias.value if entry.bias else ""
    return (entry.factuality or "") if cell == "factuality" else entry.owner


def _page_key(url: str) -> str:
    return url.lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")


def _cells(outlet: Outlet) -> Iterable[tuple[str, Provenance | None]]:
    return (("bias", outlet.bias_from), ("factuality", outlet.factuality_from), ("owner", outlet.owner_from))


def _cited_copy(where: Provenance | None, copies: Mapping[str, object]) -> str | None:
    """The copy a cell cites: its source's name, or a name it starts with ("AllSides Media Bias Chart v10")."""
    if where is None:
        return None
    name = where.source.casefold()
    return next((source for source in copies if name.startswith(source.casefold())), None)


def check_table(outlets: Iterable[Outlet], copies: Mapping[str, tuple[PublishedIndex, str]]) -> list[Agreement]:
    """Per source in `copies` (source -> (its entries, the copy's ISO date or "")): how the table agrees with it."""
    report = {source: Agreement(source) for source in copies}
    for outlet in outlets:
        for cell, where in _cells(outlet):
            ours = _value(outlet, cell)
            cited = _cited_copy(where, copies)
            if not ours or where is None or cited is None:
                continue
            index, dated = copies[cited]
            agreement = report[cited]
            entry = index.match(outlet, where.url)
            if entry is None:
                agreement.missing += 1
                continue
            theirs = _theirs(entry, cell)
            if theirs == ours:
                agreement.agree += 1
            else:
                later = bool(dated and where.checked_on and where.checked_on > dated)
                agreement.differences.append(Difference(outlet.name, cell, ours, theirs, later))
            page = Difference(outlet.name, "page", where.url, entry.url)
            if where.url and entry.url and _page_key(where.url) != _page_key(entry.url) and (
                    page not in agreement.differences):
                agreement.differences.append(page)
        for source, (index, _dated) in copies.items():
            entry = index.match(outlet)
            if entry is not None and any(_theirs(entry, c) and not _value(outlet, c) for c in ("bias", "factuality")):
                report[source].unrated_here += 1
    return list(report.values())
