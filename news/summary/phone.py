"""How many lines a text takes on a phone (pure): the measure that keeps a card's bullets to one or two lines.

Telegram on a phone 390 points wide (an iPhone 13-15, most Android phones at their default scale) shows about
PHONE_LINE_CHARS characters of message text per line at the default text size; lines wrap at spaces, never at a
no-break space, and an emoji is as wide as two letters. It is an estimate (proportional fonts: "iiii" is
narrower than "MMMM"), used the same way by the card (news.summary.lines) and by bench/card_lines.py.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PHONE_LINE_CHARS", "phone_lines"]

PHONE_LINE_CHARS = 36


def _width(word: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) or c == "\ufe0f"
               else 1 for c in word)


def phone_lines(text: str, width: int = PHONE_LINE_CHARS) -> int:
    """Lines the text wraps to, each of its own lines wrapped at spaces (a word longer than a line breaks)."""
    total = 0
    for line in text.split("\n"):
        used, rows = 0, 1
        for word in line.split(" "):
            size = _width(word)
            if used and used + 1 + size > width:
                rows, used = rows + 1, 0
            used += size + (1 if used else 0)
            while used > width:
                rows, used = rows + 1, used - width
        total += rows
    return total
