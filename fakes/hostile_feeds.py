"""A corpus of hostile feeds, generated (never stored), for tests/app/test_hostile_feeds.py and bench/hostile.py.

    for feed in corpus():  server.add(feed.path, feed.body, **feed.route)

Each `HostileFeed` says what it attacks and what storybot must make of it: `fails` is text expected in the feed's
recorded error; an empty `fails` means the feed is read, with a bounded and honest result (the test checks the
bounds). The numbers are the owner's kind of numbers, and others: every one is past any limit we have.
Redirects lead to 10.0.0.1 and 169.254.169.254; they must be refused before any connection is tried (tests and the
bench also dial nothing but 127.0.0.1).
"""

from __future__ import annotations

import gzip
import ipaddress
import random
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import httpcore

from news.urlguard import AddressGuard, IPAddress, is_public

__all__ = ["IMPERSONATED", "HostileFeed", "bomb", "corpus", "item", "loopback_guard", "rss"]

HUGE = "9" * 30  # past int64, past timedelta, far past any schedule
IMPERSONATED = ("reuters.com", "apnews.com", "foxnews.com", "nytimes.com", "bbc.co.uk", "breitbart.com",
                "msnbc.com", "theguardian.com", "wsj.com", "cnn.com")


@dataclass(frozen=True)
class HostileFeed:
    name: str
    body: bytes
    fails: str = ""  # expected in Feed.last_error; "" = read, bounded and honest
    route: dict[str, object] = field(default_factory=dict)  # FeedServer.add options
    # A feed that may also be read, depending on how fast the machine is: the text its warning then holds (it must
    # then give no article). Deep nesting parses in ~3.6 s here (the strict parser's error recovered, the entry
    # without a title or text skipped), so a loaded machine stops it at the time limit and a quiet one does not.
    or_reads: str = ""

    @property
    def path(self) -> str:
        return f"/hostile/{self.name}.xml"


