"""The "Coverage" image: who covers the story (the left/center/right split of rated outlets) and when (articles
per hour since the story began), drawn for a phone (pure).

Telegram shows a photo about 360 px wide on a phone, half this image's width, so every text is drawn at twice
the size it should appear: the smallest at 26 px, seen as 13. The split bar has a legend naming every side with
its share and count, so a thin segment needs no label of its own (no split at all under MIN_RATED_FOR_SHARES
rated outlets, as on the card); the histogram has hour ticks. The title wraps at words, on at most three
lines, and never stops mid-word.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from bot.i18n import N_, _, ngettext, number
from news.coverage import MIN_RATED_FOR_SHARES
from news.types import Coverage

__all__ = ["BACKGROUND", "HISTOGRAM", "INK", "MAX_BARS", "MUTED", "SIDE_COLOURS", "WIDTH", "coverage_chart",
           "hourly_counts", "wrap"]

WIDTH = 720
MARGIN = 32
MAX_BARS = 36
TITLE_LINES = 3
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
SIDE_COLOURS = {"Left": (41, 98, 255), "Center": (134, 46, 156), "Right": (224, 49, 49)}
SIDE_NAMES = {"Left": N_("Left"), "Center": N_("Center"), "Right": N_("Right")}
BLINDSPOT = {"left": N_("Blindspot: little left coverage"), "right": N_("Blindspot: little right coverage")}
HISTOGRAM = (73, 80, 87)
LEGEND_ROW = 36
FONT_FILE = "DejaVuSans.ttf"  # found in the system's font folders by Pillow
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def hourly_counts(published: Sequence[datetime], now: datetime) -> tuple[list[int], int]:
    """Articles per bucket from the first article to `now`; buckets are whole hours, widened to keep
    at most MAX_BARS bars. Returns (counts, hours per bucket)."""
    if not published:
        return [], 1
    start = min(published).replace(minute=0, second=0, microsecond=0)
    end = max(max(published), now)
    hours = int((end - start) / timedelta(hours=1)) + 1
    width = max(1, -(-hours // MAX_BARS))
    counts = [0] * (-(-hours // width))
    for when in published:
        counts[min(len(counts) - 1, int((when - start) / timedelta(hours=width)))] += 1
    return counts, width


def wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float, lines: int = TITLE_LINES) -> list[str]:
    """`text` in lines no wider than `width`, broken between words; past `lines`, the last ends in "…" after a
    whole word. A single word wider than a line is cut (there is no word boundary to use)."""
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) <= lines:
        return [_clip_word(draw, line, font, width) for line in out]
    kept = out[: lines - 1]
    words = out[lines - 1].split()
    while len(words) > 1 and draw.textlength(" ".join(words) + " …", font=font) > width:
        words.pop()
    return [*kept, _clip_word(draw, " ".join(words), font, width - draw.textlength(" …", font=font)) + " …"]


def _clip_word(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> str:
    while len(text) > 1 and draw.textlength(text, font=font) > width:
        text = text[:-2] + "…"
    return text


@cache
def font_of(size: int) -> Font:
    """DejaVu Sans where the system has it (every Latin, Greek and Cyrillic letter: "Quién", "Müller", headlines
    in any of them); else Pillow's own font, which lacks accented letters."""
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:
        return ImageFont.load_default(size)


