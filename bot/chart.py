"""The "Coverage" image: the left/center/right split as a bar, and articles per hour since the story began (pure)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFont

from news.types import Coverage

__all__ = [
    "BACKGROUND",
    "HISTOGRAM",
    "INK",
    "MARGIN",
    "MAX_BARS",
    "MUTED",
    "SIDE_COLOURS",
    "coverage_chart",
    "hourly_counts",
]

WIDTH, HEIGHT = 720, 400
MARGIN = 24
MAX_BARS = 48
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (134, 142, 150)
SIDE_COLOURS = {"Left": (41, 98, 255), "Center": (173, 181, 189), "Right": (224, 49, 49)}
HISTOGRAM = (73, 80, 87)


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


def coverage_chart(headline: str, coverage: Coverage, published: Sequence[datetime], now: datetime) -> bytes:
    """A PNG: title, the bias split bar with percentages and the unrated count, then the hourly histogram."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, font, small = _font(20), _font(16), _font(13)
    draw.text((MARGIN, MARGIN), _fit(draw, headline, title_font, WIDTH - 2 * MARGIN), fill=INK, font=title_font)
    _bias_bar(draw, coverage, MARGIN + 44, font, small)
    _histogram(draw, published, now, 190, font, small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
         width: int) -> str:
    text = " ".join(text.split())
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _bias_bar(draw: ImageDraw.ImageDraw, coverage: Coverage, top: int, font: ImageFont.FreeTypeFont |
              ImageFont.ImageFont, small: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    draw.text((MARGIN, top), "Who covers it (rated outlets)", fill=MUTED, font=small)
    top += 22
    left, bar_width, height = MARGIN, WIDTH - 2 * MARGIN, 36
    if coverage.rated == 0:
        draw.rectangle((left, top, left + bar_width, top + height), outline=MUTED)
        draw.text((left + 10, top + 9), "No rated outlets yet", fill=MUTED, font=font)
    else:
        x = float(left)
        for (name, colour), share, percent in zip(
            SIDE_COLOURS.items(), (coverage.left, coverage.center, coverage.right), coverage.percentages(),
            strict=True,
        ):
            span = bar_width * share / coverage.rated
            if span >= 1:
                draw.rectangle((round(x), top, round(x + span), top + height), fill=colour)
                label = f"{name} {percent}%"
                if draw.textlength(label, font=font) + 12 < span:
                    draw.text((round(x) + 8, top + 9), label, fill=BACKGROUND, font=font)
            x += span
    note = f"{coverage.left} left · {coverage.center} center · {coverage.right} right · {coverage.unrated} unrated"
    if coverage.blindspot:
        note += f" · blindspot: little {coverage.blindspot} coverage"
    draw.text((MARGIN, top + height + 8), note, fill=INK, font=small)


def _histogram(draw: ImageDraw.ImageDraw, published: Sequence[datetime], now: datetime, top: int,
               font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
               small: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    counts, width = hourly_counts(published, now)
    unit = "hour" if width == 1 else f"{width} hours"
    draw.text((MARGIN, top), f"Articles per {unit} since the story began", fill=MUTED, font=small)
    base, chart_height = HEIGHT - MARGIN - 18, HEIGHT - MARGIN - 18 - (top + 24)
    draw.line((MARGIN, base, WIDTH - MARGIN, base), fill=MUTED)
    if not counts:
        draw.text((MARGIN, base - 24), "No dated articles", fill=MUTED, font=font)
        return
    peak = max(counts)
    slot = (WIDTH - 2 * MARGIN) / len(counts)
    for i, count in enumerate(counts):
        if count:
            bar_top = base - max(2, round(chart_height * count / peak))
            x0 = MARGIN + i * slot + slot * 0.15
            draw.rectangle((round(x0), bar_top, round(x0 + slot * 0.7), base), fill=HISTOGRAM)
    draw.text((MARGIN, base + 4), f"{len(counts) * width} h ago", fill=MUTED, font=small)
    draw.text((WIDTH - MARGIN - 30, base + 4), "now", fill=MUTED, font=small)
    draw.text((WIDTH - MARGIN - 60, top), f"peak {peak}", fill=MUTED, font=small)
