"""The schema: one DeclarativeBase, typed columns, UTC datetimes, enums instead of magic numbers."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "NAMING_CONVENTION",
    "Article",
    "ArticleVector",
    "Base",
    "Chat",
    "ChatState",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "Feed",
    "FeedStatus",
    "FollowedStory",
    "ModelState",
    "Mute",
    "SendPace",
    "Source",
    "Story",
    "Subscription",
    "UTCDateTime",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class FeedStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class ChatState(enum.StrEnum):
    """Why a chat gets digests or not; `Chat.active` stays the one flag the digest tick reads (state == ACTIVE)."""

    ACTIVE = "active"  # gets digests
    STOPPED = "stopped"  # /stop: /start, /subscribe, a follow button, /time, /timezone or /settings bring it back
    BLOCKED = "blocked"  # a private chat blocked the bot (403, or my_chat_member): the user's /start brings it back
    KICKED = "kicked"  # the bot was removed from a group or channel: adding the bot again brings it back
    MIGRATED = "migrated"  # the group became a supergroup that has a chat row of its own: nothing brings it back


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # built, nothing sent yet
    SENDING = "sending"  # claimed by a sender; a crash here means "maybe sent"
    SENT = "sent"
    FAILED = "failed"  # Telegram refused for good (blocked, chat gone)
    SKIPPED = "skipped"  # too late, or nothing to say
    UNKNOWN = "unknown"  # caught mid-send by a crash: never re-sent blindly


class DeliveryKind(enum.StrEnum):
    DIGEST = "digest"  # a scheduled digest: its last part moves chats.last_digest_at
    FOLLOW = "follow"  # a followed story's update or last line (app.follows), a reply to the card it came from


class Source(Base):
    """An outlet, keyed by its first web domain; a feed not in the outlet table is a source of its own, keyed by its
    URL without the scheme (news.sources.OutletDirectory.attribute)."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(8), default="")
    bias: Mapped[str | None] = mapped_column(String(16), nullable=True)
    factuality: Mapped[str | None] = mapped_column(String(32), nullable=True)
    owner: Mapped[str] = mapped_column(String(255), default="", server_default="")


class Feed(Base):
    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(512), default="")
    category: Mapped[str] = mapped_column(String(128), default="")
    # An aggregator's items may name their outlet by their link (news.sources.OutletDirectory.attribute); any other
    # feed's items are its own outlet's, whatever they link to. Set from the OPML (storybotAggregator="true").
    aggregator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[FeedStatus] = mapped_column(
        Enum(FeedStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=FeedStatus.ACTIVE,
    )
    etag: Mapped[str | None] = mapped_column(String(512), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(128), nullable=True)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Story(Base):
    __tablename__ = "stories"
    # The retention job's queue: stories not yet archived, oldest first (migration 0011).
    __table_args__ = (Index("ix_stories_archived_at_last_updated", "archived_at", "last_updated"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the clusterer's story key
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    headline: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[str] = mapped_column(String(128), default="", server_default="")  # comma-joined, best first
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), nullable=True)
    # Set when the retention job removed the story's articles (app.retention): `archive` then holds, as JSON, the
    # card, the source lines and the article times the story had, so its card still opens with the same counts.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    archive: Mapped[str | None] = mapped_column(Text, nullable=True)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("feed_id", "dedup_key"),
        Index("ix_articles_story_unclustered", "story_id", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True)
    dedup_key: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(Text, default="")  # "\n"-joined feed categories
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)  # search's window (0011)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), nullable=True)
    image_url: Mapped[str] = mapped_column(String(2048), default="", server_default="")  # news.images
    byline: Mapped[str] = mapped_column(String(200), default="", server_default="")  # the feed's author (0017)

    source: Mapped[Source | None] = relationship(lazy="joined")


