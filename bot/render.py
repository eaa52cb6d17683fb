"""Story cards and digests as Telegram HTML (pure). Every outside string is escaped here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape, unescape
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, day, ngettext, number
from news.coverage import MIN_RATED_FOR_SHARES
from news.sources import FACTUALITY_LEVELS
from news.summary import report_day
from news.types import Coverage, SourceLine, StoryView

__all__ = [
    "BAR_CELLS",
    "FACTUALITY_NAMES",
    "MAX_BULLET",
    "MAX_CAPTION",
    "MAX_HEADLINE",
    "MAX_MESSAGE",
    "MAX_NAME",
    "MAX_URL",
    "SIDE_MARK",
    "SOURCES_PER_PAGE",
    "TAG",
    "bias_bar",
    "caption_fits",
    "counts_line",
    "dateline",
    "link",
    "pack",
    "sources_page",
    "story_card",
    "to_plain",
]

MAX_MESSAGE = 4096
BAR_CELLS = 10
MAX_HEADLINE = 300
MAX_BULLET = 400
MAX_BULLETS = 3
UTC_ZONE = ZoneInfo("UTC")
MAX_NAME = 60
MAX_URL = 2000
SOURCES_PER_PAGE = 8
# Squares every theme shows: white and grey ones vanish on Telegram's light or dark bubbles.
SIDE_MARK = {"left": "🟦", "center": "🟪", "right": "🟥"}
UNRATED_MARK = "❔"
# The outlet table's factuality levels and the sides a blindspot can be on, as the reader's language says them.
FACTUALITY_NAMES = {"very high": N_("very high"), "high": N_("high"), "mostly factual": N_("mostly factual"),
                    "mixed": N_("mixed"), "low": N_("low")}
BLINDSPOT = {"left": N_("⚠️ Blindspot: little left coverage"), "right": N_("⚠️ Blindspot: little right coverage")}
SIDE_SHARES = {"left": N_("Left {share}%"), "center": N_("Center {share}%"), "right": N_("Right {share}%")}
NBSP = "\u00a0"


def _unbroken(phrase: str) -> str:
    """A phrase a phone never wraps inside ("Right 29%"): its spaces made non-breaking."""
    return phrase.replace(" ", NBSP)


def _phrases(phrases: Iterable[str]) -> str:
    """Phrases joined by " · ", a line break allowed only after a dot, never inside a phrase or before a dot."""
    return f"{NBSP}· ".join(_unbroken(phrase) for phrase in phrases)


def _e(text: str) -> str:
    return escape(text, quote=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _href(url: str) -> str | None:
    """A URL fit for <a href>: http(s), no spaces, not absurdly long; None otherwise."""
    url = url.strip()
    if len(url) > MAX_URL or not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return None
    return url


def link(label: str, url: str, limit: int = MAX_NAME) -> str:
    """An escaped link, or just the escaped label when the URL can't be linked."""
    href = _href(url)
    shown = _e(_clip(label, limit))
    return f'<a href="{_e(href)}">{shown}</a>' if href else shown


def bias_bar(coverage: Coverage) -> str:
    """A compact bar of the rated outlets, e.g. '🟦🟦🟪🟪🟪🟪🟪🟪🟥🟥', empty below MIN_RATED_FOR_SHARES."""
    if coverage.rated < MIN_RATED_FOR_SHARES:
        return ""
    left, center, right = coverage.percentages()
    cells = [round(left * BAR_CELLS / 100), round(center * BAR_CELLS / 100), round(right * BAR_CELLS / 100)]
    cells[1] = max(0, BAR_CELLS - cells[0] - cells[2])
    return SIDE_MARK["left"] * cells[0] + SIDE_MARK["center"] * cells[1] + SIDE_MARK["right"] * cells[2]


def counts_line(view: StoryView) -> str:
    """"9 articles · 8 sources", and "· 5 original" when some sources only repost another's text."""
    articles = ngettext("{count} article", "{count} articles", view.article_count)
    sources = ngettext("{count} source", "{count} sources", view.source_count)
    line = f"{articles.format(count=number(view.article_count))} · {sources.format(count=number(view.source_count))}"
    original = view.source_count - view.reposting
    if 0 < view.reposting <= view.source_count:
        line += " · " + ngettext("{count} original", "{count} original", original).format(count=number(original))
    return line


def dateline(view: StoryView, zone: ZoneInfo) -> str:
    """ "HOUSTON, JUL 31" ("HOUSTON, 31 JUL" in Spanish): the wire's place, and the first report's day in `zone`."""
    when = day(report_day(view, zone), N_("MMM d")).upper()
    return f"{view.place}, {when}" if view.place else when


def bias_line(coverage: Coverage) -> str:
    """"Left 67% · Center 27% · Right 6% of 15 rated": the shares say whose outlets they count. Below
    MIN_RATED_FOR_SHARES only the count, "2 of 8 sources rated"; "" when none is. Wraps only after a dot."""
    sources = coverage.rated + coverage.unrated
    if coverage.rated == 0:
        return ""
    if coverage.rated < MIN_RATED_FOR_SHARES:
        return _unbroken(ngettext("{rated} of {count} source rated", "{rated} of {count} sources rated",
                                  sources).format(rated=number(coverage.rated), count=number(sources)))
    shares = [_(SIDE_SHARES[side]).format(share=number(share))
              for side, share in zip(("left", "center", "right"), coverage.percentages(), strict=True)]
    rated = _("of {rated} rated").format(rated=number(coverage.rated))
    return _phrases(shares) + " " + _unbroken(rated)


