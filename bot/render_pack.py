"""Stories into messages (pure): as many whole stories in each message as Telegram's limit allows, and a
continuation message never carries a lone story (a phone shows one bubble with one card as an afterthought)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.render import MAX_MESSAGE, pack

__all__ = ["pack_stories", "split_stories"]


def split_stories(count: int, fits: Callable[[int, int, int], bool]) -> list[range]:
    """Which stories go in which message: as many as fit in each (`fits(message, start, stop)` says whether
    stories[start:stop] fit as that message), but a continuation never holds a single story: the message
    before gives it one more when it can spare one (keeping two itself, or one when it is the first)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < count:
        stop = start + 1
        while stop < count and fits(len(bounds), start, stop + 1):
            stop += 1
        bounds.append((start, stop))
        start = stop
    if len(bounds) >= 2:
        (first, middle), (_start, last) = bounds[-2], bounds[-1]
        spare = middle - first - (1 if len(bounds) == 2 else 2)
        if last - middle == 1 and spare >= 1 and fits(len(bounds) - 1, middle - 1, last):
            bounds[-2:] = [(first, middle - 1), (middle - 1, last)]
    return [range(a, b) for a, b in bounds]


def pack_stories(title: str, cards: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """A title and story cards in as few messages as fit, split only between stories (split_stories)."""
    def message(index: int, start: int, stop: int) -> str:
        return "\n\n".join(([title] if index == 0 else []) + list(cards[start:stop]))

    groups = split_stories(len(cards), lambda i, a, b: len(message(i, a, b)) <= limit)
    return [part for i, group in enumerate(groups) for part in pack([message(i, group.start, group.stop)], limit)]
