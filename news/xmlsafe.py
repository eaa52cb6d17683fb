"""A feed's decoded text made safe for any XML or SGML parser: no entity can be declared, no DTD read (pure).

Feeds have no use for a DTD. The one that shows up in real feeds is RSS 0.91's external DOCTYPE, which carries no
declarations; it is dropped. Anything that could declare an entity is refused outright, wherever it stands:

- `<!ENTITY` (general, parameter `%`, external `SYSTEM`/`PUBLIC`), in any case and after any whitespace, even in a
  comment or CDATA: a lenient parser's idea of where a comment ends is not ours to guess;
- a DOCTYPE with an internal subset (`[ ... ]`), however it hides its brackets (comments, quoted strings).

This works on text, after the charset is decoded (news.parse), so UTF-16, UTF-32 and BOMs hide nothing.
"""

from __future__ import annotations

import re

__all__ = ["UnsafeXML", "defuse"]

_ENTITY = re.compile(r"<!\s*entity", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!\s*doctype", re.IGNORECASE)
# An external DOCTYPE: name, then optional PUBLIC/SYSTEM literals; no "[" anywhere before its ">".
_EXTERNAL_DOCTYPE = re.compile(r"""<!\s*doctype\s[^\[>"']*(?:(?:"[^"]*"|'[^']*')[^\[>"']*){0,3}>""", re.IGNORECASE)


class UnsafeXML(ValueError):
    """The text declares entities or carries a DTD internal subset."""


def defuse(text: str) -> str:
    """`text` without external DOCTYPEs; UnsafeXML if it declares entities or has an internal DTD subset."""
    if _ENTITY.search(text):
        raise UnsafeXML("the feed declares XML entities")
    if _DOCTYPE.search(text) is None:
        return text
    text = _EXTERNAL_DOCTYPE.sub("", text)
    if _DOCTYPE.search(text):
        raise UnsafeXML("the feed has a DTD internal subset")
    return text
