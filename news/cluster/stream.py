"""A whole stream through the product's path: online assignment, refinement paced by `published` (pure).

`cluster_stream` plays the records as if they arrived live, in the given order: each item is
assigned at once (its *online* story), and whenever the items' `published` clock has moved
`refine_every_minutes` past the last pass, the open window is refined before the next item, as the
worker's job does every few minutes. When the stream ends, one last pass runs (the worker's next
tick). Each item's *final* story is the one it has at the end, merges followed to their survivor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from news.cluster.online import DEFAULT_PARAMS, OnlineClusterer
from news.cluster.params import ClusterParams
from news.types import ClusterItem

if TYPE_CHECKING:
    from news.embed import Encoder

__all__ = ["StreamResult", "cluster_records", "cluster_stream"]


@dataclass
class StreamResult:
    online: dict[str, str] = field(default_factory=dict)  # item -> story right after its online assignment
    final: dict[str, str] = field(default_factory=dict)  # item -> story at the end
    churn: list[tuple[int, int]] = field(default_factory=list)  # per pass: (open articles, articles moved)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _item(rec: Mapping[str, Any]) -> ClusterItem:
    return ClusterItem(
        key=str(rec["id"]),
        title=str(rec.get("title") or ""),
        summary=str(rec.get("summary") or ""),
        source=str(rec.get("source") or ""),
        published=_parse_time(rec.get("published")),
    )


class _Run:
    def __init__(self, params: ClusterParams, encoder: Encoder | None) -> None:
        counter = iter(range(1, 1 << 62))
        self.clusterer = OnlineClusterer(params, new_key=lambda: f"s{next(counter)}", encoder=encoder)
        self.every = params.refine_every_minutes * 60.0
        self.result = StreamResult()
        self.aliases: dict[str, str] = {}
        self.last_pass: float | None = None

    def add(self, items: list[ClusterItem]) -> None:
        embeddings = self.clusterer.encode(items)  # one encoder call per batch, as the scheduler does
        for item, embedding in zip(items, embeddings, strict=True):
            if item.published is not None and self.every > 0:
                when = item.published.timestamp()
                if self.last_pass is None:
                    self.last_pass = when
                elif when - self.last_pass >= self.every:
                    self.refine()
                    self.last_pass = when
            key = self.clusterer.assign(item, embedding)
            self.result.online[item.key] = self.result.final[item.key] = key
            self._follow_merges()

    def refine(self) -> None:
        revision = self.clusterer.refine()
        self.result.churn.append((self.clusterer.open_articles, revision.moved))
        self.aliases.update(revision.merges)
        self.result.final.update(revision.changes())  # only the articles the pass examined can have moved

    def finish(self) -> StreamResult:
        if self.every > 0:
            self.refine()
        final = self.result.final
        for item, key in final.items():
            seen = 0
            while key in self.aliases and seen < 1000:
                key, seen = self.aliases[key], seen + 1
            final[item] = key
        return self.result

    def _follow_merges(self) -> None:
        self.aliases.update(self.clusterer.drain_merges())


def cluster_stream(
    records: Iterable[Mapping[str, Any]],
    params: ClusterParams = DEFAULT_PARAMS,
    encoder: Encoder | None = None,
    batch: int = 2048,
) -> StreamResult:
    """records are dicts with id, title, summary, source, url, published (ISO-8601 string or None),
    processed in the given order. Story keys are "s1", "s2", ... in order of creation (reproducible).
    With an encoder, items are embedded `batch` at a time (hybrid mode)."""
    run = _Run(params, encoder)
    pending: list[ClusterItem] = []
    for rec in records:
        pending.append(_item(rec))
        if len(pending) >= (batch if encoder is not None else 1):
            run.add(pending)
            pending = []
    run.add(pending)
    return run.finish()


def cluster_records(
    records: Iterable[Mapping[str, Any]],
    params: ClusterParams = DEFAULT_PARAMS,
    encoder: Encoder | None = None,
    batch: int = 2048,
) -> Iterator[tuple[str, str]]:
    """(id, final story) for each record, in the given order (see `cluster_stream`)."""
    result = cluster_stream(records, params, encoder, batch)
    yield from result.final.items()
