"""Refill the bundled outlet table's ratings and owners from the published copies it cites.

    python bench/outlets_rebuild.py --allsides allsides_pub_data.json --kagi media_data.json [--write]

Keeps each row's name, domains, country, aggregator and closed marks; sets `bias` from the AllSides table (the
entry `news.published_match` picks; none for an aggregator, whose items are
credited to the outlets they name, and none when AllSides has no entry for the outlet or its entries disagree) and
`owner` from Kagi News's media_data.json, when its owner field is a name rather than prose. Every other rating is
removed: the bundled table carries only what may be redistributed (news/data/README.md, NOTICE). The copies'
repository, commit and date are in news/data/README.md; `--allsides-date`/`--kagi-date` set `*_checked`.
Prints what changed, row by row; writes news/data/outlets.csv only with --write.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from news.outlet_rows import format_outlets_csv
from news.published import ALLSIDES, KAGI, read_published
from news.published_match import PublishedIndex
from news.sources import bundled_outlets_text, parse_outlets_csv
from news.types import Outlet, Provenance

KAGI_URL = ("https://github.com/kagisearch/kite-public/blob/c4fc3b579c3bbdcce5277d1956347131283170e5/"
            "media_data.json")
MAX_OWNER_NAME = 60  # longer owner fields in media_data.json are sentences about the owner, not its name


def _owner(outlet: Outlet, kagi: PublishedIndex, checked: str) -> Outlet:
    entry = kagi.match(outlet)
    owner = entry.owner if entry else ""
    if not owner or len(owner) > MAX_OWNER_NAME or ". " in owner:
        return dataclasses.replace(outlet, owner="", owner_from=None)
    return dataclasses.replace(outlet, owner=owner, owner_from=Provenance(KAGI, KAGI_URL, checked))


def _bias(outlet: Outlet, allsides: PublishedIndex, checked: str) -> Outlet:
    entry = None if outlet.aggregator else allsides.match(outlet)
    if entry is None or entry.bias is None:
        return dataclasses.replace(outlet, bias=None, bias_from=None)
    return dataclasses.replace(outlet, bias=entry.bias, bias_from=Provenance(ALLSIDES, entry.url, checked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allsides", type=Path, required=True)
    parser.add_argument("--allsides-date", default="2025-09-11")
    parser.add_argument("--kagi", type=Path, required=True)
    parser.add_argument("--kagi-date", default="2026-03-17")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    allsides = PublishedIndex(read_published(args.allsides.read_bytes()))
    kagi = PublishedIndex(read_published(args.kagi.read_bytes()))
    rows: list[Outlet] = []
    for old in parse_outlets_csv(bundled_outlets_text()):
        bare = dataclasses.replace(old, factuality=None, factuality_from=None, rating_source="")
        new = _owner(_bias(bare, allsides, args.allsides_date), kagi, args.kagi_date)
        if (old.bias, old.factuality, old.owner) != (new.bias, new.factuality, new.owner):
            print(f"{old.name}: bias {old.bias and old.bias.value} -> {new.bias and new.bias.value}; "
                  f"factuality {old.factuality} -> {new.factuality}; owner {old.owner!r} -> {new.owner!r}")
        rows.append(new)
    print(f"{sum(1 for r in rows if r.bias)} rated, {sum(1 for r in rows if r.owner)} owners, {len(rows)} outlets")
    if args.write:
        Path("news/data/outlets.csv").write_text(format_outlets_csv(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
