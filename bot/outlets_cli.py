"""`storybot outlets check` and `storybot outlets import`: the outlet table against published ratings (file I/O and
printing here; the comparisons are news.outlets_check and news.outlets_import)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from news.outlet_rows import format_outlets_csv
from news.outlets_check import check_table
from news.outlets_import import merge_published
from news.published import MAX_PUBLISHED_BYTES, Cited, PublishedFormatError, read_published
from news.published_match import PublishedIndex
from news.sources import OutletFileError, load_outlets, parse_outlets_csv, read_outlets_file

__all__ = ["add_parser", "run"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHOWN = 30  # filled cells and added outlets listed by name; the rest are counted


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outlets = sub.add_parser("outlets", help="check the outlet table against published ratings, or import them")
    actions = outlets.add_subparsers(dest="outlets_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="compare the table with copies of the ratings it cites")
    check.add_argument("copies", nargs="+", metavar="FILE[=DATE]",
                       help="an MBFC export, AllSides table or media_data.json; DATE: the copy's date, YYYY-MM-DD")
    check.add_argument("--table", type=Path, help="an operator outlets CSV to check over the bundled table")
    imp = actions.add_parser("import", help="add a published table's ratings to the operator's outlets CSV")
    imp.add_argument("file", type=Path, help="an MBFC export, an AllSides table (JSON or CSV) or media_data.json")
    imp.add_argument("--out", type=Path, help="the operator outlets CSV to update (default: OUTLETS_FILE)")
    imp.add_argument("--checked", help="the date the file was read, YYYY-MM-DD (default: today)")
    imp.add_argument("--dataset-url", default="", help="where the file was published, for rows without a page")
    imp.add_argument("--replace", action="store_true", help="take the file's value where a cell differs")
    imp.add_argument("--no-new", action="store_true", help="only rate outlets already listed; add none")
    imp.add_argument("--dry-run", action="store_true", help="report, write nothing")


def _read(path: Path) -> list[Cited]:
    if path.stat().st_size > MAX_PUBLISHED_BYTES:
        raise PublishedFormatError(f"larger than {MAX_PUBLISHED_BYTES // (1024 * 1024)} MB")
    return read_published(path.read_bytes())


def _check(copies: Sequence[str], table: Path | None) -> int:
    indexes: dict[str, tuple[PublishedIndex, str]] = {}
    for spec in copies:
        path, _, dated = spec.rpartition("=") if re.search(r"=\d{4}-\d{2}-\d{2}$", spec) else (spec, "", "")
        if dated and not _DATE.match(dated):
            raise PublishedFormatError(f"{dated!r} is not a date such as 2025-09-11")
        entries = _read(Path(path))
        indexes[entries[0].source] = (PublishedIndex(entries), dated)
        print(f"{path}: {len(entries)} entries of {entries[0].source}" + (f", copy of {dated}" if dated else ""))
    differ = 0
    for agreement in check_table(load_outlets(table), indexes):
        shown = [d for d in agreement.differences if d.cell != "page"]
        print(f"\n{agreement.source}: {agreement.agree} of {agreement.checked} cells agree, {len(shown)} differ, "
              f"{len(agreement.differences) - len(shown)} cite another page; {agreement.missing} cited cells "
              f"not in the copy; {agreement.unrated_here} outlets have a rating there that is empty here")
        for difference in agreement.differences:
            print(f"  - {difference.describe()}")
        differ += len(agreement.differences)
    return 1 if differ else 0


def _import(args: argparse.Namespace, default_out: Path | None) -> int:
    out: Path | None = args.out or default_out
    if out is None:
        print("storybot: set OUTLETS_FILE or pass --out: the import writes the operator's outlets CSV",
              file=sys.stderr)
        return 2
    checked = args.checked or datetime.now(UTC).date().isoformat()
    if not _DATE.match(checked):
        print(f"storybot: --checked {checked!r} is not a date such as 2025-09-11", file=sys.stderr)
        return 2
    entries = _read(args.file)
    # an empty (or absent) file: a first import
    operator = read_outlets_file(out) if out.exists() and out.stat().st_size and out.read_bytes().strip() else []
    directory = load_outlets(out if operator else None)
    result = merge_published(directory, operator, entries, checked, dataset_url=args.dataset_url,
                             replace=args.replace, add_new=not args.no_new)
    print(f"{args.file}: {len(entries)} entries of {entries[0].source}.")
    print(f"Matched {result.matched} listed outlets: filled {len(result.filled)} empty cells, changed "
          f"{len(result.changed)}, kept {len(result.conflicts)} that differ"
          + ("" if args.replace else " (--replace takes the file's)") + f"; added {len(result.added)} outlets; "
          f"{result.unmatched} entries not used (no site, a site already listed, or entries that disagree).")
    for title, lines, limit in (("Changed", result.changed, None), ("Kept (differs)", result.conflicts, None),
                                ("Filled", result.filled, SHOWN), ("Added", result.added, SHOWN)):
        for line in lines[:limit]:
            print(f"  {title}: {line}")
        if limit is not None and len(lines) > limit:
            print(f"  {title}: ... and {len(lines) - limit} more")
    if args.dry_run:
        print("Dry run: nothing written.")
        return 0
    text = format_outlets_csv(result.rows)
    parse_outlets_csv(text, str(out))  # what is written must load
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, out)
    print(f"Wrote {len(result.rows)} outlets to {out}.")
    return 0


def run(args: argparse.Namespace, default_out: Path | None) -> int:
    try:
        if args.outlets_command == "check":
            return _check(args.copies, args.table)
        return _import(args, default_out)
    except (OSError, PublishedFormatError, OutletFileError) as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return 2
