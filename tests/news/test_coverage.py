from __future__ import annotations

import pytest

from news.coverage import SideMix, blindspot_of, coverage_of, lower_tail, outlet_key, outlet_label
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
    ("outlets", "sides", "unrated"),
    [
        ([], (0, 0, 0), 0),
        ([L1, C1, R1], (1, 1, 1), 0),
        ([L1, L1, L1, R1], (1, 0, 1), 0),  # distinct outlets: L1 counts once
        ([C1, C2, U1, None], (0, 2, 0), 2),
        ([L1, C1, C2, R1, R2, R3, _outlet("R9", Bias.RIGHT), U1, U2, U3], (1, 2, 4), 3),
    ],
)
def test_coverage_counts_distinct_outlets(outlets: list[Outlet | None], sides: tuple[int, int, int],
                                          unrated: int) -> None:
    cov = coverage_of([_art(o, n, source=f"feed{n}" if o is None else "") for n, o in enumerate(outlets)])
    assert (cov.left, cov.center, cov.right) == sides
    assert cov.unrated == unrated
    assert cov.blindspot is None  # the blindspot needs the window: blindspot_of


EVEN = SideMix()  # an empty window: the prior alone, an even split
LEFT_HEAVY = SideMix(left=300, right=100)  # a feed list whose partisan outlets are 75 % left


@pytest.mark.parametrize(
    ("sides", "window", "blindspot"),
    [
        ((0, 0, 0), EVEN, None),
        ((6, 1, 0), EVEN, None),  # 0.5^6 = 1.6 %: not improbable enough
        ((7, 0, 0), EVEN, "right"),  # 0.5^7 = 0.8 %
        ((0, 3, 7), EVEN, "left"),
        ((0, 12, 0), EVEN, None),  # carried by the centre alone: nobody's blindspot
        ((7, 0, 0), LEFT_HEAVY, None),  # what a left-heavy list gives by chance (p = 0.744: 0.744^7 = 13 %)
        ((15, 0, 0), LEFT_HEAVY, None),  # 0.744^15 = 1.2 %, just above the threshold
        ((16, 0, 0), LEFT_HEAVY, "right"),  # 0.744^16 = 0.9 %
        ((18, 2, 0), LEFT_HEAVY, "right"),  # the centre takes no side
        ((20, 0, 2), LEFT_HEAVY, None),  # two right outlets of 22: P(<= 2) is 5.4 %
        ((0, 0, 5), LEFT_HEAVY, "left"),  # 0.256^5 = 0.1 %: the left missing is what a left-heavy list makes rare
        ((30, 0, 1), LEFT_HEAVY, "right"),
    ],
)
def test_blindspot_is_a_shortfall_improbable_for_the_window(sides: tuple[int, int, int], window: SideMix,
                                                              blindspot: str | None) -> None:
    left, center, right = sides
    assert blindspot_of(Coverage(left=left, center=center, right=right), window) == blindspot


def test_the_expected_share_leans_to_even_in_a_thin_window() -> None:
    assert EVEN.expected("left") == EVEN.expected("right") == 0.5
    assert SideMix(left=2, right=0).expected("right") == pytest.approx(5 / 12)  # two outlets barely move it
    assert LEFT_HEAVY.expected("right") == pytest.approx(105 / 410)
    assert lower_tail(0, 7, 0.5) == pytest.approx(0.5**7)
    assert lower_tail(7, 7, 0.3) == pytest.approx(1.0)
    assert lower_tail(1, 10, 0.2) == pytest.approx(0.8**10 + 10 * 0.2 * 0.8**9)


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
