"""Stable story identity across a refinement pass: new groups matched to existing stories by overlap (pure).

Each existing story has a *home*: the new group that holds most of its articles (ties: the group
seen first). A group takes the oldest of the stories whose home it is, and the others are merged
into it (their ids become aliases of the survivor). A group that is no story's home is a part split
off, and gets a new id; so a story that splits keeps its id on its larger part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import ne

__all__ = ["Revision", "match_groups"]


@dataclass(frozen=True, slots=True)
class Revision:
    """What a pass changed. `stories` is the story after the pass of every member it examined, in member order."""

    stories: tuple[str, ...]
    moved: int  # members whose story changed (churn)
    merges: tuple[tuple[str, str], ...]  # (absorbed, survivor)
    splits: tuple[tuple[str, str], ...]  # (new story, the story it split from)
    articles: tuple[str, ...] = ()  # the members' article keys, in member order (when the caller gave them)

    def changes(self) -> list[tuple[str, str]]:
        """(article, its story now) for the articles the pass examined, in member order."""
        return list(zip(self.articles, self.stories, strict=True))


def match_groups(
    current: Sequence[str], labels: Sequence[int], age: Mapping[str, tuple[float, str]], new_key: Callable[[], str],
    articles: Sequence[str] = (),
) -> Revision:
    """`current[i]` is member i's story now, `labels[i]` its new group; `age` orders stories, oldest first."""
    overlap: dict[str, Counter[int]] = {}
    origins: dict[int, Counter[str]] = {}
    for (story, group), count in Counter(zip(current, labels, strict=True)).items():  # pairs in first-seen order
        overlap.setdefault(story, Counter())[group] = count
        origins.setdefault(group, Counter())[story] = count
    homes: dict[int, list[str]] = {}
    for story, counts in overlap.items():
        best = max(counts.items(), key=lambda gc: (gc[1], -gc[0]))[0]
        homes.setdefault(best, []).append(story)
    names: dict[int, str] = {}
    merges: list[tuple[str, str]] = []
    splits: list[tuple[str, str]] = []
    for group in dict.fromkeys(labels):
        stories = sorted(homes.get(group, []), key=lambda s: age.get(s, (0.0, s)))
        if stories:
            names[group] = stories[0]
            merges += [(other, stories[0]) for other in stories[1:]]
        else:
            names[group] = new_key()
            splits.append((names[group], origins[group].most_common(1)[0][0]))
    after = tuple(map(names.__getitem__, labels))
    moved = sum(map(ne, current, after))
    return Revision(after, moved, tuple(merges), tuple(splits), tuple(articles))