def factuality_line(coverage: Coverage) -> str:
    """"Factuality: 5 high · 3 mixed of 8 rated", most factual first; "" when none is rated."""
    mix = coverage.factuality
    if not mix:
        return ""
    order = [level for level in FACTUALITY_LEVELS if mix.get(level)] + sorted(set(mix) - set(FACTUALITY_LEVELS))
    levels = _phrases(f"{number(mix[level])} {_e(_(FACTUALITY_NAMES[level]) if level in FACTUALITY_NAMES else level)}"
                      for level in order)
    return _("Factuality: {levels} of {rated} rated").format(levels=levels, rated=number(sum(mix.values())))


def story_card(view: StoryView, *, zone: ZoneInfo = UTC_ZONE, compact: bool = False) -> str:
    """One story as Telegram HTML, its dateline in the reader's `zone`. `compact` is the digest form: no
    bullets (the first one only when the story has no lede)."""
    lines = [f"<b>{link(view.headline, view.headline_url, MAX_HEADLINE)}</b>"]
    place_day = _e(dateline(view, zone))
    lines.append(f"{place_day} – {_e(_clip(view.lede, MAX_BULLET))}" if view.lede else place_day)
    bullets = view.bullets[: (0 if view.lede else 1) if compact else MAX_BULLETS]
    lines.extend(f"• {_e(_clip(bullet, MAX_BULLET))}" for bullet in bullets)
    grown = _("+{count} since your last digest").format(count=number(view.new_sources))
    lines.append(counts_line(view) + (f" · {grown}" if view.new_sources else ""))
    if side_line := bias_line(view.coverage):
        lines.append(f"{bar} {side_line}" if (bar := bias_bar(view.coverage)) else side_line)
    if (blindspot := BLINDSPOT.get(view.coverage.blindspot or "")) is not None:
        lines.append(_(blindspot))
    if not compact and (factuality := factuality_line(view.coverage)):
        lines.append(factuality)
    links = view.links[:3] if compact else view.links
    if links:
        lines.append(" · ".join(link(name, url) for name, url in links))
    return "\n".join(lines)


def sources_page(headline: str, sources: Sequence[SourceLine], page: int,
                 intro: Sequence[str] = ()) -> tuple[str, int, int]:
    """Page `page` (clamped) of every outlet's headline and link: (html, page, pages). An outlet that reposts
    another's text follows it, indented, with a link to its copy; `intro` (HTML lines) heads the first page."""
    pages = max(1, -(-len(sources) // SOURCES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = sources[page * SOURCES_PER_PAGE : (page + 1) * SOURCES_PER_PAGE]
    heading = ngettext("All {count} source · page {page}/{pages}", "All {count} sources · page {page}/{pages}",
                       len(sources)).format(count=number(len(sources)), page=number(page + 1), pages=number(pages))
    lines = [f"<b>{_e(_clip(headline, MAX_HEADLINE))}</b>", heading, *(intro if page == 0 else ()), ""]
    lines.extend(_source_line(item) for item in shown)
    return "\n".join(lines), page, pages


def _source_line(item: SourceLine) -> str:
    mark = SIDE_MARK.get(item.side or "", UNRATED_MARK)
    outlet = f"{mark} <b>{_e(_clip(item.outlet, MAX_NAME))}</b>"
    if item.repost_of:
        reposts = _("reposts {outlet}").format(outlet=_clip(item.repost_of, MAX_NAME))
        line = f"    ↳ {outlet}: {link(reposts, item.url, MAX_HEADLINE)}"
    else:
        line = f"{outlet}: {link(item.title, item.url, MAX_HEADLINE)}"
    if item.reposted_by:
        line += " · " + _e(ngettext("reposted by {count}", "reposted by {count}", item.reposted_by)
                           .format(count=number(item.reposted_by)))
    return line


def pack(blocks: Iterable[str], limit: int = MAX_MESSAGE, separator: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit; a block that alone is too long is cut at a line."""
    return _greedy((piece for block in blocks for piece in _fit(block, limit)), limit, separator)


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    lines = [
        # cutting markup could split a tag: show an overlong line as plain text (escaping grows text at most 5x)
        _e(_clip(to_plain(line), limit // 6)) if len(line) > limit else line
        for line in block.split("\n")
    ]
    return _greedy(lines, limit, "\n")


def _greedy(parts: Iterable[str], limit: int, separator: str) -> list[str]:
    """Fill each message with whole parts (each at most `limit` long) while they fit."""
    messages: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = part
    if current:
        messages.append(current)
    return messages


TAG = re.compile(r"<[^>]+>")


MAX_CAPTION = 1024  # a photo's caption, in UTF-16 code units of its text after parsing, as Telegram counts


def caption_fits(html_text: str) -> bool:
    """Whether this HTML, once parsed, fits a photo's caption."""
    return len(unescape(TAG.sub("", html_text)).encode("utf-16-le")) // 2 <= MAX_CAPTION


def to_plain(html_text: str) -> str:
    """Telegram HTML -> terminal text (links keep their URL in brackets)."""
    with_urls = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} [{m.group(1)}]", html_text)
    return unescape(TAG.sub("", with_urls))
