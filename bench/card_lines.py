"""How long story cards are on a phone, this branch against a baseline, in one run: one command.

    .venv/bin/python bench/card_lines.py [--shared ../shared] [--baseline main] [--uci-stories 150]

Cards are built and rendered as the bot sends them (news.summary.build_story_view, bot.render.story_card:
the full card of /story and the compact one of digests) for the AllSides dev stories (three articles with their
leads; most carry no outlet name, so no bias line) and for UCI dev gold stories cut per day (headlines only,
outlets rated by the bundled table), the first --uci-stories of them by key. Every card is measured as a phone
shows it: lines after wrapping at news.summary.phone.PHONE_LINE_CHARS characters (always this branch's
measure, loaded by path, so both sides are measured alike). Printed per set: median, 90th percentile and
maximum lines of a full card, the share of full cards over 12 lines, the median of a compact card, and the share
of bullets over two lines. The baseline is `git archive <ref>` of this repository unpacked in a temporary folder
and run by this same script (--measure) with that folder as its code.

Measured (2 cores shared by eight engineers; the figures are counts, not times):

    lines on a phone   cards  median  p90  max  over 12  compact median  bullets over 2 lines
    allsides this branch         2452    13.0   16   20    52.9%            12.0      0.0% of 1300
    allsides baseline (main)     2452    18.0   25   36    93.6%            12.0     97.6% of 2640
    uci      this branch          150    15.0   17   18    91.3%             9.0      0.0% of 424
    uci      baseline (main)      150    16.0   17   20    96.0%            10.0     21.2% of 434

The lede (a lead's first sentence, median 6 lines on a phone in AllSides) keeps its length: limited to four
lines, four stories in five would lose it. bench/summary_rouge.py in the same session, main then this branch:
lede + bullets 82.1 -> 38.3 words, ROUGE-1 F 0.3915 -> 0.3625 (a shorter text against ~60-word editor
summaries), ROUGE-L F 0.2543 -> 0.2577, redundancy 0.368 -> 0.279; card headline ROUGE-1 0.4566 both.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from html import unescape
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _phone_lines() -> Any:
    spec = importlib.util.spec_from_file_location("phone_measure", REPO / "news" / "summary" / "phone.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.phone_lines


def _stories(shared: Path, uci_limit: int) -> dict[str, list[list[dict[str, Any]]]]:
    sets: dict[str, list[list[dict[str, Any]]]] = {}
    for name, per_day in (("allsides", False), ("uci", True)):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        with (shared / "bench" / f"{name}-dev.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                key = f"{item['story']}/{(item['published'] or '')[:10]}" if per_day else item["story"]
                groups[key].append(item)
        keys = sorted(k for k in groups if len(groups[k]) >= 2)
        sets[name] = [groups[k] for k in (keys[:uci_limit] if per_day else keys)]
    return sets


def measure(shared: Path, uci_limit: int) -> dict[str, dict[str, float]]:
    """Run with the code on sys.path (this branch's, or the baseline's)."""
    import re
    from datetime import UTC, datetime

    from bot.render import story_card
    from news.sources import load_outlets
    from news.summary import build_story_view
    from news.types import StoryArticle

    lines_of = _phone_lines()
    outlets = load_outlets()
    now = datetime(2026, 7, 31, tzinfo=UTC)

    def plain(html: str) -> str:
        return unescape(re.sub(r"<[^>]+>", "", html))

    results: dict[str, dict[str, float]] = {}
    for name, stories in _stories(shared, uci_limit).items():
        full, compact, bullets = [], [], []
        for n, items in enumerate(stories):
            articles = [StoryArticle(title=i["title"], url=i["url"] or f"https://example.org/{n}/{k}",
                                     summary=i["summary"], source_name=i["source"],
                                     outlet=outlets.by_domain(i["url"]) if i["url"] else None)
                        for k, i in enumerate(items)]
            view = build_story_view(n, articles, now)
            full.append(lines_of(plain(story_card(view))))
            compact.append(lines_of(plain(story_card(view, compact=True))))
            bullets += [lines_of("• " + b) for b in view.bullets]
        full.sort()
        results[name] = {
            "cards": len(full), "median": statistics.median(full), "p90": full[int(0.9 * (len(full) - 1))],
            "max": full[-1], "over_12": sum(x > 12 for x in full) / len(full),
            "compact_median": statistics.median(compact),
            "bullets_over_2": sum(b > 2 for b in bullets) / max(1, len(bullets)), "bullets": len(bullets),
        }
    return results


def _baseline(ref: str, shared: Path, uci_limit: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "code.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), ref], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", "--shared", str(shared),
                              "--uci-stories", str(uci_limit)], check=True, capture_output=True, text=True,
                             cwd=folder, env={"PYTHONPATH": folder, "PATH": "/usr/bin:/bin"})
        result: dict[str, dict[str, float]] = json.loads(out.stdout.splitlines()[-1])
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--baseline", default="main", help="git ref to compare with ('' for none)")
    parser.add_argument("--uci-stories", type=int, default=150)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    shared = args.shared.resolve()
    if args.measure:
        print(json.dumps(measure(shared, args.uci_stories)))
        return 0
    sys.path.insert(0, str(REPO))
    runs = {"this branch": measure(shared, args.uci_stories)}
    if args.baseline:
        runs[f"baseline ({args.baseline})"] = _baseline(args.baseline, shared, args.uci_stories)
    print("lines on a phone   cards  median  p90  max  over 12  compact median  bullets over 2 lines")
    for name in ("allsides", "uci"):
        for label, run in runs.items():
            r = run[name]
            print(f"{name:<8} {label:<18} {r['cards']:>5.0f} {r['median']:>7.1f} {r['p90']:>4.0f} {r['max']:>4.0f} "
                  f"{r['over_12']:>8.1%} {r['compact_median']:>15.1f} {r['bullets_over_2']:>9.1%} "
                  f"of {r['bullets']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
