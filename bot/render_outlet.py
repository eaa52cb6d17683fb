"""An outlet's profile card as Telegram HTML (pure). Every outside string is escaped here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from app.outlets import Lookup, OutletProfile
from bot.i18n import N_, _, ngettext, number
from bot.render import FACTUALITY_NAMES, MAX_HEADLINE, link
from news.types import Bias, Provenance

__all__ = ["BIAS_NAMES", "UNKNOWN_OUTLET", "inert", "outlet_card", "raters_line", "unknown_outlet"]

BIAS_NAMES = {Bias.LEFT: N_("Left"), Bias.LEAN_LEFT: N_("Lean left"), Bias.CENTER: N_("Center"),
              Bias.LEAN_RIGHT: N_("Lean right"), Bias.RIGHT: N_("Right")}
NOT_RATED = N_("not rated")
NOT_KNOWN = N_("not known")
UNKNOWN_OUTLET = N_("I don't know an outlet called <i>{name}</i>.")
MAYBE = N_("Maybe: {names}.")
SOURCE_HOW = N_("Try <code>/source Reuters</code>, or open one from a card's <b>All sources</b> pages.")
CLOSED = N_("This outlet has closed.")
RATED_BY = N_("<i>Bias ratings: {raters}. ℹ️ shows an outlet's, with its page and date.</i>")
MAX_CITED = 80  # characters of a source's name shown
MAX_RATERS = 3  # raters named under a sources page

# Telegram makes "/word" a tappable command where it starts the text or follows a space or an opening bracket or
# quote ("(Media Bias/Fact Check /reuters/)"); a word joiner after the slash prevents it.
_COMMAND = re.compile(r"(?<![^\s(\[{\"'«“‘])/(?=\w)")


def _e(text: str) -> str:
    return escape(text, quote=False)


def inert(text: str) -> str:
    """Outside text, escaped for Telegram HTML, with no "/word" that Telegram would turn into a command a tap sends."""
    return _COMMAND.sub("/\u2060", _e(text))


def _cited(where: Provenance | None) -> str:
    """"<i>(<a href=page>AllSides</a>, 2025-09-11)</i>": who rated it, linked to the page it was read from, and
    when; "" when nobody is named."""
    if where is None or not where.source:
        return ""
    name = inert(where.source[:MAX_CITED])
    cited = f'<a href="{escape(where.url, quote=True)}">{name}</a>' if where.url else name
    return f" <i>({cited}{', ' + _e(where.checked_on) if where.checked_on else ''})</i>"


def outlet_card(profile: OutletProfile) -> str:
    outlet = profile.outlet
    lines = [f"🏛 <b>{inert(profile.name)}</b>"]
    if outlet and outlet.closed:
        lines.append(_(CLOSED))
    bias = _(BIAS_NAMES[outlet.bias]) if outlet and outlet.bias else _(NOT_RATED)
    lines.append(_("Bias: {value}").format(value=f"<b>{bias}</b>")
                 + (_cited(outlet.bias_from) if outlet and outlet.bias else ""))
    level = outlet.factuality if outlet and outlet.factuality else None
    factuality = (_(FACTUALITY_NAMES[level]) if level in FACTUALITY_NAMES else _e(level)) if level else _(NOT_RATED)
    lines.append(_("Factuality: {value}").format(value=f"<b>{factuality}</b>")
                 + (_cited(outlet.factuality_from) if outlet and level else ""))
    lines.append(_("Country: {country}").format(country=inert(outlet.country) if outlet and outlet.country
                                                else _(NOT_KNOWN)))
    owner = inert(outlet.owner) + _cited(outlet.owner_from) if outlet and outlet.owner else _(NOT_KNOWN)
    lines.append(_("Owner: {owner}").format(owner=owner))
    lines.append(ngettext("Today: covered {count} story", "Today: covered {count} stories", profile.today).format(
        count=number(profile.today)))
    if profile.in_story:
        lines.append("\n" + _("<b>In this story:</b>"))
        lines.extend(f"• {link(title, url, MAX_HEADLINE)}" for title, url in profile.in_story)
    return "\n".join(lines)


def raters_line(raters: Sequence[str]) -> str:
    """Under a sources page: who rated the bias marks on it ("" when nobody did)."""
    if not raters:
        return ""
    named = [inert(rater[:MAX_CITED]) for rater in raters[:MAX_RATERS]]
    return _(RATED_BY).format(raters=", ".join(named) + (", …" if len(raters) > MAX_RATERS else ""))


def unknown_outlet(name: str, lookup: Lookup) -> str:
    text = _(UNKNOWN_OUTLET).format(name=inert(name))
    if lookup.suggestions:
        text += " " + _(MAYBE).format(names=", ".join(f"<code>/source {_e(n)}</code>" for n in lookup.suggestions))
    return f"{text}\n{_(SOURCE_HOW)}"
