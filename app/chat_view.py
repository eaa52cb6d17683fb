"""What a chat's readers need of it, read once and kept: its state, language, zone, times, topics and mutes.

Commands read a chat far more often than they change it, and every update that is answered needs at least its
language. `ChatViews` keeps each chat's `ChatView` in memory, keyed by the chat's `version` (storage.chats: every
write of settings, topics, mutes or state bumps it, in the writer's own transaction). A read looks the chat's row
up by primary key (a handful of columns, its version among them) and loads its topics and mutes only when the
version is not the one held: one query per read when nothing changed, three when something did.

Why a version check on every read rather than a time to live: several processes may share one PostgreSQL
database (`--role bot` twice, or a worker deactivating a blocked chat), and a user who changed a setting through
one process must see it on their very next command, whichever process answers. A TTL would have to be zero to
promise that; LISTEN/NOTIFY would need a connection held open per process and still race with the reply. The row
lookup is one indexed read, which the language alone would need anyway; the topics and mutes (two more queries)
are read only after a change. Entries are also dropped after `MAX_AGE` and when more than `MAX_CHATS` are held,
which bounds the memory and makes an id that was deleted and made again (app.retention) reload whatever its
version.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from sqlalchemy.orm import Session

from app.tx import Transactions
from storage import chats as chat_store
from storage import mutes as mute_store
from storage.models import ChatState

__all__ = ["MAX_AGE", "MAX_CHATS", "ChatState", "ChatView", "ChatViews"]

MAX_AGE = 600.0  # seconds an entry is trusted on its version alone; then it is loaded again
MAX_CHATS = 20_000


@dataclass(frozen=True, slots=True)
class ChatView:
    """A chat as its readers see it; for a chat the bot doesn't know (`version` None), the defaults."""

    id: int
    version: int | None
    state: ChatState
    language: str | None
    timezone: str
    digest_times: str
    blindspot_weekly: bool = False
    subscriptions: tuple[tuple[int, str], ...] = ()  # (subscription id, topic), oldest first
    mutes: tuple[tuple[int, str, str], ...] = ()  # (mute id, kind, value), oldest first

    @property
    def known(self) -> bool:
        return self.version is not None

    @property
    def active(self) -> bool:
        """Gets digests (a chat not known yet would, once it is registered)."""
        return self.state is ChatState.ACTIVE

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(topic for _id, topic in self.subscriptions)

    @property
    def muted_words(self) -> tuple[str, ...]:
        return tuple(value for _id, kind, value in self.mutes if kind == mute_store.WORD)

    @property
    def muted_outlets(self) -> frozenset[str]:
        return frozenset(value for _id, kind, value in self.mutes if kind == mute_store.SOURCE)


class ChatViews:
    def __init__(self, tx: Transactions, default_times: str, default_zone: str,
                 clock: Callable[[], float] = monotonic) -> None:
        self.tx, self.default_times, self.default_zone, self.clock = tx, default_times, default_zone, clock
        self._held: OrderedDict[int, tuple[float, ChatView]] = OrderedDict()

    async def get(self, chat_id: int) -> ChatView:
        """The chat now: one query when nothing changed since it was last read, three when it did."""
        held = self._held.get(chat_id)
        if held is not None and self.clock() - held[0] > MAX_AGE:
            held = None
        view = await self.tx(self._read, chat_id, held[1] if held else None)
        if view.known:
            self._held[chat_id] = (held[0] if held and held[1] is view else self.clock(), view)
            self._held.move_to_end(chat_id)
            while len(self._held) > MAX_CHATS:
                self._held.popitem(last=False)
        else:
            self._held.pop(chat_id, None)
        return view

    def _read(self, session: Session, chat_id: int, held: ChatView | None) -> ChatView:
        """The chat's row is read every time (one primary-key lookup); its topics and mutes only when its version
        is not the one held."""
        row = chat_store.chat_row(session, chat_id)
        if row is None:
            return ChatView(chat_id, None, ChatState.ACTIVE, None, self.default_zone, self.default_times)
        version, state, language, zone, times, blindspot = row
        if held is not None and held.version == version:
            return held
        return ChatView(chat_id, version, ChatState(state), language, zone, times, blindspot,
                        tuple(chat_store.subscriptions(session, chat_id)), tuple(mute_store.mutes(session, chat_id)))