def coverage_chart(headline: str, coverage: Coverage, published: Sequence[datetime], now: datetime) -> bytes:
    """A PNG: the wrapped title, the split bar with its legend, then the articles-per-hour histogram."""
    title_font, font, small = font_of(38), font_of(30), font_of(26)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    title = wrap(probe, headline, title_font, WIDTH - 2 * MARGIN)
    top = MARGIN + len(title) * 48 + 16
    split = 180 + LEGEND_ROW * (len(_legend(probe, coverage, small)) - 1)  # a longer language takes two rows
    height = top + split + 330
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(title):
        draw.text((MARGIN, MARGIN + n * 48), line, fill=INK, font=title_font)
    _bias_bar(draw, coverage, top, font, small)
    _histogram(draw, published, now, top + split, height, small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _bias_bar(draw: ImageDraw.ImageDraw, coverage: Coverage, top: int, font: Font, small: Font) -> None:
    rated, sources = coverage.rated, coverage.rated + coverage.unrated
    heading = ngettext("Who covers it: {rated} of {count} source rated",
                       "Who covers it: {rated} of {count} sources rated", sources).format(
                           rated=number(rated), count=number(sources))
    draw.text((MARGIN, top), heading, fill=MUTED, font=small)
    top += 40
    left, bar_width, bar_height = MARGIN, WIDTH - 2 * MARGIN, 44
    if rated < MIN_RATED_FOR_SHARES:  # shares of so few outlets say nothing (news.coverage)
        draw.rectangle((left, top, left + bar_width, top + bar_height), outline=MUTED, width=2)
        note = _("No rated outlets yet") if rated == 0 else _("Too few rated outlets for shares")
        draw.text((left + 14, top + 6), note, fill=MUTED, font=font)
        return
    x = float(left)
    counts = (coverage.left, coverage.center, coverage.right)
    for colour, count in zip(SIDE_COLOURS.values(), counts, strict=True):
        span = bar_width * count / rated
        if span >= 1:
            draw.rectangle((round(x), top, round(x + span), top + bar_height), fill=colour)
        x += span
    rows = _legend(draw, coverage, small)
    for row, entries in enumerate(rows):
        legend_y = top + 62 + row * LEGEND_ROW
        for legend_x, colour, label in entries:
            draw.rectangle((round(legend_x), legend_y + 4, round(legend_x) + 24, legend_y + 28), fill=colour)
            draw.text((round(legend_x) + 32, legend_y), label, fill=INK, font=small)
    if (blindspot := BLINDSPOT.get(coverage.blindspot or "")) is not None:
        draw.text((MARGIN, top + 100 + (len(rows) - 1) * LEGEND_ROW), _(blindspot), fill=INK, font=small)


def _legend(draw: ImageDraw.ImageDraw, coverage: Coverage,
            small: Font) -> list[list[tuple[float, tuple[int, int, int], str]]]:
    """The legend's entries (x, colour, "Left 12% (2)") in rows: a second row when the language's words don't fit."""
    counts = (coverage.left, coverage.center, coverage.right)
    rows: list[list[tuple[float, tuple[int, int, int], str]]] = [[]]
    legend_x = float(MARGIN)
    for (name, colour), count, percent in zip(SIDE_COLOURS.items(), counts, coverage.percentages(), strict=True):
        side = _(SIDE_NAMES[name])
        label = f"{side} {number(percent)}% ({number(count)})"
        width = 32 + draw.textlength(label, font=small)
        if legend_x > MARGIN and legend_x + width > WIDTH - MARGIN:
            rows.append([])
            legend_x = float(MARGIN)
        rows[-1].append((legend_x, colour, label))
        legend_x += width + 28
    return rows


def _histogram(draw: ImageDraw.ImageDraw, published: Sequence[datetime], now: datetime, top: int, height: int,
               small: Font) -> None:
    counts, width = hourly_counts(published, now)
    per = ngettext("Articles per hour", "Articles per {count} hours", width).format(count=number(width))
    draw.text((MARGIN, top), per, fill=MUTED, font=small)
    base = height - MARGIN - 36
    chart_height = base - (top + 48)
    draw.line((MARGIN, base, WIDTH - MARGIN, base), fill=MUTED, width=2)
    if not counts:
        draw.text((MARGIN, base - 40), _("No dated articles"), fill=MUTED, font=small)
        return
    peak = max(counts)
    label = _("peak {count}").format(count=number(peak))
    draw.text((WIDTH - MARGIN - draw.textlength(label, font=small), top), label, fill=MUTED, font=small)
    slot = (WIDTH - 2 * MARGIN) / len(counts)
    for i, count in enumerate(counts):
        if count:
            bar_top = base - max(3, round(chart_height * count / peak))
            x0 = MARGIN + i * slot + slot * 0.12
            draw.rectangle((round(x0), bar_top, round(x0 + slot * 0.76), base), fill=HISTOGRAM)
    _ticks(draw, len(counts), width, slot, base, small)


def _ticks(draw: ImageDraw.ImageDraw, bars: int, width: int, slot: float, base: int, small: Font) -> None:
    """Hour ticks counted back from now: every 1, 3, 6, 12 or 24 h, whichever keeps four to seven labels."""
    hours = bars * width
    step = next((s for s in (1, 3, 6, 12, 24, 48) if hours / s <= 6), 96)
    for back in range(0, hours + 1, step):
        x = MARGIN + (bars - back / width) * slot
        if x < MARGIN - 1:
            break
        draw.line((round(x), base, round(x), base + 8), fill=MUTED, width=2)
        label = _("now") if back == 0 else _("-{hours}h").format(hours=number(back))
        label_width = draw.textlength(label, font=small)
        position = min(max(x - label_width / 2, MARGIN), WIDTH - MARGIN - label_width)
        draw.text((position, base + 8), label, fill=MUTED, font=small)
