"""The search's spelling vocabulary: the words of the search window's headlines, kept in memory and brought up
to date from the articles added since it last looked (news.spelling).

It is rebuilt from scratch once its window start is a window old, so it holds about two windows of headlines
at most, whatever the archive's size. Each process keeps its own; nothing is stored.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.orm import Session

from news.spelling import Vocabulary
from storage.search import SearchWindow, titles_after

__all__ = ["HeadlineWords"]


class HeadlineWords:
    def __init__(self, span: timedelta) -> None:
        self.span = span
        self._vocabulary = Vocabulary()
        self._last_id = 0
        self._since: SearchWindow | None = None
        self._lock = threading.Lock()  # searches run in worker threads

    def correct(self, session: Session, word: str, window: SearchWindow) -> str | None:
        """The headline word `word` most likely misspells (news.spelling.Vocabulary.correct), or None."""
        with self._lock:
            if self._since is None or window.fetched_since - self._since.fetched_since > self.span:
                self._vocabulary, self._last_id, self._since = Vocabulary(), 0, window
            rows = titles_after(session, self._last_id, self._since)
            if rows:
                self._vocabulary.add(title for _, title in rows)
                self._last_id = rows[-1][0]
            return self._vocabulary.correct(word)
