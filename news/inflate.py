"""Content-Encoding decoded by us, in bounded steps, so a compression bomb costs at most the body cap.

httpx inflates each network chunk whole before anyone can count it: 64 KB of gzip may become 64 MB in one call.
We ask only for what we can bound (`Accept-Encoding: gzip, deflate`), read the raw bytes, and inflate with
`zlib.decompressobj().decompress(data, max_length)`, never more than STEP bytes per call and never past the cap.
Other codings (br, zstd, compress) are refused: we did not ask for them.

    body = Inflater(response.headers.get("content-encoding"), max_bytes)
    for raw in chunks:
        for _ in body.feed(raw): ...        # one step each; raises BodyTooLarge past the cap, BadEncoding if corrupt
    data = body.finish()

`feed` yields after each step so that an async caller can let its event loop run in between: one network chunk
of a bomb is up to the whole cap of output, and zlib gives the GIL up and takes it back at every call.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["ACCEPT_ENCODING", "STEP", "BadEncoding", "BodyTooLarge", "Inflater"]

ACCEPT_ENCODING = "gzip, deflate"
STEP = 256 * 1024  # output bytes per decompress call: the most one call can allocate
_GZIP = 16 + zlib.MAX_WBITS
_ZLIB = zlib.MAX_WBITS
_RAW = -zlib.MAX_WBITS
_MAX_CODINGS = 2  # "gzip, gzip" is legal and rare; a long chain is only a way to multiply work


class BadEncoding(ValueError):
    """A Content-Encoding we did not ask for, or compressed data that is corrupt."""


class BodyTooLarge(ValueError):
    """The decoded body is over the cap."""


class _Stage:
    """One coding: bytes in, pieces of at most STEP bytes out. Deflate is zlib-wrapped by the standard and sent raw
    by many servers (we try zlib first, then raw, as browsers do); gzip may hold several members in a row."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._wbits = _GZIP if coding in ("gzip", "x-gzip") else _ZLIB
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False  # some output or a complete member seen: the format is settled
        self._done = False  # a complete stream, and what follows it is not another member: ignored
        self._members = 0

    def outputs(self, data: bytes) -> Iterator[bytes]:
        while data and not self._done:
            try:
                out = self._inflate.decompress(data, STEP)
            except zlib.error as exc:
                if self._wbits == _ZLIB and not self._started:
                    self._wbits, self._inflate = _RAW, zlib.decompressobj(_RAW)
                    continue
                if self._members:  # bytes after a complete gzip member that are not another member: ignored
                    self._done = True
                    return
                raise BadEncoding(f"corrupt {self.coding} data: {exc}") from exc
            self._started = True
            data = self._inflate.unconsumed_tail
            if self._inflate.eof:
                data = self._inflate.unused_data
                if data and self._wbits == _GZIP:
                    self._inflate = zlib.decompressobj(_GZIP)
                    self._members += 1
                else:
                    self._done = True
            if out:
                yield out

    def finish(self) -> None:
        if self._started and not (self._done or self._inflate.eof or self._members):
            raise BadEncoding(f"truncated {self.coding} data")


class Inflater:
    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > _MAX_CODINGS:
            raise BadEncoding(f"{len(codings)} content codings stacked")
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise BadEncoding(f"content encoding {coding[:40]!r} was not asked for")
        # Codings are listed in the order applied: undo them last to first.
        self._stages = [_Stage(c) for c in reversed(codings)]
        self._max = max_bytes
        self._parts: list[bytes] = []
        self.size = 0

    def feed(self, raw: bytes) -> Iterator[None]:
        """Decode `raw`, yielding after each step of at most STEP bytes of output."""
        return self._push(0, raw)

    def finish(self) -> bytes:
        for stage in self._stages:
            stage.finish()
        return b"".join(self._parts)

    def _push(self, index: int, data: bytes) -> Iterator[None]:
        if index == len(self._stages):
            self._keep(data)
            yield
            return
        for out in self._stages[index].outputs(data):
            yield from self._push(index + 1, out)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self._max:
            raise BodyTooLarge(f"body is over the {self._max} byte cap")
        if data:
            self._parts.append(data)
