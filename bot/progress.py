"""Terminal output for operators: fetch progress and feed health (rich on a terminal, plain lines otherwise)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.feeds import FeedOutcome, FetchSummary, Ingestor
from app.operators import FeedHealth

__all__ = ["fetch_with_progress", "print_feed_health"]

log = logging.getLogger("storybot.fetch")


async def fetch_with_progress(ingestor: Ingestor, interactive: bool) -> FetchSummary:
    """A rich progress bar on a terminal; plain log lines otherwise (the caller prints the one-line summary)."""
    return await (_with_bar(ingestor) if interactive else _with_log_lines(ingestor))


async def _with_log_lines(ingestor: Ingestor) -> FetchSummary:
    done = total = 0

    def log_start(count: int) -> None:
        nonlocal total
        total = count
        log.info("fetching %d due feeds", count)

    def log_line(outcome: FeedOutcome) -> None:
        nonlocal done
        done += 1
        if done % 100 == 0 or done == total:  # failures are logged by the ingestor itself
            log.info("%d of %d feeds done", done, total)

    return await ingestor.fetch_due(log_line, on_start=log_start)


async def _with_bar(ingestor: Ingestor) -> FetchSummary:
    new = failed = 0
    with Progress(TextColumn("fetching"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task("0 new articles, 0 failed", total=None)

        def advance(outcome: FeedOutcome) -> None:
            nonlocal new, failed
            new += outcome.new_articles
            failed += outcome.error is not None
            progress.update(task, advance=1, description=f"{new} new articles, {failed} failed")

        # Per-feed failure lines would tear the live bar; the bar counts them and `storybot feeds list` names them.
        ingest_log = logging.getLogger("app.feeds")
        level = ingest_log.level
        ingest_log.setLevel(max(logging.WARNING, ingest_log.getEffectiveLevel()))
        try:
            summary = await ingestor.fetch_due(advance, on_start=lambda count: progress.update(task, total=count))
        finally:
            ingest_log.setLevel(level)
    if failed:
        Console(stderr=True).print(f"{failed} feeds failed: `storybot feeds list` shows why")
    return summary


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def print_feed_health(rows: Sequence[FeedHealth]) -> None:
    table = Table(title=f"{len(rows)} feeds")
    for column in ("id", "status", "last success", "errors", "last error", "next check", "24h", "url"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(str(f.id), f.status, _when(f.last_success_at), str(f.error_count), (f.last_error or "")[:80],
                      _when(f.next_check_at), str(f.articles_24h), f.url)
    Console(width=200).print(table)
