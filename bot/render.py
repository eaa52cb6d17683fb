"""Story cards and digests as Telegram HTML (pure). Every outside string is escaped here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape, unescape

from news.types import Coverage, StoryView

MAX_MESSAGE = 4096
BAR_CELLS = 10


def _e(text: str) -> str:
    return escape(text, quote=True)


def bias_bar(coverage: Coverage) -> str:
    """A compact bar, e.g. '🟦🟦⬜⬜⬜⬜⬜⬜🟥🟥', empty when no outlet is rated."""
    if coverage.rated == 0:
        return ""
    left, center, right = coverage.percentages()
    cells = [round(left * BAR_CELLS / 100), round(center * BAR_CELLS / 100), round(right * BAR_CELLS / 100)]
    cells[1] = max(0, BAR_CELLS - cells[0] - cells[2])
    return "🟦" * cells[0] + "⬜" * cells[1] + "🟥" * cells[2]


def counts_line(view: StoryView) -> str:
    articles = f"{view.article_count} article{'s' if view.article_count != 1 else ''}"
    sources = f"{view.source_count} source{'s' if view.source_count != 1 else ''}"
    parts = [articles, sources]
    if view.coverage.rated:
        left, center, right = view.coverage.percentages()
        parts.append(f"Left {left}% · Center {center}% · Right {right}%")
    return " · ".join(parts)


def story_card(view: StoryView, *, compact: bool = False) -> str:
    """One story as Telegram HTML. `compact` is the digest form: no bullets past the first."""
    lines = [f'<b><a href="{_e(view.headline_url)}">{_e(view.headline)}</a></b>']
    headline = view.headline.casefold().rstrip(" .…")
    bullets = [b for b in view.bullets if b.casefold().rstrip(" .…") != headline]
    bullets = bullets[:1] if compact else bullets
    if bullets:
        lead = f"{_e(view.dateline)} – {_e(bullets[0])}" if view.dateline else _e(bullets[0])
        lines.append(lead)
        lines.extend(f"• {_e(b)}" for b in bullets[1:])
    elif view.dateline:
        lines.append(_e(view.dateline))
    lines.append(counts_line(view))
    extra = []
    if bar := bias_bar(view.coverage):
        extra.append(bar)
    if view.coverage.unrated:
        extra.append(f"{view.coverage.unrated} unrated")
    if view.coverage.blindspot:
        extra.append(f"⚠️ Blindspot: little {view.coverage.blindspot} coverage")
    if view.new_sources:
        extra.append(f"+{view.new_sources} sources since last digest")
    if extra:
        lines.append(" · ".join(extra))
    links = view.links[:3] if compact else view.links
    if links:
        lines.append(" · ".join(f'<a href="{_e(url)}">{_e(name)}</a>' for name, url in links))
    return "\n".join(lines)


def digest_messages(sections: Sequence[tuple[str, Sequence[StoryView]]], title: str) -> list[str]:
    """A digest split into messages of at most 4096 characters, only between stories."""
    blocks = [f"<b>{_e(title)}</b>"]
    for topic, views in sections:
        for i, view in enumerate(views):
            header = f"🔹 <b>{_e(topic)}</b>\n" if i == 0 else ""
            blocks.append(header + story_card(view, compact=True))
    return pack(blocks)


def pack(blocks: Iterable[str], limit: int = MAX_MESSAGE, separator: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit; a block that alone is too long is cut at a line."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}{separator}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        line = line if len(line) <= limit else line[: limit - 1] + "…"  # only reached by plain text lines
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


TAG = re.compile(r"<[^>]+>")


def to_plain(html_text: str) -> str:
    """Telegram HTML -> terminal text (links keep their URL in brackets)."""
    with_urls = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} [{m.group(1)}]", html_text)
    return unescape(TAG.sub("", with_urls))
