"""Who broke a story and when each side joined, as the sources page and the coverage chart's caption say it
(pure; news.first_report finds it). Every outside string is escaped here."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, moment, ngettext, number
from news.first_report import FirstReport

__all__ = ["delay", "first_report_lines"]

SIDE_NAMES = {"left": N_("Left"), "center": N_("Center"), "right": N_("Right")}
MAX_OUTLET = 60
WITH_THE_FIRST = timedelta(minutes=1)  # a side whose first outlet came within this is there from the start


def delay(after: timedelta) -> str:
    """"45 min", "6 h", "3 days": rounded down, as a reader counts."""
    minutes = int(after.total_seconds() // 60)
    if minutes < 60:
        return ngettext("{count} min", "{count} min", minutes).format(count=number(minutes))
    hours = minutes // 60
    if hours < 48:
        return ngettext("{count} h", "{count} h", hours).format(count=number(hours))
    days = hours // 24
    return ngettext("{count} day", "{count} days", days).format(count=number(days))


def first_report_lines(report: FirstReport, zone: ZoneInfo) -> list[str]:
    """"First reported by Reuters, Jul 31, 14:02" (in the reader's zone), then each side's start:
    "Left: with the first report · Center: 2 h after · Right: not yet"."""
    when = moment(report.at.astimezone(zone), N_("MMM d, HH:mm"))
    outlet = escape(" ".join(report.outlet.split())[:MAX_OUTLET])
    lines = [_("First reported by {outlet}, {when}").format(outlet=outlet, when=when)]
    parts = []
    for side, after in report.joined:
        name = _(SIDE_NAMES[side])
        if after is None:
            parts.append(_("{side}: no outlet yet").format(side=name))
        elif after < WITH_THE_FIRST:
            parts.append(_("{side}: with the first report").format(side=name))
        else:
            parts.append(_("{side}: {delay} after the first report").format(side=name, delay=delay(after)))
    lines.append(" · ".join(parts))
    return lines
