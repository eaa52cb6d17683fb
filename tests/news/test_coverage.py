from __future__ import annotations

import pytest

from news.coverage import coverage_of, outlet_key, outlet_label
from news.types import Bias, Coverage, Outlet, StoryArticle


def _outlet(name: str, bias: Bias | None, factuality: str | None = None) -> Outlet:
    return Outlet(name=name, domains=(f"{name.lower()}.example",), bias=bias, factuality=factuality)


def _art(outlet: Outlet | None, n: int = 0, source: str = "", url: str = "") -> StoryArticle:
    return StoryArticle(title=f"t{n}", url=url or f"https://x.example/{n}", source_name=source, outlet=outlet)


L1, L2, L3, L4, L5 = (_outlet(f"L{i}", Bias.LEFT, "high") for i in range(5))
C1, C2, C3 = _outlet("C1", Bias.CENTER, "very high"), _outlet("C2", Bias.CENTER, "High"), _outlet("C3", Bias.CENTER)
R1, R2, R3, R4 = (_outlet(f"R{i}", Bias.LEAN_RIGHT, "mixed") for i in range(4))
U1, U2, U3 = (_outlet(f"U{i}", None) for i in range(3))


@pytest.mark.parametrize(
    ("outlets", "sides", "unrated", "blindspot"),
    [
        ([], (0, 0, 0), 0, None),
        ([L1, C1, R1], (1, 1, 1), 0, None),
        ([L1, L1, L1, R1], (1, 0, 1), 0, None),  # distinct outlets: L1 counts once, too few rated
        ([C1, R1, R2], (0, 1, 2), 0, None),  # three rated outlets say little: no blindspot yet
        ([C1, C2, R1, R2, R3, R4], (0, 2, 4), 0, "left"),
        ([L1, L2, L3, L4, L5, C1], (5, 1, 0), 0, "right"),
        ([L1, L2, L3, L4, L5, C1] + [None] * 19, (5, 1, 0), 19, None),  # 6 of 25 rated: too few of its sources
        ([C1, C2, R1], (0, 2, 1), 0, None),  # right has only a third: no blindspot
        ([C1, C2, U1, None], (0, 2, 0), 2, None),  # centre-only is nobody's blindspot
        ([L1, C1, C2, R1, R2, R3, _outlet("R9", Bias.RIGHT)], (1, 2, 4), 0, "left"),  # 1/7 = 14%
        ([L1, C1, C2, R1, R2, R3, _outlet("R9", Bias.RIGHT), U1, U2, U3], (1, 2, 4), 3, "left"),
        ([L1, L2, C1, R1, R2, R3], (2, 1, 3), 0, None),
    ],
)
def test_coverage_counts_distinct_outlets(
    outlets: list[Outlet | None], sides: tuple[int, int, int], unrated: int, blindspot: str | None
) -> None:
    cov = coverage_of([_art(o, n, source=f"feed{n}" if o is None else "") for n, o in enumerate(outlets)])
    assert (cov.left, cov.center, cov.right) == sides
    assert cov.unrated == unrated
    assert cov.blindspot == blindspot


def test_percentages_and_factuality_mix() -> None:
    cov = coverage_of([_art(L1, 1), _art(C1, 2), _art(C2, 3), _art(R1, 4), _art(R1, 5)])
    assert cov.percentages() == (25, 50, 25)
    assert cov.factuality == {"high": 2, "very high": 1, "mixed": 1}
    assert Coverage().percentages() == (0, 0, 0)


def test_outlet_identity_falls_back_to_source_then_domain() -> None:
    assert outlet_key(_art(L1)) == "l0"
    assert outlet_key(_art(None, source="  The  Guardian ")) == "the guardian"
    assert outlet_key(_art(None, url="https://www.bbc.co.uk/news/1")) == "bbc.co.uk"
    assert outlet_label(_art(None, source="  The  Guardian ")) == "The Guardian"
    by_domain = [_art(None, 1, url="https://www.bbc.co.uk/a"), _art(None, 2, url="https://bbc.co.uk/b")]
    assert coverage_of(by_domain).unrated == 1
