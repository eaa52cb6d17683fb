"""Each story's sections, after every clustering pass; the section model keeps learning from labelled feeds.

The model (news.sections) starts from the shipped seed, or from what it had learned before a restart (stored in
the database). After a pass it learns from the pass's new articles whose feed or entry category names a section
(each article once), then lists each story the pass touched under its sections. What it learned is saved every
SAVE_EVERY, and when the process stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.clustering import ClusterSummary
from app.tx import Transactions
from news.sections import SectionModel, learn_from_feeds, load_seed_model, story_sections
from storage import states
from storage import stories as story_store

__all__ = ["MODEL_NAME", "SAVE_EVERY", "SectionTagger"]

log = logging.getLogger(__name__)
MODEL_NAME = "sections"
SAVE_EVERY = timedelta(minutes=10)


class SectionTagger:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime]) -> None:
        self.tx, self.clock = tx, clock
        self._model: SectionModel | None = None
        self._saved_at: datetime | None = None
        self._unsaved = False
        self._lock = threading.Lock()  # the model is not thread-safe; passes may overlap

    def after_pass(self, summary: ClusterSummary) -> int:
        """Blocking (the clustering worker's thread): learn from the pass's articles, then list the stories it
        touched under their sections. Returns how many labelled articles were learned from."""
        if not summary.story_ids:
            return 0
        with self._lock:
            model = self._loaded()
            learned = self.tx.sync(self._tag, model, summary.article_ids, summary.story_ids)
            self._unsaved |= learned > 0
            if self._unsaved and (self._saved_at is None or self.clock() - self._saved_at >= SAVE_EVERY):
                self._save(model)
            return learned

    def save(self) -> None:
        """Keep what was learned (at a clean stop)."""
        with self._lock:
            if self._model is not None and self._unsaved:
                self._save(self._model)

    @staticmethod
    def _tag(session: Session, model: SectionModel, article_ids: Sequence[int], story_ids: Sequence[int]) -> int:
        learned = learn_from_feeds(model, story_store.articles_by_id(session, article_ids))
        articles = story_store.story_articles(session, story_ids)
        story_store.set_sections(session, {sid: story_sections(model, arts) for sid, arts in articles.items() if arts})
        return learned

    def _loaded(self) -> SectionModel:
        if self._model is None:
            saved = self.tx.sync(states.load_state, MODEL_NAME)
            try:
                self._model = SectionModel.from_bytes(saved) if saved else load_seed_model()
            except ValueError:  # a state another version wrote: start again from the seed
                log.warning("the saved section model is of another format: starting from the seed")
                self._model = load_seed_model()
        return self._model

    def _save(self, model: SectionModel) -> None:
        now = self.clock()
        self.tx.sync(states.save_state, MODEL_NAME, model.to_bytes(), now)
        self._saved_at, self._unsaved = now, False
