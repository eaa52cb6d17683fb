"""A parse worker process: feed bodies in on stdin, NormalizedFeed out on stdout (started by app.parsing).

    python -m news.parse_worker MEMORY_MB RETIRE_MB

Why a process: feedparser's time and memory grow with what a stranger sends (5 MB of tiny items: ~50 s of CPU,
~150 MB; deep nesting: 350 MB from 2.5 MB), a thread cannot be stopped, and a thread holding the GIL for
seconds stalls the bot's event loop. A process can be killed on time, and its address space is capped here
(RLIMIT_AS, MEMORY_MB), so a pathological body ends as a MemoryError in the worker, not in the bot.
It imports only news.normalize (about 25 MB), never the bot.

Protocol: each message is an 8-byte big-endian length, then a pickle. Request: (body, content_type, fetched_at,
max_entries). Reply: (kind, value, retire): kind "ok" with a NormalizedFeed, "refused" with FeedParseError's
message, "memory" or "error" with a description; `retire` asks the parent to replace this worker (its peak RSS
passed RETIRE_MB: a heap, once grown, is not given back). Pickle is safe here: both ends are this program.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
from datetime import datetime
from typing import BinaryIO, cast

from news.normalize import normalize_feed
from news.parse import FeedParseError

__all__ = ["main", "read_message", "write_message"]

_HEADER = 8


def read_message(stream: BinaryIO) -> object | None:
    """The next message, or None at end of input."""
    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        return None
    data = stream.read(int.from_bytes(header, "big"))
    return cast(object, pickle.loads(data))


def write_message(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _answer(request: object) -> tuple[str, object]:
    body, content_type, fetched_at, max_entries = cast(tuple[bytes, str | None, datetime, int | None], request)
    try:
        return "ok", normalize_feed(body, content_type, fetched_at, max_entries)
    except FeedParseError as exc:
        return "refused", str(exc)
    except MemoryError:
        return "memory", "the feed needs more memory to parse than a parse worker has"
    except RecursionError:
        return "error", "the feed nests too deeply to parse"
    except Exception as exc:  # a parser bug: reported as this feed's failure, the worker goes on
        return "error", f"{type(exc).__name__}: {exc}"[:300]


def _peak_mb() -> int:
    """This process's own RSS high-water mark. Not ru_maxrss: Linux carries that over exec from the forked parent,
    so a worker of a 500 MB bot would report 500 MB before parsing anything."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0  # no procfs: a worker is replaced only when it runs out of memory


def main() -> None:
    memory_mb, retire_mb = (int(arg) for arg in sys.argv[1:3])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    while (request := read_message(requests)) is not None:
        kind, value = _answer(request)
        write_message(replies, (kind, value, kind == "memory" or _peak_mb() > retire_mb))


if __name__ == "__main__":
    main()
