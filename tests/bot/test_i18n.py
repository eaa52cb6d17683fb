"""The catalogs: every marked string is extracted and translated, with the same placeholders and markup; every
message the bot builds fits Telegram's limits and parses as Telegram HTML in every shipped language."""

from __future__ import annotations

import io
import re
import string
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from PIL import Image

from app.chats import MAX_TOPICS, Schedule
from app.digests import Digest
from app.follows import MAX_FOLLOWS, Ending, Followed, FollowNote
from app.mutes import MAX_MUTES, Mute, MuteKind
from app.outlets import Lookup, OutletProfile
from app.settings import LANGUAGES
from bot import i18n
from bot.chart import WIDTH, coverage_chart
from bot.handlers import (
    admin,
    cards,
    common,
    fallback,
    follow,
    groups,
    language,
    mute,
    outlets,
    settings,
    start,
    topics,
)
from bot.i18n import _, languages, normalize, use
from bot.render import sources_page, story_card
from bot.render_digest import digest_messages
from bot.render_follow import follow_message, following_message
from bot.render_outlet import outlet_card, unknown_outlet
from bot.render_today import blindspot_messages, top_messages
from fakes.telegram_html import parse_html, utf16_len
from news.follow import SIDES, Development
from news.types import Bias, Coverage, Outlet, Provenance, SourceLine, StoryView
from storage.feeds import FeedHealth

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "bot" / "locales" / "es" / "LC_MESSAGES" / "storybot.po"
FIELD = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")
NOW = datetime(2026, 7, 31, 18, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
LONG = "W" * 60
MAX_TEXT, MAX_CAPTION, MAX_ANSWER, MAX_CALLBACK, MAX_DESCRIPTION = 4096, 1024, 200, 64, 256


def _catalog() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(msgid, source forms, translated forms) of every message in the Spanish catalog."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    out = []
    for message in catalog:
        if message.id:
            assert "fuzzy" not in message.flags, message.id
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            out.append((ids[0], tuple(ids), tuple(forms)))
    return out


def _extracted() -> set[str]:
    """What `make messages` extracts now (babel.cfg, the Makefile's keywords)."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    keywords = {**DEFAULT_KEYWORDS, "InvalidSchedule": None, "InvalidTopic": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {msgid if isinstance(msgid, str) else msgid[0] for _file, _line, msgid, _comments, _context in found}


def test_shipped_languages_are_english_and_spanish_everywhere() -> None:
    assert languages() == LANGUAGES == ("en", "es")
    assert set(language.NAMES) == set(LANGUAGES)


def test_every_string_marked_in_the_code_is_in_the_spanish_catalog() -> None:
    in_catalog = {msgid for msgid, _ids, _forms in _catalog()}
    extracted = _extracted()
    assert len(extracted) > 100
    assert extracted - in_catalog == set(), "run `make messages` and translate the new strings"
    assert in_catalog - extracted == set(), "obsolete entries: run `make messages`"


def test_the_spanish_catalog_is_complete_with_the_same_placeholders_and_markup() -> None:
    for msgid, ids, forms in _catalog():
        assert forms and all(f.strip() for f in forms), f"untranslated: {msgid!r}"
        fields = {f for text in ids for f in FIELD.findall(text)}
        tags = Counter(TAG.findall(ids[-1]))
        for form in forms:
            assert set(FIELD.findall(form)) <= fields, (msgid, form)
            assert set(FIELD.findall(form)) == {f for f in FIELD.findall(ids[-1])} or len(ids) > 1, (msgid, form)
            assert Counter(TAG.findall(form)) == tags, f"markup changed in {form!r}"
            list(string.Formatter().parse(form))  # no stray brace
            assert form.count("{") == form.count("}")
        if len(ids) == 1:
            assert forms[0] != "" and set(FIELD.findall(forms[0])) == fields


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_fits_and_parses_with_long_values(code: str) -> None:
    """Each catalog entry as sent: its fields filled with long (escaped) values; Telegram must accept it."""
    with use(code):
        for msgid, ids, _forms in _catalog():
            for count in (1, 2, 5):
                text = i18n.ngettext(ids[0], ids[1], count) if len(ids) > 1 else _(msgid)
                filled = text.format(**{name: LONG for name in FIELD.findall(text)})
                parsed = parse_html(filled, strict_entities=True)
                assert len(filled) <= MAX_TEXT and utf16_len(parsed.text) <= MAX_TEXT


@pytest.mark.parametrize(("tag", "code"), [
    ("es", "es"), ("es-MX", "es"), ("ES_ar", "es"), ("en", "en"), ("en-US", "en"), ("es-419", "es"),
    ("de", None), ("", None), (None, None), ("e", None), ("es-", None), ("<b>es</b>", None), ("es" * 40, None),
    ("español", None), (" es ", "es"), ("es\n", "es"),
])
def test_a_telegram_language_tag_becomes_a_shipped_language_or_nothing(tag: str | None, code: str | None) -> None:
    assert normalize(tag) == code


def test_spanish_plurals_follow_its_catalogs_rule() -> None:
    with use("es"):
        forms = [i18n.ngettext("{count} source", "{count} sources", n).format(count=n) for n in (0, 1, 2, 10**6)]
    assert forms == ["0 fuentes", "1 fuente", "2 fuentes", "1000000 fuentes"]


def test_the_language_falls_back_to_the_users_then_the_default() -> None:
    assert i18n.pick("es", "en", "en") == "es"
    assert i18n.pick(None, "es-AR", "en") == "es"
    assert i18n.pick(None, "fr", "es") == "es"
    assert i18n.pick("xx", None, "en") == "en"


VIEW = StoryView(
    story_id=2**31 - 1, headline="H" * 400, headline_url="https://example.com/" + "a" * 1900,
    lede="L" * 500, place="SAN FRANCISCO DE MACORÍS", first_reported=NOW - timedelta(hours=5),
    bullets=("B" * 500, "C" * 500, "D" * 500), article_count=123_456, source_count=4_321,
    coverage=Coverage(left=1_000, center=2_000, right=1_321, unrated=3,
                      factuality={"very high": 10, "mostly factual": 3, "mixed": 2, "low": 1}, blindspot="right"),
    links=tuple((f"Outlet {i} " + "n" * 60, f"https://outlet{i}.example/" + "p" * 300) for i in range(8)),
    first_seen=NOW - timedelta(hours=5), last_updated=NOW, new_sources=999,
)


FOLLOWED = [Followed(2**31 - i, VIEW if i % 2 else None, NOW + timedelta(days=7)) for i in range(MAX_FOLLOWS)]


def _rendered() -> list[tuple[str, str]]:
    """(kind, text) of every message and caption the bot builds, at its longest."""
    sources = [SourceLine(f"Outlet {i} " + "o" * 80, "H" * 400, "https://x.example/" + "q" * 1900, "left")
               for i in range(40)]
    subscriptions = [(2**31 - i, "t" * 64) for i in range(MAX_TOPICS)]
    schedule = Schedule("00:00,06:30,12:00,23:59", "America/Argentina/ComodRivadavia", NOW)
    health = [FeedHealth(i, "https://f.example/" + "u" * 300, "T" * 200, "", "paused", None, "E" * 2000, 99, None, 0)
              for i in range(60)]
    digest = Digest(1, date(2026, 9, 5), tuple((f"topic {i % 7} " + "x" * 50, replace(VIEW, story_id=i))
                                               for i in range(40)), ("a",), True, "Pacific/Chatham")
    cited = Provenance("R" * 200, "https://r.example/" + "p" * 282, "2026-12-31")  # the longest a table may give
    outlet = Outlet("O" * 60, ("o.example",), "US", Bias.LEAN_RIGHT, "mostly factual", "R" * 200, owner="W" * 200,
                    bias_from=cited, factuality_from=cited, owner_from=cited, closed=True)
    profile = OutletProfile("O" * 60, outlet, 10**6, tuple(("T" * 400, "https://t.example/" + "t" * 300)
                                                           for _i in range(3)), 1)
    mutes = [Mute(2**31 - i, MuteKind.SOURCE, "m" * 60) for i in range(MAX_MUTES)]
    views = [replace(VIEW, story_id=i) for i in range(5)]
    texts = [
        ("text", outlet_card(profile)), ("text", outlet_card(OutletProfile("x", None, 0))),
        ("text", unknown_outlet("n" * 60, Lookup(None, ("s" * 60,) * 5))), ("text", mute.mutes_message(mutes)[0]),
        ("text", topics.topics_message(subscriptions, mutes)[0]),
        *(("text", m) for m in [*top_messages(views, UTC_ZONE, "b" * 32), *top_messages([], UTC_ZONE, None)]),
        *(("text", m) for m in [*blindspot_messages(views, UTC_ZONE, "b" * 32),
                                *blindspot_messages([], UTC_ZONE, None)]),
        ("text", story_card(VIEW)), ("text", story_card(VIEW, compact=True)),
        ("text", sources_page(VIEW.headline, sources, 3)[0]),
        *(("text", m) for m in digest_messages(digest, "b" * 32)),
        *(("text", m) for m in digest_messages(replace(digest, picked=()))),
        ("text", start.help_text("b" * 32)), ("text", start.welcome_text("23:59", "America/Argentina/ComodRivadavia")),
        ("text", topics.topics_message(subscriptions)[0]), ("text", settings.with_pick(schedule)),
        ("text", language.language_text()),
        ("text", admin.stats_text({"feeds": {"total": 10**6, "ok": 10**6, "failing": 10**6, "paused": 10**6},
                                   "deliveries": {"sent": 10**6, "failed": 10**6}, "articles": 10**9,
                                   "articles_unclustered": 10**9, "stories": 10**9, "chats": 10**6,
                                   "chats_inactive": 10**6, "subscriptions": 10**7})),
        *(("text", block) for block in admin.failing_feeds_blocks(health)),
        ("caption", _("Coverage: who reports it, and when")),
        ("text", follow_message(FollowNote(1, None, VIEW, Development(10**6, 10**7, SIDES, "H" * 400, True)),
                                "b" * 32, 10**6)),
        *(("text", follow_message(FollowNote(1, None, VIEW, None, ending), "b" * 32, 10**6)) for ending in Ending),
        ("text", following_message(FOLLOWED, ZoneInfo("Pacific/Chatham"), NOW)),
        ("text", following_message([], UTC_ZONE, NOW)),
    ]
    constants = [common.REFUSAL, common.NO_CHAT, fallback.UNKNOWN, fallback.NOT_A_COMMAND,
                 fallback.STALE_BUTTON, groups.GROUP_HELLO, mute.MUTE_HOW, mute.NO_MUTES, outlets.BACK_TO_SOURCES]
    return texts + [("text", _(c)) for c in constants] + [("text", cards.gone(n)) for n in (1, 2, 10**6)]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_template_renders_within_telegram_limits(code: str) -> None:
    with use(code):
        rendered = _rendered()
        for kind, text in rendered:
            parsed = parse_html(text, strict_entities=True)
            limit = MAX_CAPTION if kind == "caption" else MAX_TEXT
            assert utf16_len(parsed.text) <= limit, text[:200]  # Telegram counts the text after parsing
        answers = [_(text).format(limit=MAX_FOLLOWS) for text in follow.FOLLOWED.values()]
        for answer in (cards.gone(10**6), _(common.REFUSAL), _(common.NO_CHAT), _(fallback.STALE_BUTTON), *answers):
            assert len(answer) <= MAX_ANSWER
        menu = start.command_menu(operator=True)
        assert all(1 <= len(c.description) <= MAX_DESCRIPTION for c in menu)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_keyboard_has_bounded_callback_data(code: str) -> None:
    schedule = Schedule("06:00", "Australia/Sydney", NOW)
    with use(code):
        keyboards = [cards.card_keyboard(VIEW), cards.pager_keyboard(2**31 - 1, 9998, 9999),
                     start.popular_keyboard(set(start.POPULAR)), settings.settings_keyboard(schedule),
                     language.language_keyboard(),
                     topics.topics_message([(2**31 - i, "t" * 64) for i in range(MAX_TOPICS)],
                                           [Mute(2**31 - i, MuteKind.WORD, "w" * 64) for i in range(MAX_MUTES)])[1],
                     cards.pager_keyboard(2**31 - 1, 9998, 9999, [(9999, "n" * 60)] * 8),
                     follow.following_keyboard(FOLLOWED)]
        for keyboard in keyboards:
            assert keyboard is not None
            for row in keyboard.inline_keyboard:
                for button in row:
                    assert button.text and len(str(button.callback_data or "").encode()) <= MAX_CALLBACK


def test_spanish_renders_spanish_words_dates_and_numbers() -> None:
    view = replace(VIEW, headline="ISS chiefs meet", headline_url="https://e.example/", lede="They met.",
                   bullets=(), links=(("AP", "https://ap.example/"),))
    digest = Digest(1, date(2026, 7, 31), (("space", view),), ("space",), True, "UTC", language="es")
    [first] = digest_messages(digest, "storybot")
    assert "Tu resumen · vie 31 jul" in first and "123.456 artículos · 4.321 fuentes" in first
    assert "Ficha completa ›" in first and "+999 desde tu último resumen" in first
    assert "SAN FRANCISCO DE MACORÍS, 31 JUL" in first
    with use("es"):
        card = story_card(VIEW)
    assert "Punto ciego: poca cobertura de la derecha" in card and "Fiabilidad: 10\xa0muy\xa0alta" in card
    with use("en"):
        assert "123,456 articles · 4,321 sources" in story_card(VIEW)
        assert "Tu resumen" in first and "Tu resumen" in digest_messages(digest)[0]
    with use("es"):  # the chat's own language wins over the one at hand
        assert "Your digest · Fri 31 Jul" in digest_messages(replace(digest, language="en"))[0]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_chart_speaks_the_language_and_keeps_its_legend_apart(code: str) -> None:
    coverage = Coverage(left=1_000, center=2_000, right=1_321, unrated=3, blindspot="left")
    published = [NOW - timedelta(hours=h) for h in range(0, 40, 3)]
    with use(code):
        png = coverage_chart("Reunión de los jefes espaciales: “acción”", coverage, published, NOW)
        wider = coverage_chart("x", coverage, published, NOW)
    with use("en"):
        english = coverage_chart("x", coverage, published, NOW)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == WIDTH
    assert (wider == english) == (code == "en")  # the labels are drawn in the language


def test_the_readme_lists_every_command_in_both_languages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with use("es"):
        spanish = {f"/{c.command}": c.description for c in start.command_menu()}
    rows = readme.split("| comando | descripción |")[1].split("\n\n")[0]
    table = dict(re.findall(r"^\| `(/\w+)` \| ([^|]+?) \|$", rows, re.M))
    assert table == spanish
    english = readme.split("## Using the bot")[1].split("###")[0]
    assert all(f"| `{name}" in english or f", `{name}" in english for name in spanish), "a command missing in English"
