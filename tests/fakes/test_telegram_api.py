"""The fake Bot API, driven by a real ``telegram.Bot`` / ``Application`` over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
)
from telegram.request import HTTPXRequest

from fakes.telegram_api import FakeTelegram
from fakes.telegram_html import HtmlParseError, parse_html

USER = 42
# RetryAfter.retry_after warns that it becomes a timedelta in PTB 23; seconds() below reads either.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="story_test_bot") as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    tg.add_private_chat(USER)  # Telegram answers "chat not found" until the user has started the bot
    async with Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest(read_timeout=2)) as client:
        yield client


def png(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def seconds(retry_after: int | dtm.timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else float(retry_after)


# --- an Application end to end ---------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    await update.effective_message.reply_html("<b>Hello</b> &amp; welcome", reply_markup=keyboard)


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None and query.chat_instance
    await query.answer("loading")
    await query.edit_message_text(f"<i>page</i> {query.data}", parse_mode="HTML")


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.inline_query is not None
    text = update.inline_query.query
    await update.inline_query.answer(
        [InlineQueryResultArticle("1", f"Story {text}", InputTextMessageContent(text))], cache_time=0
    )


@pytest.fixture
async def app(tg: FakeTelegram) -> AsyncIterator[Application]:
    application = Application.builder().token(tg.token).base_url(tg.base_url).build()
    application.add_handlers([CommandHandler("start", start), CallbackQueryHandler(more),
                              InlineQueryHandler(inline)])
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=2))
        yield application
        await application.updater.stop()
        await application.stop()


async def test_application_answers_start_and_a_button(tg: FakeTelegram, app: Application) -> None:
    await tg.send_message(USER, "/start")
    [reply] = await tg.wait_for_messages(USER, 1, timeout=3)
    assert reply.raw_text == "<b>Hello</b> &amp; welcome"
    assert reply.text == "Hello & welcome"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 5}]
    assert reply.buttons == [[{"text": "More", "callback_data": "more:1"}]]
    assert reply.reply_to_message_id is None  # PTB quotes only in groups by default

    await tg.press_button(USER, reply.message_id, "more:1")
    for _ in range(100):
        if reply.edits:
            break
        await asyncio.sleep(0.02)
    assert tg.callback_answers[0]["text"] == "loading"
    assert (reply.text, reply.entities, reply.reply_markup) == ("page more:1", [
        {"type": "italic", "offset": 0, "length": 4}], None)
    assert [r.method for r in tg.request_log if r.chat_id == USER] == ["sendmessage", "editmessagetext"]


async def test_inline_query_round_trips(tg: FakeTelegram, app: Application) -> None:
    await tg.inline_query(USER, "elections")
    for _ in range(100):
        if tg.inline_answers:
            break
        await asyncio.sleep(0.02)
    [answer] = tg.inline_answers
    assert answer["results"][0]["title"] == "Story elections"
    assert answer["cache_time"] == 0


# --- getUpdates ------------------------------------------------------------------------------------


async def test_long_poll_returns_as_soon_as_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    began = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10, read_timeout=12))
    await asyncio.sleep(0.1)
    await tg.send_message(USER, "hi")
    [update] = await poll
    assert update.message is not None and update.message.text == "hi"
    assert time.monotonic() - began < 1.0


async def test_long_poll_waits_for_its_timeout(bot: Bot) -> None:
    began = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - began < 2.0


async def test_offset_confirms_limit_caps_and_allowed_updates_filters(tg: FakeTelegram, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await tg.send_message(USER, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert len(tg.pending_updates) == 1

    await tg.inline_query(USER, "q")
    only_messages = await bot.get_updates(offset=rest[-1].update_id + 1, allowed_updates=["message"])
    assert only_messages == ()


async def test_a_second_poller_ends_the_first_with_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5, read_timeout=7))
    await asyncio.sleep(0.1)
    async with Bot(tg.token, base_url=tg.base_url) as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


# --- sending and Telegram's errors -----------------------------------------------------------------


async def test_send_message_options_are_recorded(tg: FakeTelegram, bot: Bot) -> None:
    asked = await tg.send_message(USER, "question")
    sent = await bot.send_message(
        USER, "see https://example.com", link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_parameters=ReplyParameters(asked["message_id"]),
    )
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "question"
    assert sent.link_preview_options is not None and sent.link_preview_options.is_disabled
    [record] = tg.messages(USER)
    assert record.link_preview_disabled and record.reply_to_message_id == asked["message_id"]
    assert isinstance(sent.date, dtm.datetime) and abs(sent.date.timestamp() - time.time()) < 5


async def test_forum_topics_carry_the_thread(tg: FakeTelegram, bot: Bot) -> None:
    forum = await tg.add_supergroup("Newsroom", is_forum=True)
    topic = await tg.create_topic(forum.id, "Politics")
    await bot.send_message(forum.id, "in topic", message_thread_id=topic)
    assert tg.messages(forum.id)[0].thread_id == topic
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(forum.id, "x", message_thread_id=topic + 1000)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<blink>x</blink>", 'unsupported start tag "blink" at byte offset 0'),
        ("x" * 4097, "Message is too long"),
        ("   \n", "Message text is empty"),
        ("é<b>x", 'find end tag corresponding to start tag "b"'),
    ],
)
async def test_bad_texts_are_bad_requests(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        await bot.send_message(USER, text, parse_mode="HTML")


async def test_length_counts_utf16_after_entity_parsing(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "😀" * 2049)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(USER, png(), caption="c" * 1025)


async def test_chat_states_map_to_ptb_errors(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_message(7, "hello")
    await tg.block(7)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(7, "x")
    group = await tg.add_group("Readers")
    await tg.kick(group.id)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-999, "x")
    gone = await tg.add_group("Gone")
    await tg.delete_chat(gone.id)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(gone.id, "x")
    old = await tg.add_group("Old")
    new_id = await tg.migrate_group(old.id)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(old.id, "x")
    assert migrated.value.new_chat_id == new_id
    await bot.send_message(new_id, "moved")


async def test_migration_and_membership_emit_updates(tg: FakeTelegram, bot: Bot) -> None:
    group = await tg.add_group("Club", admins=(5,))
    new_id = await tg.migrate_group(group.id)
    updates = await bot.get_updates()
    member = updates[0].my_chat_member
    assert member is not None and (member.old_chat_member.status, member.new_chat_member.status) == (
        "left", "member")
    migrations = [u.message for u in updates[1:] if u.message]
    assert migrations[0].migrate_to_chat_id == new_id and migrations[0].chat.id == group.id
    assert migrations[1].migrate_from_chat_id == group.id and migrations[1].chat.id == new_id


async def test_edits_and_deletes(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "one")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("one", USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("two", USER, 9999)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    edited = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    assert tg.messages(USER)[0].buttons[0][0]["callback_data"] == "ok"
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert tg.messages(USER)[0].deleted


async def test_rate_limits_answer_429_with_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "free while limits are off")
    await bot.send_message(USER, "still free")
    tg.enable_rate_limits(global_per_second=None, private_per_second=1, group_per_minute=2)
    await bot.send_message(USER, "first")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(USER, "second")
    assert seconds(limited.value.retry_after) == 1
    group = await tg.add_group("Busy")
    await bot.send_message(group.id, "1")
    await bot.send_message(group.id, "2")
    with pytest.raises(RetryAfter) as group_limited:
        await bot.send_message(group.id, "3")
    assert 55 <= seconds(group_limited.value.retry_after) <= 60
    assert tg.rate_limited_count == 2
    assert [(chat, window) for chat, window, _ in tg.rate_limited] == [(USER, "chat"), (group.id, "chat")]
    assert [r.status for r in tg.requests("sendMessage")][-4:] == [429, 200, 200, 429]


async def test_global_rate_spans_chats(tg: FakeTelegram, bot: Bot) -> None:
    tg.enable_rate_limits(global_per_second=2, private_per_second=None, group_per_minute=None)
    for user_id in (1, 2, 3):
        tg.add_private_chat(user_id)
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(3, "c")
    [(chat, window, short)] = tg.rate_limited
    assert (chat, window) == (3, "global") and 0 < short <= 1


async def test_injected_faults_then_recovery(tg: FakeTelegram) -> None:
    tg.add_private_chat(USER)
    async with Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest(read_timeout=0.3)) as bot:
        tg.inject_fault("sendMessage", count=1, kind="500")
        tg.inject_fault("getMe", count=1, kind="close")
        tg.inject_fault("getChat", count=1, kind="hang")
        tg.inject_fault("sendChatAction", count=1, kind="close_after")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(USER, "x")
        assert (await bot.send_message(USER, "x")).text == "x"
        with pytest.raises(NetworkError):
            await bot.get_me()
        with pytest.raises(TimedOut):
            await bot.get_chat(USER)
        with pytest.raises(NetworkError):
            await bot.send_chat_action(USER, "typing")
        assert tg.chat_actions == [{"chat_id": USER, "action": "typing", "message_thread_id": None}]
        assert (await bot.get_me()).username == "story_test_bot"


# --- the rest of the bot side ----------------------------------------------------------------------


async def test_get_me_tokens_and_unknown_methods(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username, me.supports_inline_queries) == (123456789, True, "story_test_bot", True)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{tg.base_url}{tg.token}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{tg.base_url}12:short/getMe") as response:
            assert response.status == 404
        async with http.post(f"{tg.base_url}{tg.token}/SENDMESSAGE", json={"chat_id": USER, "text": "j"}) as response:
            assert (await response.json())["result"]["text"] == "j"
    tg.revoke_token(tg.token)
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await bot.get_me()


async def test_photos_commands_members(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_photo(USER, png(8, 6), caption="<b>cap</b>", parse_mode="HTML")
    assert (message.photo[-1].width, message.photo[-1].height, message.caption) == (8, 6, "cap")
    assert tg.messages(USER)[0].photo == png(8, 6)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")

    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("digest", "Digest")], scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands([BotCommand("x", "X")], scope=BotCommandScopeChat(USER), language_code="de")
    assert set(tg.commands) == {"default", "all_group_chats", f"chat:{USER}|de"}
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == ["digest"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    for language in ("es-MX", "ES", "spa"):  # two lowercase letters (ISO 639-1) or nothing
        with pytest.raises(BadRequest, match="Invalid language code"):
            await bot.set_my_commands([BotCommand("start", "Start")], language_code=language)
    await bot.set_my_commands([BotCommand("start", "Empezar")], language_code="es")
    assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Empezar"]
    assert [c.description for c in await bot.get_my_commands()] == []  # the default menu was deleted above

    group = await tg.add_supergroup("Team", admins=(5,), members=(6,), bot_status="administrator")
    admins = await bot.get_chat_administrators(group.id)
    assert sorted(a.status for a in admins) == ["administrator", "administrator", "creator"]
    assert (await bot.get_chat_member(group.id, 6)).status == "member"
    assert (await bot.get_chat(group.id)).title == "Team"


async def test_group_commands_and_privacy_mode(tg: FakeTelegram, bot: Bot) -> None:
    group = await tg.add_group("Readers", members=(5,))
    await tg.send_message(group.id, "/digest@story_test_bot now", user=5)
    await tg.send_message(group.id, "just chatting", user=5)
    await tg.send_message(group.id, "/help@other_bot", user=5)
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert [m.text for m in messages] == ["/digest@story_test_bot now"]
    assert messages[0].entities[0].length == len("/digest@story_test_bot")


async def test_channels_post_as_the_channel(tg: FakeTelegram, bot: Bot) -> None:
    channel = await tg.add_channel("News", username="news_channel")
    post = await bot.send_message("@news_channel", "breaking")
    assert post.sender_chat is not None and post.sender_chat.id == channel.id and post.from_user is None
    await tg.send_message(channel.id, "from an admin")
    updates = await bot.get_updates()
    assert [u.channel_post.text for u in updates if u.channel_post] == ["from an admin"]
    readers = await tg.add_channel("Readers", bot_status="member")
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_message(readers.id, "x")


async def test_http_control_api(tg: FakeTelegram, bot: Bot) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{tg.api_root}/_control/send_message", json={"chat_id": 9, "text": "/start"}) as r:
            assert (await r.json())["result"]["entities"][0]["type"] == "bot_command"
        await bot.send_message(9, "<i>hey</i>", parse_mode="HTML")
        async with http.get(f"{tg.api_root}/_control/messages", params={"chat_id": "9", "count": "1"}) as r:
            [record] = (await r.json())["result"]
            assert (record["raw_text"], record["text"]) == ("<i>hey</i>", "hey")
        async with http.post(f"{tg.api_root}/_control/enable_rate_limits", json={"global_per_second": 1}) as r:
            assert r.status == 200
        async with http.get(f"{tg.api_root}/_control/stats") as r:
            assert (await r.json())["result"]["requests"] == len(tg.request_log) == 2  # getMe, sendMessage


# --- the HTML parser, table-driven -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>bold</b> <strong>s</strong>", "bold s",
         [{"type": "bold", "offset": 0, "length": 4}, {"type": "bold", "offset": 5, "length": 1}]),
        ("<i>a</i><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>", "abcdefg",
         [{"type": t, "offset": i, "length": 1} for i, t in enumerate(
             ["italic", "italic", "underline", "underline", "strikethrough", "strikethrough", "strikethrough"])]),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy",
         [{"type": "spoiler", "offset": 0, "length": 1}, {"type": "spoiler", "offset": 1, "length": 1}]),
        ('<a href="https://example.com/a?b=1&amp;c=2">link</a>', "link",
         [{"type": "text_link", "offset": 0, "length": 4, "url": "https://example.com/a?b=1&c=2"}]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1",
         [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]),
        ("<code>c</code> <pre>p</pre>", "c p",
         [{"type": "code", "offset": 0, "length": 1}, {"type": "pre", "offset": 2, "length": 1}]),
        ("<blockquote>q</blockquote><blockquote expandable>e</blockquote>", "qe",
         [{"type": "blockquote", "offset": 0, "length": 1},
          {"type": "expandable_blockquote", "offset": 1, "length": 1}]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍",
         [{"type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368324170671202286"}]),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB', []),
        ("AT&T &nbsp; &copy", "AT&T &nbsp; &copy", []),
        ("😀<b>x</b>", "😀x", [{"type": "bold", "offset": 2, "length": 1}]),
        ("<b>a<i>b</i></b>", "ab", [{"type": "bold", "offset": 0, "length": 2},
                                     {"type": "italic", "offset": 1, "length": 1}]),
        ("<B>x</>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("<b></b>x", "x", []),
    ],
)
def test_html_parser_accepts(source: str, text: str, entities: list[dict[str, object]]) -> None:
    parsed = parse_html(source)
    assert (parsed.text, parsed.entities) == (text, entities)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("ab <p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
        ("ж<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("😀 <x>", 'Unsupported start tag "x" at byte offset 5'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_html_parser_rejects(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as error:
        parse_html(source)
    assert str(error.value) == reason


def test_strict_entities_flags_named_entities_telegram_would_show_verbatim() -> None:
    with pytest.raises(HtmlParseError, match='Unsupported HTML entity "&nbsp;" at byte offset 2'):
        parse_html("a &nbsp; b", strict_entities=True)
