"""The application: storybot's use cases between the Telegram edge (bot/) and the database (storage/).

No Telegram here. Each use case is one transaction and returns plain values:

    settings.py     Settings: every key, its default, validated once
    runtime.py      Core: Settings -> database, feed client, workers, use cases
    feeds.py        refresh due feeds (Ingestor: fetch, parse, store, record each feed's outcome); writer.py;
                    parsing.py (parse worker processes with time and memory limits)
    clustering.py   cluster pending articles into stories (StoryEngine)
    stories.py      find a story, trending stories, one story's card and sources
    digests.py      a chat's digest: the one selection for /digest, preview and the scheduled digest
    claims.py       which chats are due, claimed once; digest_time.py: local times across DST
    delivery.py     the digest outbox and its workers; sending.py: what a messenger must do, how it fails
    chats.py        follow and unfollow, stop and resume, digest times and zone, who may change a chat;
                    chat_view.py: what readers need of a chat, cached and checked by its version
    operators.py    counts, feed health, OPML in and out
"""

from app.chats import ChatRef, Chats
from app.digests import Digest, Digests
from app.runtime import Core, StartupError, utc_now
from app.settings import Settings
from app.stories import Stories

__all__ = ["ChatRef", "Chats", "Core", "Digest", "Digests", "Settings", "StartupError", "Stories", "utc_now"]
