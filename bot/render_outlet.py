"""An outlet's profile card as Telegram HTML (pure). Every outside string is escaped here."""

from __future__ import annotations

from html import escape

from app.outlets import Lookup, OutletProfile, rating_sources
from bot.i18n import N_, _, ngettext, number
from bot.render import FACTUALITY_NAMES, MAX_HEADLINE, link
from news.types import Bias

__all__ = ["BIAS_NAMES", "UNKNOWN_OUTLET", "outlet_card", "unknown_outlet"]

BIAS_NAMES = {Bias.LEFT: N_("Left"), Bias.LEAN_LEFT: N_("Lean left"), Bias.CENTER: N_("Center"),
              Bias.LEAN_RIGHT: N_("Lean right"), Bias.RIGHT: N_("Right")}
NOT_RATED = N_("not rated")
NOT_KNOWN = N_("not known")
UNKNOWN_OUTLET = N_("I don't know an outlet called <i>{name}</i>.")
MAYBE = N_("Maybe: {names}.")
SOURCE_HOW = N_("Try <code>/source Reuters</code>, or open one from a card's <b>All sources</b> pages.")


def _e(text: str) -> str:
    return escape(text, quote=False)


def _rated(label: str, value: str, source: str) -> str:
    """"Bias: <b>Center</b> <i>(AllSides)</i>": the rating, and where it comes from when known."""
    return label.format(value=f"<b>{value}</b>") + (f" <i>({_e(source)})</i>" if source else "")


def outlet_card(profile: OutletProfile) -> str:
    outlet = profile.outlet
    lines = [f"🏛 <b>{_e(profile.name)}</b>"]
    bias_from, factuality_from = rating_sources(outlet) if outlet else ("", "")
    bias = _(BIAS_NAMES[outlet.bias]) if outlet and outlet.bias else _(NOT_RATED)
    lines.append(_rated(_("Bias: {value}"), bias, bias_from if outlet and outlet.bias else ""))
    level = outlet.factuality if outlet and outlet.factuality else None
    factuality = (_(FACTUALITY_NAMES[level]) if level in FACTUALITY_NAMES else _e(level)) if level else _(NOT_RATED)
    lines.append(_rated(_("Factuality: {value}"), factuality, factuality_from if level else ""))
    lines.append(_("Country: {country}").format(country=_e(outlet.country) if outlet and outlet.country
                                                else _(NOT_KNOWN)))
    lines.append(_("Owner: {owner}").format(owner=_e(outlet.owner) if outlet and outlet.owner else _(NOT_KNOWN)))
    lines.append(ngettext("Today: covered {count} story", "Today: covered {count} stories", profile.today).format(
        count=number(profile.today)))
    if profile.in_story:
        lines.append("\n" + _("<b>In this story:</b>"))
        lines.extend(f"• {link(title, url, MAX_HEADLINE)}" for title, url in profile.in_story)
    return "\n".join(lines)


def unknown_outlet(name: str, lookup: Lookup) -> str:
    text = _(UNKNOWN_OUTLET).format(name=_e(name))
    if lookup.suggestions:
        text += " " + _(MAYBE).format(names=", ".join(f"<code>/source {_e(n)}</code>" for n in lookup.suggestions))
    return f"{text}\n{_(SOURCE_HOW)}"
