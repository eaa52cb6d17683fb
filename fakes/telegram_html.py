"""Telegram's HTML parse mode, as the Bot API server (tdlib's ``parse_html``) does it.

Text comes back as plain text plus ``MessageEntity`` dicts whose offsets and lengths count UTF-16 code
units. Errors carry Telegram's reasons, with byte offsets into the UTF-8 encoded source text.
Unknown named entities such as ``&nbsp;`` stay in the text verbatim, as on the real server, unless the
parser is ``strict_entities``: then they are an error, which the real server never reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "pre", "code", "span", "tg-spoiler",
     "tg-emoji", "blockquote"}
)
_SIMPLE_TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_URL_SCHEMES = frozenset({"http", "https", "ftp", "tg", "ton", "tonsite"})
_TRIMMED = " \t\r\n"

Entity = dict[str, Any]


class HtmlParseError(ValueError):
    """The reason Telegram gives after ``can't parse entities: ``."""


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(src: str, pos: int) -> tuple[str, int] | None:
    """Decodes the reference at ``src[pos] == '&'``; returns (character, next position) or None."""
    n, end, code = len(src), pos + 1, 0
    if end < n and src[end] == "#":
        end += 1
        hexadecimal = end < n and src[end] == "x"
        end += hexadecimal
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < n and src[end] in digits and code < 0x110000:
            code = code * (16 if hexadecimal else 10) + int(src[end], 16)
            end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(src[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and src[end] == ";":
        end += 1
    return char, end


def normalize_url(url: str) -> str | None:
    """Roughly tdlib's check_url: add a scheme, add the root path, refuse unknown schemes."""
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if match is None:
        if ":" in url.split("/", 1)[0] and not re.match(r"[^:]+:\d+(/|$)", url):
            return None
        url = "http://" + url
    elif match.group(1).lower() not in _URL_SCHEMES:
        return None
    scheme, rest = url.split("://", 1)
    if scheme.lower() in ("http", "https") and "/" not in rest and "?" not in rest and "#" not in rest:
        url += "/"
    return url


class _Parser:
    def __init__(self, src: str, strict_entities: bool) -> None:
        self.src, self.n, self.strict = src, len(src), strict_entities
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 offset, out index
        self.entities: list[Entity] = []

    def byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def fail(self, reason: str, pos: int) -> HtmlParseError:
        return HtmlParseError(f"{reason} at byte offset {self.byte_offset(pos)}")

    def emit(self, char: str) -> None:
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def skip_spaces(self, i: int) -> int:
        while i < self.n and self.src[i].isspace():
            i += 1
        return i

    def run(self) -> FormattedText:
        i = 0
        while i < self.n:
            char = self.src[i]
            if char == "&":
                decoded = _decode_entity(self.src, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                unknown = re.match(r"&[A-Za-z]+;", self.src[i:])
                if self.strict and unknown:
                    raise self.fail(f'Unsupported HTML entity "{unknown.group(0)}"', i)
            if char != "<":
                self.emit(char)
                i += 1
                continue
            i = self.end_tag(i) if i + 1 < self.n and self.src[i + 1] == "/" else self.start_tag(i)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        src, i = self.src, begin + 1
        while i < self.n and not src[i].isspace() and src[i] != ">":
            i += 1
        if i >= self.n:
            raise self.fail("Unclosed start tag", begin)
        tag = src[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}"', begin)
        argument = ""
        while True:
            i = self.skip_spaces(i)
            if i >= self.n:
                raise self.fail("Unclosed start tag", begin)
            if src[i] == ">":
                break
            name_begin = i
            while i < self.n and not src[i].isspace() and src[i] not in "=>/\"'":
                i += 1
            name = src[name_begin:i]
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}"', begin)
            i = self.skip_spaces(i)
            if i >= self.n:
                raise self.fail(f'Unclosed start tag "{tag}"', begin)
            if src[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                continue
            i = self.skip_spaces(i + 1)
            if i >= self.n:
                raise self.fail(f'Unclosed start tag "{tag}"', begin)
            value, i = self.attribute_value(i, begin)
            argument = _tag_argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append((tag, argument, self.utf16, len(self.out)))
        return i + 1

    def attribute_value(self, i: int, begin: int) -> tuple[str, int]:
        src = self.src
        if src[i] not in "\"'":
            token_begin = i
            while i < self.n and src[i].isascii() and (src[i].isalnum() or src[i] in ".-"):
                i += 1
            if i >= self.n:
                raise self.fail("Unclosed start tag", begin)
            if not src[i].isspace() and src[i] != ">":
                raise self.fail("Unexpected end of name token", token_begin)
            return src[token_begin:i].lower(), i
        quote, i, chars = src[i], i + 1, []
        while i < self.n and src[i] != quote:
            decoded = _decode_entity(src, i) if src[i] == "&" else None
            if decoded is not None:
                chars.append(decoded[0])
                i = decoded[1]
                continue
            chars.append(src[i])
            i += 1
        if i >= self.n:
            raise self.fail("Unclosed start tag", begin)
        return "".join(chars), i + 1

    def end_tag(self, begin: int) -> int:
        src = self.src
        if not self.stack:
            raise self.fail("Unexpected end tag", begin)
        i = begin + 2
        while i < self.n and not src[i].isspace() and src[i] != ">":
            i += 1
        end_name = src[begin + 2 : i]
        i = self.skip_spaces(i)
        if i >= self.n or src[i] != ">":
            raise self.fail("Unclosed end tag", begin)
        tag, argument, offset, out_index = self.stack.pop()
        if end_name and end_name != tag:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag}>", found "</{end_name}>"'
            )
        if self.utf16 > offset:
            self.add_entity(tag, argument, offset, self.utf16 - offset, out_index)
        return i + 1

    def add_entity(self, tag: str, argument: str, offset: int, length: int, out_index: int) -> None:
        entities, span = self.entities, {"offset": offset, "length": length}
        same_span = bool(entities) and entities[-1]["offset"] == offset and entities[-1]["length"] == length
        if tag in _SIMPLE_TAG_TYPES:
            entities.append({"type": _SIMPLE_TAG_TYPES[tag], **span})
        elif tag == "blockquote":
            entities.append({"type": "expandable_blockquote" if argument else "blockquote", **span})
        elif tag == "tg-emoji":
            if not argument.isdigit():
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entities.append({"type": "custom_emoji", **span, "custom_emoji_id": argument})
        elif tag == "a":
            url = normalize_url(argument or "".join(self.out[out_index:]))
            if url is not None:
                entities.append({"type": "text_link", **span, "url": url})
        elif tag == "pre" and same_span and entities[-1]["type"] == "code" and entities[-1].get("language"):
            entities[-1]["type"] = "pre"
        elif tag == "pre":
            entities.append({"type": "pre", **span})
        elif tag == "code" and same_span and entities[-1]["type"] == "pre" and argument:
            entities[-1]["language"] = argument
        else:
            entities.append({"type": "code", **span, **({"language": argument} if argument else {})})


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def parse_html(src: str, *, strict_entities: bool = False) -> FormattedText:
    """Parses Telegram HTML; raises HtmlParseError with Telegram's reason."""
    return _Parser(src, strict_entities).run()


def trim(formatted: FormattedText) -> FormattedText:
    """Strips surrounding whitespace as the server does, clipping entities to what remains."""
    text = formatted.text
    lead = len(text) - len(text.lstrip(_TRIMMED))
    body = text[lead:].rstrip(_TRIMMED)
    end = utf16_len(body)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - lead, 0)
        stop = min(entity["offset"] + entity["length"] - lead, end)
        if stop > start:
            entities.append({**entity, "offset": start, "length": stop - start})
    return FormattedText(body, entities)
