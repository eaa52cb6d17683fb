"""Sentence splitting on tricky news leads: our rules (news.summary.sentences) against pysbd, if installed.

Each case is a lead written the way wire copy writes it, with the sentences it must split into. A case
counts as right only when every boundary is right. Prints the cases each splitter gets wrong, the share
right, and the time per lead over the AllSides dev leads (7,356 of them).

    .venv/bin/python bench/sentence_split.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from news.summary.sentences import split_sentences

# A lead per line, " | " where a sentence must end.
CASES: tuple[str, ...] = (
    'The Supreme Court overturned Roe v. Wade on Friday. | Justice Alito called Roe “egregiously wrong.”',
    'Justice Samuel Alito wrote that Roe v. Wade was “egregiously wrong,” and the court agreed.',
    'Sen. Elizabeth Warren, D-Mass., said Tuesday she would vote no. | Rep. Kevin McCarthy disagreed.',
    'The riot at the Capitol on Jan. 6 was investigated by the House. | Hearings begin in Sept. next year.',
    'Mr. Peabody & Sherman led the U.S. box office with $21.2 million. | Need for Speed was second.',
    'Gov. Gavin Newsom signed the bill. | Dr. Anthony Fauci praised it.',
    'Former President George W. Bush spoke in Dallas. | He praised the troops.',
    'Author J.K. Rowling responded on Twitter. | Her post was shared widely.',
    'Apple Inc. reported record sales. | The company said iPhone demand was strong.',
    "The vote was 5-4 in Dobbs v. Jackson Women's Health Organization. | Protests followed.",
    'The storm hit Miami, Fla., on Sunday. | Power was out for days.',
    'Prices rose 2.5% in March. | Economists had expected 2.1%.',
    'The meeting starts at 9 a.m. Eastern time. | Reporters were told to arrive early.',
    'Troops were sent to the U.S. border with Mexico. | The Pentagon confirmed it.',
    'The company has 2,000 workers in the U.S. | The plant will close in June.',
    'Gen. Mark Milley testified on Capitol Hill. | Lt. Col. Alexander Vindman did too.',
    'The Dow fell 500 points. | The S&P 500 dropped 2%.',
    '“We will not back down,” he said. | The crowd cheered.',
    'Is this the end? | Analysts are not sure! | Markets rallied anyway.',
    'The team is ranked No. 1 in the nation. | It has won 12 straight games.',
    'He moved to St. Louis in 2010. | He later worked for Amazon.com in Seattle.',
    'The U.N. Security Council met on Friday. | Russia vetoed the resolution.',
    'Officials in Washington, D.C. said the rally was peaceful. | No arrests were made.',
    'The plane left Kuala Lumpur at 12:41 a.m. | It lost contact less than an hour later.',
    'The bill passed the House 220-207. | It now goes to the Senate, where its fate is unclear.',
    'Sen. Ted Cruz (R-Texas) objected. | Sen. Mitt Romney (R-Utah) did not.',
    'The vaccine is approved for people ages 12 and up. | Pfizer Inc. and BioNTech SE make it.',
    'The U.S. and China agreed to talks. | The yuan rose 0.3%.',
    'Mt. Everest is closed to climbers. | Nepal cited the pandemic.',
    'He said the deal was “dead.” | Others disagreed.',
    # written after the rules were fixed, to check they were not fitted to the cases above
    'Prime Minister Boris Johnson met Pres. Emmanuel Macron in Paris. | They discussed trade.',
    'Shares of Tesla Inc. fell 5% on Monday. | The stock has lost a third of its value this year.',
    'The hearing is set for Oct. 12. | Lawyers for both sides declined to comment.',
    'Police said the suspect, 34, was arrested at 3 p.m. Sunday in Portland, Ore. | He was held without bail.',
    'The E.U. imposed new sanctions. | Moscow called them illegal.',
    'Ms. Harris arrived at 10 a.m. | She spoke for an hour.',
    'The ruling in Brown v. Board of Education ended school segregation. | Activists marked its anniversary.',
    '“Are we there yet?” he asked. | Nobody answered.',
    'The firm, based in Cambridge, Mass., hired 40 people. | It plans to hire 100 more by Dec. 31.',
    'Lt. Gov. Dan Patrick said the Texas power grid held. | ERCOT agreed.',
)


def _score(split: Callable[[str], list[str]], name: str) -> None:
    wrong = []
    for case in CASES:
        got = [s.strip() for s in split(case.replace(" | ", " "))]
        if got != case.split(" | "):
            wrong.append(got)
    print(f"{name}: {len(CASES) - len(wrong)}/{len(CASES)} leads split right")
    for got in wrong:
        print(f"    wrong: {got}")


def _timing(split: Callable[[str], list[str]], leads: list[str], name: str) -> None:
    started = time.perf_counter()
    for lead in leads:
        split(lead)
    elapsed = time.perf_counter() - started
    print(f"{name}: {elapsed * 1e6 / max(len(leads), 1):.0f} µs per lead over {len(leads)} AllSides leads")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args(argv)
    path = args.shared / "bench" / "allsides-dev.jsonl"
    leads = [json.loads(line)["summary"] for line in path.open(encoding="utf-8") if line.strip()]
    splitters: list[tuple[str, Callable[[str], list[str]]]] = [("rules", split_sentences)]
    try:
        import pysbd  # type: ignore[import-not-found]
    except ImportError:
        print("pysbd not installed: `.venv/bin/pip install pysbd` to compare")
    else:
        segmenter = pysbd.Segmenter(language="en", clean=False)
        splitters.append(("pysbd", lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]))
    for name, split in splitters:
        _score(split, name)
    for name, split in splitters:
        _timing(split, leads, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
