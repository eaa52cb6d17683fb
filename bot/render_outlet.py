"""An outlet's profile card as Telegram HTML (pure). Every outside string is escaped here."""

from __future__ import annotations

from html import escape

from app.outlets import Lookup, OutletProfile, rating_sources
from bot.render import MAX_HEADLINE, link
from news.types import Bias

__all__ = ["BIAS_NAMES", "UNKNOWN_OUTLET", "outlet_card", "unknown_outlet"]

BIAS_NAMES = {Bias.LEFT: "Left", Bias.LEAN_LEFT: "Lean left", Bias.CENTER: "Center", Bias.LEAN_RIGHT: "Lean right",
              Bias.RIGHT: "Right"}
NOT_RATED = "not rated"
UNKNOWN_OUTLET = "I don't know an outlet called <i>{name}</i>."
MAYBE = "Maybe: {names}."
SOURCE_HOW = "Try <code>/source Reuters</code>, or open one from a card's <b>All sources</b> pages."


def _e(text: str) -> str:
    return escape(text, quote=False)


def _stories(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def outlet_card(profile: OutletProfile) -> str:
    outlet = profile.outlet
    lines = [f"🏛 <b>{_e(profile.name)}</b>"]
    bias_from, factuality_from = rating_sources(outlet) if outlet else ("", "")
    bias = BIAS_NAMES[outlet.bias] if outlet and outlet.bias else NOT_RATED
    lines.append(f"Bias: <b>{bias}</b>" + (f" <i>({_e(bias_from)})</i>" if outlet and outlet.bias and bias_from
                                          else ""))
    factuality = outlet.factuality if outlet and outlet.factuality else NOT_RATED
    lines.append(f"Factuality: <b>{_e(factuality)}</b>"
                 + (f" <i>({_e(factuality_from)})</i>" if outlet and outlet.factuality and factuality_from else ""))
    lines.append(f"Country: {_e(outlet.country) if outlet and outlet.country else 'not known'}")
    lines.append(f"Owner: {_e(outlet.owner) if outlet and outlet.owner else 'not known'}")
    lines.append(f"Today: covered {_stories(profile.today)}")
    if profile.in_story:
        lines.append("\n<b>In this story:</b>")
        lines.extend(f"• {link(title, url, MAX_HEADLINE)}" for title, url in profile.in_story)
    return "\n".join(lines)


def unknown_outlet(name: str, lookup: Lookup) -> str:
    text = UNKNOWN_OUTLET.format(name=_e(name))
    if lookup.suggestions:
        text += " " + MAYBE.format(names=", ".join(f"<code>/source {_e(n)}</code>" for n in lookup.suggestions))
    return f"{text}\n{SOURCE_HOW}"
