"""bot.render_sides: the compare view and a side's pages escape what feeds send and stay within Telegram's size."""

from __future__ import annotations

from html import unescape

from bot.render import MAX_MESSAGE, TAG
from bot.render_sides import SIDE_PAGE, compare_view, side_page
from news.sides import Evidence, SideOutlet, SidePart


def _part(side: str | None, count: int, title: str = "Title", name: str = "Outlet") -> SidePart:
    outlets = tuple(SideOutlet(f"{name} {n}", f"{title} {n}", f"https://o{n}.example/{'x' * 1900}")
                    for n in range(count))
    return SidePart(side, outlets, outlets[:3], ("extreme",) if count >= 3 else (),
                    Evidence.SHOWN if count >= 3 else Evidence.TOO_FEW)


def test_hostile_titles_and_names_are_escaped_and_long_ones_clipped() -> None:
    evil = "<script>alert(1)</script> & " + "very long words " * 40
    parts = [_part("left", 5, evil, "<b>Evil</b>"), _part("center", 0), _part("right", 2), _part(None, 9, evil, "<i>")]
    text = compare_view("<b>Headline</b>", 16, parts)
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>Evil</b>" not in text
    assert "No outlet in the center covers this story." in text and "and 4 more" in text
    shown = unescape(TAG.sub("", text))  # what Telegram counts: the text, not the links' addresses
    assert len(shown) < MAX_MESSAGE // 2 and "…" in shown  # three sides of long titles fit with room to spare


def test_a_sides_pages_clamp_and_hold_each_outlet_once() -> None:
    part = _part("right", SIDE_PAGE * 2 + 1)
    pages = [side_page("Headline", part, page) for page in (-5, 0, 1, 2, 99)]
    assert [(page, total) for _text, page, total in pages] == [(0, 3), (0, 3), (1, 3), (2, 3), (2, 3)]
    shown = [text.count("Outlet ") for text, _page, _total in pages[1:4]]
    assert shown == [SIDE_PAGE, SIDE_PAGE, 1]
    empty, _page, total = side_page("Headline", _part(None, 0), 0)
    assert total == 1 and "No unrated outlet covers this story." in empty
