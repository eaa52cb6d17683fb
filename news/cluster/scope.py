"""Which open stories a refinement pass looks at: the touched ones and their neighbourhoods (pure).

A pass regroups only what may have changed. A story nobody touched since the last pass was already
compared with its neighbours then, and found apart from them; comparing it again can only find what
the IDF drifted by since. So a pass takes the stories *touched* since the last one (they gained
articles, merged, or were rebuilt by the last pass) and, for each, its neighbourhood: the open
stories the online path's own candidate retrieval finds for its centroid (the inverted index over
rare terms, and the nearest embedding centroids in hybrid mode). A chain (a touched story merges
with a neighbour, which is close to a third story) continues at the next pass, since the merged
story counts as touched then. The cost of a pass follows what arrived since the last one, not the
size of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

__all__ = ["pass_scope"]


def pass_scope(
    touched: Collection[str], stories: Mapping[str, object], neighbours: Callable[[str], Iterable[str]]
) -> list[str]:
    """The open stories (keys of `stories`, in its order) that are touched or neighbour a touched one."""
    wanted = {key for key in touched if key in stories}
    for key in list(wanted):
        wanted.update(other for other in neighbours(key) if other in stories)
    if len(wanted) == len(stories):
        return list(stories)
    return [key for key in stories if key in wanted]
