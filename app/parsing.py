"""ParserPool: feed bodies parsed and normalized in worker processes, each parse with a time and memory limit.

Measured on one hostile 5 MB body, feedparser takes ~50 s of CPU and 150-350 MB, and in a thread it can neither be
stopped nor kept from holding the GIL (the event loop stalled for seconds). So parsing runs in `workers` processes
of news.parse_worker (each imports only news.normalize, ~25 MB, not the bot's ~180 MB main module), capped at
`memory_mb` of address space, and a parse that takes longer than `timeout` seconds kills its worker.
Measured with bench/hostile.py and by hand: 500 entries of 10 KB each parse in under 128 MB; the
entry cut (news.parse) keeps 10,000-entry bodies there too; 256 MB leaves twice that, and deep nesting still ends
as this feed's MemoryError. Time is feedparser's ~80 µs per XML element: 20 s is some 250,000 elements. Workers start
on first use, are reused, and are replaced after a kill, a crash, or once their heap has grown past `retire_mb`.

Every failure is this feed's FeedParseError (ParseLimit for a limit hit), never the pool's: the next feed gets a
healthy worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import sys
from datetime import datetime

from news.normalize import NormalizedFeed
from news.parse import FeedParseError

__all__ = ["ParseLimit", "ParserPool"]

_HEADER = 8


class ParseLimit(FeedParseError):
    """The parse hit its time or memory limit (or its worker died)."""


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def ask(self, request: object) -> tuple[str, object, bool]:
        assert self.process.stdin is not None and self.process.stdout is not None
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.write(len(data).to_bytes(_HEADER, "big"))
        self.process.stdin.write(data)  # not joined to the header: a 5 MB body is copied once, not twice
        await self.process.stdin.drain()
        size = int.from_bytes(await self.process.stdout.readexactly(_HEADER), "big")
        reply = pickle.loads(await self.process.stdout.readexactly(size))
        return reply  # type: ignore[no-any-return]

    def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    async def stop(self) -> None:
        self.kill()
        with contextlib.suppress(ProcessLookupError):
            await self.process.wait()


class ParserPool:
    def __init__(self, workers: int = 2, *, timeout: float = 20.0, memory_mb: int = 256, retire_mb: int = 128
                 ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.retire_mb = retire_mb
        self._slots = asyncio.Semaphore(workers)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self.started = 0  # worker processes started so far (tests and the bench read it)

    async def parse(self, body: bytes, content_type: str | None, fetched_at: datetime, max_entries: int | None
                    ) -> NormalizedFeed:
        async with self._slots:
            while self._idle and self._idle[-1].process.returncode is not None:
                self._idle.pop()  # died while idle (killed from outside): not this feed's fault
            worker = self._idle.pop() if self._idle else await self._start()
            self._busy.add(worker)
            keep = False
            try:
                kind, value, retire = await asyncio.wait_for(
                    worker.ask((body, content_type, fetched_at, max_entries)), self.timeout)
                keep = not retire
            except TimeoutError:
                raise ParseLimit(f"parsing took over {self.timeout:g} s (stopped)") from None
            except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError) as exc:
                raise ParseLimit(f"the parse worker died ({type(exc).__name__}); memory limit "
                                 f"{self.memory_mb} MB") from None
            finally:
                self._busy.discard(worker)
                if keep:
                    self._idle.append(worker)
                else:
                    await worker.stop()
        return _result(kind, value, self.memory_mb)

    async def _start(self) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "news.parse_worker", str(self.memory_mb), str(self.retire_mb),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        self.started += 1
        return _Worker(process)

    async def aclose(self) -> None:
        workers = [*self._idle, *self._busy]
        self._idle.clear()
        for worker in workers:
            await worker.stop()

    def close(self) -> None:
        """Kill the workers without waiting (for a caller that has no event loop left to wait in)."""
        for worker in [*self._idle, *self._busy]:
            worker.kill()
        self._idle.clear()


def _result(kind: str, value: object, memory_mb: int) -> NormalizedFeed:
    if kind == "ok" and isinstance(value, NormalizedFeed):
        return value
    if kind == "memory":
        raise ParseLimit(f"{value} ({memory_mb} MB)")
    raise FeedParseError(str(value))
