"""The languages the bot speaks: gettext catalogs, the language of the update at hand, dates and numbers in it.

English is the source text: every message is written in English in the code, marked with `_()` (or `N_()` where
it is a constant translated when used, `ngettext()` where it counts something), and extracted with Babel
(`make messages`: babel.cfg -> bot/locales/storybot.pot -> bot/locales/<lang>/LC_MESSAGES/storybot.po).
The `.po` files are read at first use with Babel, so no compiled `.mo` file lives in git or needs a build step.

The language belongs to the conversation, like a request's locale in a web framework (Django's
`translation.activate`, aiogram's i18n middleware): a handler in front of all others (bot.handlers.language)
picks it for each update, which python-telegram-bot handles in a task of its own, and `use()` sets it around
anything rendered outside an update (scheduled digests, the CLI). Placeholders are `{name}` fields filled after
translation, so a value (already HTML-escaped by the caller) never passes through a catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = [
    "DOMAIN",
    "LOCALES",
    "N_",
    "SOURCE_LANGUAGE",
    "_",
    "activate",
    "catalogs",
    "current",
    "day",
    "languages",
    "moment",
    "ngettext",
    "normalize",
    "number",
    "pick",
    "use",
]

DOMAIN = "storybot"
LOCALES = Path(__file__).parent / "locales"
SOURCE_LANGUAGE = "en"
MAX_TAG = 35  # the longest language tag accepted from outside; Telegram sends IETF tags such as "es-MX"
TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")
_current: ContextVar[str] = ContextVar("storybot_language", default=SOURCE_LANGUAGE)


@cache
def catalogs() -> dict[str, NullTranslations]:
    """Every shipped language's translations, English (the source text) first; read once, on first use."""
    found: dict[str, NullTranslations] = {SOURCE_LANGUAGE: NullTranslations()}
    for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=code, domain=DOMAIN)
        compiled = BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy (unchecked) translation is never shown
        compiled.seek(0)
        found[code] = Translations(compiled, domain=DOMAIN)
    return found


def languages() -> tuple[str, ...]:
    """The shipped language codes, English first."""
    return tuple(catalogs())


def normalize(tag: str | None) -> str | None:
    """A shipped language code for a language tag from outside ("es-MX" -> "es"), or None for anything else
    (absent, too long, malformed, or a language not shipped)."""
    if not tag or len(tag) > MAX_TAG or not (match := TAG.fullmatch(tag.strip())):
        return None
    code = match.group(1).lower()
    return code if code in catalogs() else None


def pick(stored: str | None, telegram_tag: str | None, default: str) -> str:
    """The language to answer in: the chat's own, else the user's Telegram language, else the default."""
    return normalize(stored) or normalize(telegram_tag) or normalize(default) or SOURCE_LANGUAGE


def activate(code: str) -> None:
    """The language of the rest of the current task (an update being handled)."""
    _current.set(code if code in catalogs() else SOURCE_LANGUAGE)


@contextmanager
def use(code: str) -> Iterator[None]:
    """The language inside the block, then back to the previous one."""
    token = _current.set(code if code in catalogs() else SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


def _(message: str) -> str:
    """`message` in the current language."""
    return catalogs()[_current.get()].gettext(message)


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated with `_()` where it is used."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the current language (its plural rule comes with its catalog)."""
    return catalogs()[_current.get()].ngettext(singular, plural, count)


def number(value: int | float) -> str:
    """A number as the current language writes it: 12,345 in English, 12.345 in Spanish."""
    return format_decimal(value, locale=_current.get())


def day(when: date, pattern: str) -> str:
    """A date in the current language; `pattern` is a CLDR pattern, itself translated (word order varies)."""
    return format_date(when, _(pattern), locale=_current.get())


def moment(when: datetime, pattern: str) -> str:
    """A date and time (already in the reader's zone) in the current language, as `day` does."""
    return format_datetime(when, _(pattern), tzinfo=when.tzinfo, locale=_current.get())
