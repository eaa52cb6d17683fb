"""Merge a published ratings table into the operator's outlet table (pure; `storybot outlets import FILE`).

- An outlet we list (bundled or the operator's) that the table rates is *matched* (news.published_match).
  Its empty cells are *filled* from the table, with the table's provenance. A cell that already holds another
  value is a *conflict*: it is kept and reported, unless `replace` is given; then it is *changed*, and reported.
  So an import never silently overrides a bundled row. An aggregator stays unrated: its items are credited to the
  outlets they name (news.sources).
- An entry for a site no outlet covers is *added* as a new outlet (with `add_new`), named as the table names it
  (with its domain when that name is taken).
- The operator's table comes back whole: its own rows (updated), a copy of each bundled row that gained or
  changed a cell (an operator row replaces the bundled row of that name), and the added outlets.
Importing the same table twice changes nothing the second time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from news.published import Cited
from news.published_match import PublishedIndex
from news.sources import OutletDirectory
from news.types import Outlet, Provenance

__all__ = ["ImportResult", "merge_published"]

_CELLS = ("bias", "factuality", "owner")


@dataclass(slots=True)
class ImportResult:
    rows: list[Outlet]  # the operator's new table
    matched: int = 0
    added: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # "Outlet: cell value"
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unmatched: int = 0  # entries with a rating that no outlet took and that were not added


def _get(outlet: Outlet | Cited, cell: str) -> object:
    value = getattr(outlet, cell)
    return value or None


def _apply(outlet: Outlet, entry: Cited, where: Provenance, replace: bool,
           result: ImportResult) -> Outlet:
    updated = outlet
    for cell in _CELLS:
        theirs, ours = _get(entry, cell), _get(outlet, cell)
        if theirs is None or theirs == ours or (outlet.aggregator and cell != "owner"):
            continue
        label = getattr(theirs, "value", theirs)
        if ours is not None and not replace:
            result.conflicts.append(f"{outlet.name}: {cell} kept {getattr(ours, 'value', ours)!r}, "
                                    f"{entry.source} says {label!r}")
            continue
        (result.changed if ours is not None else result.filled).append(f"{outlet.name}: {cell} {label}")
        updated = _with(updated, entry, cell, where)
    return updated


def _with(outlet: Outlet, entry: Cited, cell: str, where: Provenance) -> Outlet:
    if cell == "bias":
        return dataclasses.replace(outlet, bias=entry.bias, bias_from=where)
    if cell == "factuality":
        return dataclasses.replace(outlet, factuality=entry.factuality, factuality_from=where)
    return dataclasses.replace(outlet, owner=entry.owner, owner_from=where)


def _new_outlet(entry: Cited, where: Provenance, taken: set[str]) -> Outlet:
    name = entry.name if entry.name.casefold() not in taken else f"{entry.name} ({entry.domain})"
    taken.add(name.casefold())
    return Outlet(name[:255], (entry.domain,), bias=entry.bias, factuality=entry.factuality, owner=entry.owner,
                  bias_from=where if entry.bias else None, factuality_from=where if entry.factuality else None,
                  owner_from=where if entry.owner else None)


def merge_published(directory: OutletDirectory, operator: Sequence[Outlet], entries: Sequence[Cited],
                    checked_on: str, *, dataset_url: str = "", replace: bool = False,
                    add_new: bool = True) -> ImportResult:
    """`directory`: the table in force (bundled + operator's); `operator`: the operator's own rows."""
    index = PublishedIndex(entries)
    own = {outlet.name.casefold() for outlet in operator}
    result = ImportResult(rows=[])
    updated: dict[str, Outlet] = {}
    taken_entries: set[int] = set()
    for outlet in directory:
        entry = index.match(outlet)
        if entry is None:
            continue
        taken_entries.update([id(entry), *(id(e) for e in index.candidates(outlet.domains))])
        result.matched += 1
        where = Provenance(entry.source, entry.url or dataset_url, checked_on)
        new = _apply(outlet, entry, where, replace, result)
        if new != outlet or outlet.name.casefold() in own:
            updated[outlet.name.casefold()] = new
    result.rows = [updated.pop(o.name.casefold(), o) for o in operator] + list(updated.values())
    taken = {outlet.name.casefold() for outlet in directory}
    seen_domains: set[str] = set()
    for entry in entries:
        rated = entry.bias is not None or entry.factuality is not None or entry.owner
        if id(entry) in taken_entries or not rated:
            continue
        if not entry.domain or entry.domain in seen_domains or directory.by_domain(entry.domain) is not None:
            result.unmatched += 1
            continue
        seen_domains.add(entry.domain)
        chosen = index.match(Outlet(entry.name, (entry.domain,))) if add_new else None
        if chosen is None:  # not asked to add, or the table's entries for the site disagree
            result.unmatched += 1
            continue
        where = Provenance(chosen.source, chosen.url or dataset_url, checked_on)
        result.rows.append(_new_outlet(chosen, where, taken))
        result.added.append(result.rows[-1].name)
    return result
