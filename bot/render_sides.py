"""The "Compare sides" view of a card, and the pages of one side's outlets, as Telegram HTML (pure).

    <b>Texas governor signs six-week abortion ban</b>
    Compare the sides · 8 sources

    🟦 <b>Left</b> · 3 outlets
    • Texas enacts extreme abortion ban — HuffPost
    • Abbott signs extreme abortion ban — MSNBC
    Words the left uses more: extreme, rights, reproductive

    🟪 <b>Center</b> · 1 outlet
    • Texas governor signs law banning abortions after six weeks — Reuters
    Too few outlets to tell which words set the center apart.

    🟥 <b>Right</b>: no outlet on the right covers this story.

    ❔ <b>Unrated</b> · 1 outlet: AP
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.i18n import N_, _, ngettext, number
from bot.render import MAX_HEADLINE, MAX_NAME, SIDE_MARK, UNRATED_MARK, link
from news.sides import Evidence, SidePart

__all__ = ["MAX_SIDE_TITLE", "SIDE_NAMES", "SIDE_PAGE", "compare_view", "mark", "side_page"]

SIDE_PAGE = 8  # outlets per page of one side
MAX_SIDE_TITLE = 140  # a headline in the compare view: three sides' worth must fit one message
MAX_UNRATED_NAMES = 5
SIDE_NAMES = {"left": N_("Left"), "center": N_("Center"), "right": N_("Right"), None: N_("Unrated")}
_TERMS = {"left": N_("Words the left uses more: {terms}"), "center": N_("Words the center uses more: {terms}"),
          "right": N_("Words the right uses more: {terms}")}
_NONE_APART = {"left": N_("No word sets the left apart from the other outlets."),
               "center": N_("No word sets the center apart from the other outlets."),
               "right": N_("No word sets the right apart from the other outlets.")}
_TOO_FEW = {"left": N_("Too few outlets to tell which words set the left apart."),
            "center": N_("Too few outlets to tell which words set the center apart."),
            "right": N_("Too few outlets to tell which words set the right apart.")}
_NOBODY = {"left": N_("No outlet on the left covers this story."),
           "center": N_("No outlet in the center covers this story."),
           "right": N_("No outlet on the right covers this story.")}


def _e(text: str) -> str:
    return escape(text, quote=True)


def mark(side: str | None) -> str:
    return SIDE_MARK.get(side or "", UNRATED_MARK)


def _outlets(count: int) -> str:
    return ngettext("{count} outlet", "{count} outlets", count).format(count=number(count))


def _line(title: str, url: str, outlet: str) -> str:
    return f"• {link(title, url, MAX_SIDE_TITLE)} — {_e(outlet[:MAX_NAME])}"


def _evidence(part: SidePart) -> str:
    side = part.side or ""
    if part.evidence is Evidence.SHOWN:
        return _e(_(_TERMS[side]).format(terms=", ".join(part.terms)))
    if part.evidence is Evidence.NONE_APART:
        return _(_NONE_APART[side])
    if part.evidence is Evidence.NOT_KEPT:
        return _("This story's articles are no longer kept: their words can't be compared.")
    return _(_TOO_FEW[side])


def _part(part: SidePart) -> list[str]:
    name = _(SIDE_NAMES[part.side])
    if part.side is None:
        names = ", ".join(_e(o.outlet[:MAX_NAME]) for o in part.outlets[:MAX_UNRATED_NAMES])
        more = len(part.outlets) - MAX_UNRATED_NAMES
        rest = " " + _("and {count} more").format(count=number(more)) if more > 0 else ""
        return [f"{mark(None)} <b>{name}</b> · {_outlets(len(part.outlets))}: {names}{rest}"]
    if not part.outlets:
        return [f"{mark(part.side)} <b>{name}</b>: {_(_NOBODY[part.side])}"]
    lines = [f"{mark(part.side)} <b>{name}</b> · {_outlets(len(part.outlets))}"]
    lines.extend(_line(o.title, o.url, o.outlet) for o in part.headlines)
    lines.append(_evidence(part))
    return lines


def compare_view(headline: str, sources: int, parts: Sequence[SidePart]) -> str:
    """The story's headline, then one block per side: its headlines, the words it uses more (or why none are
    shown), or that no outlet of that side covers it; the unrated outlets' line last."""
    heading = ngettext("Compare the sides · {count} source", "Compare the sides · {count} sources",
                       sources).format(count=number(sources))
    blocks = [f"<b>{link(headline, '', MAX_HEADLINE)}</b>\n{heading}"]
    blocks.extend("\n".join(_part(part)) for part in parts)
    return "\n\n".join(blocks)


def side_page(headline: str, part: SidePart, page: int) -> tuple[str, int, int]:
    """Page `page` (clamped) of one side's outlets, each with its most representative headline:
    (html, page, pages)."""
    pages = max(1, -(-len(part.outlets) // SIDE_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = part.outlets[page * SIDE_PAGE : (page + 1) * SIDE_PAGE]
    heading = _("{side} · {outlets} · page {page}/{pages}").format(
        side=_(SIDE_NAMES[part.side]), outlets=_outlets(len(part.outlets)), page=number(page + 1),
        pages=number(pages))
    lines = [f"<b>{link(headline, '', MAX_HEADLINE)}</b>", f"{mark(part.side)} {heading}", ""]
    lines.extend(f"<b>{_e(o.outlet[:MAX_NAME])}</b>: {link(o.title, o.url, MAX_HEADLINE)}" for o in shown)
    if not shown:
        lines.append(_(_NOBODY[part.side]) if part.side else _("No unrated outlet covers this story."))
    return "\n".join(lines), page, pages