def rss(items: str, channel: str = "", declaration: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> str:
    return (f'{declaration}<rss version="2.0"><channel><title>Hostile</title>{channel}'
            f"{items}</channel></rss>")


def item(n: int, link: str = "", title: str = "", extra: str = "", feed: str = "") -> str:
    link = link or f"https://hostile.test/{feed}/{n}"
    return f"<item><title>{title or f'Headline number {n}'}</title><link>{link}</link><guid>{link}</guid>{extra}</item>"


def _laughs() -> str:
    lines = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return "<!DOCTYPE rss [\n" + "\n".join(lines).replace("&lol0;", "&lol;") + "\n]>\n"


def _quadratic(size: int = 30_000, refs: int = 10_000) -> str:
    dtd = f'<!DOCTYPE rss [\n<!-- ] -->\n<!ENTITY a "{"x" * size}">\n]>\n'
    return dtd + rss(item(1, title="&a;" * refs), declaration="")


def _with_dtd(dtd: str, title: str) -> bytes:
    return ('<?xml version="1.0"?>\n' + dtd + rss(item(1, title=title), declaration="")).encode()


@lru_cache(maxsize=4)
def _zeros_deflated(megabytes: int) -> tuple[bytes, int, int]:
    """Raw deflate of `megabytes` MB of zeros (run-length strategy: fast, ~1000 to 1), its CRC-32 and Adler-32."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    zeros = b"\0" * (1 << 20)
    crc, adler = 0, 1
    parts = []
    for _ in range(megabytes):
        parts.append(packer.compress(zeros))
        crc, adler = zlib.crc32(zeros, crc), zlib.adler32(zeros, adler)
    return b"".join(parts) + packer.flush(), crc, adler


def bomb(kind: str, megabytes: int) -> bytes:
    """`megabytes` MB of zeros as gzip, zlib ("deflate") or raw deflate, checksums and all: about 1000 to 1."""
    raw, crc, adler = _zeros_deflated(megabytes)
    if kind == "raw":
        return raw
    if kind == "deflate":
        return b"\x78\xda" + raw + struct.pack(">I", adler)
    size = (megabytes << 20) & 0xFFFFFFFF
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + raw + struct.pack("<II", crc, size)


def _entities() -> list[HostileFeed]:
    refused = "entities"
    hidden = '<!-- <x ] -->\n<!DOCTYPE rss [\n<!-- ] -->\n<!ENTITY a "xxxxxxxxxx">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
    utf16 = ('<?xml version="1.0" encoding="utf-16"?>\n' + _quadratic()).encode("utf-16")
    return [
        HostileFeed("billion-laughs", _with_dtd(_laughs(), "&lol9;"), refused),
        HostileFeed("quadratic", ('<?xml version="1.0"?>\n' + _quadratic()).encode(), refused),
        HostileFeed("external-entity", _with_dtd('<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
                    refused),
        HostileFeed("parameter-entity", _with_dtd(
            '<!DOCTYPE rss [<!ENTITY % p "<!ENTITY q \'qqqq\'>"> %p;]>', "&q;"), refused),
        HostileFeed("dtd-after-comment", _with_dtd(hidden, "&b;"), refused),
        HostileFeed("quadratic-utf16", utf16, refused),
        HostileFeed("quadratic-utf32", b"\xff\xfe\x00\x00" + _quadratic().encode("utf-32-le"), refused),
        HostileFeed("lowercase-entity", _with_dtd('<!doctype rss [<!entity a "aaaa">]>', "&a;"), refused),
        HostileFeed("internal-subset", _with_dtd("<!DOCTYPE rss [<!ELEMENT rss ANY>]>", "plain"), "DTD"),
    ]


def _headers() -> list[HostileFeed]:
    ok = rss(item(1)).encode()
    far = "Fri, 31 Dec 9999 23:59:59 GMT"
    return [
        HostileFeed("max-age", ok, route={"headers": {"Cache-Control": f"public, max-age={HUGE}"}}),
        HostileFeed("expires-9999", ok, route={"headers": {"Expires": far}}),
        HostileFeed("expires-99999", ok, route={"headers": {"Expires": "Sat, 01 Jan 99999 00:00:00 GMT"}}),
        HostileFeed("ttl", rss(item(1), channel=f"<ttl>{HUGE}</ttl>").encode()),
        HostileFeed("ttl-negative", rss(item(1), channel="<ttl>-5</ttl>").encode()),
        HostileFeed("retry-after", b"busy", "HTTP 503", {"status": 503, "headers": {"Retry-After": HUGE}}),
        HostileFeed("retry-after-date", b"slow", "HTTP 429", {"status": 429, "headers": {"Retry-After": far}}),
        HostileFeed("retry-after-digits", b"busy", "HTTP 503", {"status": 503, "headers": {"Retry-After": "²³"}}),
        HostileFeed("content-length", ok, "TooLarge", {"declared_length": str(10**12)}),
        HostileFeed("content-length-absurd", ok, "NetworkError", {"declared_length": HUGE}),
        HostileFeed("etag-long", ok, route={"headers": {"ETag": '"' + "e" * 5000 + '"',
                                                        "Last-Modified": "x" * 5000}}),
    ]


def _bombs(megabytes: int) -> list[HostileFeed]:
    gzip_, deflate = {"headers": {"Content-Encoding": "gzip"}}, {"headers": {"Content-Encoding": "deflate"}}
    return [
        HostileFeed("gzip-bomb", bomb("gzip", megabytes), "TooLarge", gzip_),
        HostileFeed("deflate-bomb", bomb("deflate", megabytes), "TooLarge", deflate),
        HostileFeed("raw-deflate-bomb", bomb("raw", megabytes), "TooLarge", deflate),
        HostileFeed("gzip-twice", gzip.compress(gzip.compress(b"\0" * (64 << 20))), "TooLarge",
                    {"headers": {"Content-Encoding": "gzip, gzip"}}),
        HostileFeed("brotli", b"\x1b\x00\x00", "BadEncoding", {"headers": {"Content-Encoding": "br"}}),
    ]


def _bodies() -> list[HostileFeed]:
    junk = random.Random(11).randbytes(200_000)
    outlets = "".join(item(n, link=f"https://www.{IMPERSONATED[n % len(IMPERSONATED)]}/story/{n}")
                      for n in range(200))
    many = "".join(item(n, feed="many") for n in range(10_000))
    long_title = "A" * 1_000_000
    odd_dates = "".join(item(n, extra=f"<pubDate>{d}</pubDate>", feed="dates") for n, d in enumerate(
        ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 -9999",
         "Sat, 01 Jan 2500 00:00:00 GMT", "Sun, 01 Jan 1000000 00:00:00 GMT", "-1"]))
    controls = "Nul\x00 byte \x07 and\x1b controls, lone \ud800 surrogate"
    fields = (item(1, title=controls, link="https://hostile.test/" + "p" * 100_000)
              + item(2, title=long_title, extra="<description>" + "word " * 400_000 + "</description>"
                     + "<category>c</category>" * 10_000)
              + f"<item><title>long guid</title><link>https://hostile.test/g</link><guid>{'g' * 100_000}</guid></item>")
    nested = rss("<item>" + "<div>" * 200_000 + "</item>")
    return [
        HostileFeed("impersonator", rss(outlets).encode()),
        HostileFeed("ten-thousand", rss(many).encode()),
        HostileFeed("binary-junk", junk, "not an RSS or Atom feed", {"content_type": "application/octet-stream"}),
        HostileFeed("valid-utf16", rss(item(1, title="Zürich café opens", feed="utf16"),
                                       declaration='<?xml version="1.0" encoding="utf-16"?>\n').encode("utf-16")),
        HostileFeed("dates", rss(odd_dates).encode()),
        HostileFeed("long-fields", rss(fields).encode(errors="surrogatepass")),
        HostileFeed("deep-nesting", nested.encode(), "Parse", or_reads="entries skipped"),
    ]


def _redirects() -> list[HostileFeed]:
    return [
        HostileFeed("redirect-private", b"", "UnsafeURL",
                    {"redirect_to": "http://10.0.0.1/feed.xml", "redirect_status": 301}),
        HostileFeed("redirect-metadata", b"", "UnsafeURL",
                    {"redirect_to": "http://169.254.169.254/latest/meta-data/", "redirect_status": 302}),
        HostileFeed("redirect-mapped", b"", "UnsafeURL", {"redirect_to": "http://[::ffff:10.0.0.1]/x"}),
    ]


_LOOPBACK = ipaddress.ip_address("127.0.0.1")


def _loopback_is_public(address: IPAddress) -> bool:
    return address == _LOOPBACK or is_public(address)


async def _dial_loopback_only(ip: str, port: int, timeout: float | None) -> httpcore.AsyncNetworkStream:
    if ip != "127.0.0.1":
        raise httpcore.ConnectError(f"refused to connect to {ip}: this run reaches 127.0.0.1 only")
    return await httpcore.AnyIOBackend().connect_tcp(ip, port, timeout=timeout)


def loopback_guard() -> AddressGuard:
    """Redirect rules for a run where 127.0.0.1 plays the public internet (every private address stays private),
    with a dialer that reaches 127.0.0.1 only: a wrong decision fails the run, it never sends a packet elsewhere."""
    return AddressGuard(public=_loopback_is_public, dial=_dial_loopback_only)


def corpus(bomb_mb: int = 256) -> list[HostileFeed]:
    """Every hostile feed: about 6 MB of bodies, and three bombs of `bomb_mb` MB each (the owner's was 1 GB from 1 MB;
    the bench uses that, the tests a quarter of it, which is still 50 times the body cap)."""
    return [*_headers(), *_entities(), *_bombs(bomb_mb), *_bodies(), *_redirects()]