class ArticleVector(Base):
    """An article's sentence embedding, float16 bytes (2 x dim), for the encoder named in `model`."""

    __tablename__ = "article_vectors"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Chat(Base):
    __tablename__ = "chats"
    # The per-minute scheduling scan (storage.outbox.deliveries.due_chats, unscheduled_chats) reads active chats only:
    # stopped and blocked ones, which only grow, stay out of its index (migration 0015).
    # The retention job's scan for long-inactive chats (storage.chats.delete_inactive) reads inactive ones (0024).
    __table_args__ = (Index("ix_chats_next_digest_at_active", "next_digest_at",
                            sqlite_where=text("active = 1"), postgresql_where=text("active")),
                      Index("ix_chats_inactive_since", "inactive_since",
                            sqlite_where=text("active IS 0"), postgresql_where=text("active IS false")))
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram chat id
    type: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str] = mapped_column(String(255), default="")
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # forum topic for digests
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # gets digests; set together with `state`
    state: Mapped[ChatState] = mapped_column(
        Enum(ChatState, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ChatState.ACTIVE, server_default=ChatState.ACTIVE.value,
    )
    inactive_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # None while active
    # Bumped by every write of what a chat reads back (settings, topics, mutes, state): app.chat_view's cache key.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    digest_times: Mapped[str] = mapped_column(String(128), default="08:00")  # "HH:MM[,HH:MM...]"
    send_empty_digest: Mapped[bool] = mapped_column(Boolean, default=True)
    # The language the bot speaks here ("en", "es"): the first known user's Telegram language, or /language's choice.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    blindspot_weekly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "topic"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mute(Base):
    """What a chat doesn't want to see: stories about a word or phrase (kind "word"), or an outlet's links
    (kind "source", the outlet's case-folded name)."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("chat_id", "kind", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelState(Base):
    """What a learning model (the section classifier) has learned, as its own bytes."""

    __tablename__ = "model_states"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """The outbox: written before anything is sent, unique per chat and period."""

    __tablename__ = "deliveries"
    # (chat_id, created_at): a chat's recent digests ("already sent", storage.outbox.deliveries.digest_chat), read in
    # the chat's newest rows only; it also serves the chat_id foreign key (migration 0015).
    __table_args__ = (UniqueConstraint("chat_id", "period"),
                      Index("ix_deliveries_chat_id_created_at", "chat_id", "created_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(64))
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=DeliveryStatus.PENDING,
        index=True,
    )
    story_ids: Mapped[str] = mapped_column(Text, default="")  # comma-joined
    message_ids: Mapped[str] = mapped_column(Text, default="")  # comma-joined Telegram ids, one per part sent
    # JSON list of the parts; None: not built yet, or final (dropped then: storage.outbox.deliveries.FINAL)
    messages: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # content chosen
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The process working on the row, until when (renewed while it does); an expired lease is free to take over.
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    kind: Mapped[DeliveryKind] = mapped_column(
        Enum(DeliveryKind, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e]),
        default=DeliveryKind.DIGEST, server_default=DeliveryKind.DIGEST.value,
    )
    reply_to: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # the message a FOLLOW row answers
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # ...and its forum topic (None: none)


class FollowedStory(Base):
    """A chat following one story (app.follows): what it was last told, so an update says only what is new.

    Lives until the story closes, or FOLLOW_DAYS after it was followed (the follow tick deletes it after one last
    line), or until the chat unfollows or stops; the database deletes it with its chat or its story (CASCADE).
    A story merged into another moves its follows to the survivor (`merged` until an update says so)."""

    __tablename__ = "followed_stories"
    __table_args__ = (UniqueConstraint("chat_id", "story_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # the card followed from
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # the card's forum topic
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The last update: the throttle's mark (a new follow's is UPDATE_EVERY back: its first development is told at once)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime)
    told_articles: Mapped[int] = mapped_column(Integer, default=0)  # the story's articles then: changed = look again
    told_sources: Mapped[int] = mapped_column(Integer, default=0)
    told_sides: Mapped[str] = mapped_column(String(32), default="")  # comma-joined: left, center, right
    told_headline: Mapped[str] = mapped_column(Text, default="")
    merged: Mapped[bool] = mapped_column(Boolean, default=False)  # merged with another story since told


class SendPace(Base):
    """The Telegram send budget shared by every process on one PostgreSQL database (bot.pace): the next free slot
    of the global pace ("global"), and of each group's ("chat:<id>"), in seconds since the epoch."""

    __tablename__ = "send_pace"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
