"""The user's language through the real Application and the fake Bot API: a Spanish user's whole onboarding,
/language in private chats and groups, the command menus per language, and scheduled digests in the chat's
language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fakes.telegram_state import SentMessage
from storage import chats as chat_store
from storage.models import Chat
from tests.bot.botkit import FAST, ISS, NOW, button_data, press, say, wait_until
from tests.bot.harness import Harness, running_bot
from tests.bot.test_delivery import DUE, TICK, app_delivery


def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


def stored_language(h: Harness, chat_id: int) -> str | None:
    return h.core.interactive.sync(lambda s: chat_store.language(s, chat_id))


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for row in message.buttons for b in row]


async def test_a_spanish_users_whole_onboarding_then_english(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Lucía", language_code="es"))
        welcome = await say(h, chat.id, "/start")
        assert welcome.text and welcome.text.startswith("👋 Te damos la bienvenida a storybot.")
        assert "Recibirás un resumen cada día a las 08:00 (UTC)" in welcome.text
        assert "tog:science" in button_data(welcome) and "➕ science" in labels(welcome)
        assert stored_language(h, chat.id) == "es"

        await press(h, welcome, "tog:science")
        await wait_until(lambda: welcome.edits)
        assert h.telegram.callback_answers[-1]["text"] == "Siguiendo science"
        assert "✅ science" in labels(welcome) and welcome.text.startswith("👋 Te damos la bienvenida")

        subscribed = await say(h, chat.id, "/subscribe space")
        assert subscribed.text == "✅ Te suscribiste a space. Prueba /digest para ver ahora sus noticias principales."
        listing = await say(h, chat.id, "/topics")
        assert listing.text and listing.text.startswith("Tus temas (2/30)") and "Toca un tema" in listing.text

        help_text = await say(h, chat.id, "/help")
        assert help_text.text and help_text.text.startswith("Comandos\n/subscribe tema – seguir una palabra clave")
        assert "/language – el idioma en que hablo en este chat" in help_text.text

        digest = await say(h, chat.id, "/digest")
        assert digest.text and digest.text.startswith("🗞 Tu resumen · vie 31 jul")
        assert "artículos ·" in digest.text and "fuentes" in digest.text and "Ficha completa ›" in digest.text
        assert "space chiefs meet" in digest.text  # the news itself is not translated

        settings = await say(h, chat.id, "/settings")
        assert settings.text and settings.text.startswith("🕗 Resumen diario a las 08:00 (UTC).")
        assert "El próximo: sáb 1 de ago, 08:00, hora de UTC." in settings.text
        assert "Londres" in labels(settings) and "Elige una hora y una zona horaria:" in settings.text

        card = await say(h, chat.id, "/story space chiefs")
        assert card.text and "fuentes" in card.text and "📊 Cobertura" in labels(card)
        assert any(label.startswith("Las ") and label.endswith(" fuentes") for label in labels(card))
        assert (await say(h, chat.id, "/time 25:99")).text == (
            "“25:99” no es una hora: usa el formato de 24 horas HH:MM, p. ej., 07:30 o 18:00.")
        unknown = await say(h, chat.id, "/frobnicate")
        assert unknown.text == "No conozco ese comando. /help muestra lo que puedo hacer."

        choice = await say(h, chat.id, "/language")
        assert choice.text == "El idioma en que hablo en este chat: Español. Elige otro:"
        assert button_data(choice) == ["lang:en", "lang:es"] and labels(choice) == ["English", "• Español •"]
        await press(h, choice, "lang:en")
        await wait_until(lambda: choice.edits)
        assert h.telegram.callback_answers[-1]["text"] == "From now on I speak English here."
        assert choice.text == "The language I speak in this chat: English. Pick another one:"
        assert stored_language(h, chat.id) == "en"
        english = await say(h, chat.id, "/help")
        assert english.text and english.text.startswith("Commands\n/subscribe topic – follow a keyword")


async def test_the_language_comes_from_telegram_until_the_chat_has_one(tmp_path: Path) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, **FAST) as h:
        mexican = h.telegram.add_private_chat(h.telegram.add_user("Ana", language_code="es-MX"))
        assert ((await say(h, mexican.id, "/help")).text or "").startswith("Comandos")
        german = h.telegram.add_private_chat(h.telegram.add_user("Jan", language_code="de"))
        assert ((await say(h, german.id, "/help")).text or "").startswith("Commands")
        await say(h, german.id, "/start")
        assert stored_language(h, german.id) is None  # not shipped: the default, until /language
        nobody = h.telegram.add_private_chat(h.telegram.add_user("Zed", language_code=None))
        assert ((await say(h, nobody.id, "/start")).text or "").startswith("👋 Welcome")
        hostile = h.telegram.add_private_chat(h.telegram.add_user("Eve", language_code="es" + "-x" * 500))
        assert ((await say(h, hostile.id, "/help")).text or "").startswith("Commands")
        assert (await say(h, german.id, "/language es")).text == "A partir de ahora hablo Español aquí."
        assert stored_language(h, german.id) == "es"
        refused = await say(h, german.id, "/language klingon")
        assert refused.text and refused.text.startswith("No hablo ese idioma. Hablo: en (English), es (Español).")
        await h.telegram.press_button(german.id, refused.message_id, "lang:xx", forged=True)
        await wait_until(lambda: h.telegram.callback_answers)
        assert stored_language(h, german.id) == "es"  # forged data changes nothing


async def test_only_group_admins_change_the_groups_language(tmp_path: Path) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, **FAST) as h:
        owner, member = h.telegram.add_user("Olga", language_code="es"), h.telegram.add_user("Max")
        group = await h.telegram.add_group("Redacción", creator=owner, members=(member,))
        hello = (await h.telegram.wait_for_messages(group.id, 1))[0]
        assert hello.text and hello.text.startswith("👋 ¡Hola!")  # added by a Spanish speaker
        assert stored_language(h, group.id) == "es"
        assert ((await say(h, group.id, "/help", member)).text or "").startswith("Comandos")  # the group's language
        refused = await say(h, group.id, "/language en", member)
        assert refused.text and refused.text.startswith("Solo los administradores de este grupo")
        choice = await say(h, group.id, "/language", member)
        await press(h, choice, "lang:en", member)
        assert h.telegram.callback_answers[-1]["show_alert"] and stored_language(h, group.id) == "es"
        await press(h, choice, "lang:en", owner)
        assert stored_language(h, group.id) == "en"
        assert ((await say(h, group.id, "/help", member)).text or "").startswith("Commands")


async def test_command_menus_are_localized_and_names_stay_english(tmp_path: Path) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, admin_user_ids=[7], **FAST) as h:
        default, english, spanish = (h.telegram.commands[key] for key in ("default", "default|en", "default|es"))
        assert [c["command"] for c in default] == [c["command"] for c in spanish] == [c["command"] for c in english]
        assert "language" in [c["command"] for c in default]
        assert {c["command"]: c["description"] for c in default}["digest"] == "My digest now"
        assert {c["command"]: c["description"] for c in spanish}["digest"] == "Mi resumen ahora"
        operator = {c["command"]: c["description"] for c in h.telegram.commands.get("chat:7|es", [])}
        assert not operator or operator["stats"].startswith("Operador")
        menu = await h.runtime.application.bot.get_my_commands(language_code="es")
        assert menu[0].command == "start" and menu[0].description == "Bienvenida y temas populares"


async def test_a_scheduled_digest_is_in_the_chats_language(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: TICK) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS, now=TICK)
        spanish = h.telegram.add_private_chat(h.telegram.add_user("Lucía", language_code="es"))
        english = h.telegram.add_private_chat(h.telegram.add_user("Ada", language_code="en"))
        for chat in (spanish, english):
            await say(h, chat.id, "/subscribe space")
        with h.core.db.session() as s:
            for chat in (spanish, english):
                s.get_one(Chat, chat.id).next_digest_at = DUE
        assert await delivery.tick(TICK) == 2
        await delivery.idle()
        day = (DUE + timedelta(seconds=1)).strftime("%d").lstrip("0")
        assert (h.telegram.messages(spanish.id)[-1].text or "").startswith("🗞 Tu resumen · ")
        assert f" {day} " in (h.telegram.messages(spanish.id)[-1].text or "")
        assert (h.telegram.messages(english.id)[-1].text or "").startswith("🗞 Your digest · ")


async def test_top_blindspot_mute_and_outlets_in_spanish(tmp_path: Path) -> None:
    table = tmp_path / "outlets.csv"  # the bundled table has no factuality (MBFC's is not bundled): an operator's
    table.write_text("name,domains,country,bias,bias_source,factuality,factuality_source\n"
                     "Fox News,foxnews.com,US,right,AllSides,mixed,Media Bias/Fact Check\n", encoding="utf-8")
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, command_burst=100, outlets_file=table,
                           **FAST) as h:
        story_id = h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Lucía", language_code="es-419"))
        top = await say(h, chat.id, "/top")
        assert top.text and top.text.startswith("⭐ Noticias principales de hoy") and "artículos ·" in top.text
        blind = await say(h, chat.id, "/blindspot")
        assert blind.text and "Un punto ciego es una noticia" in blind.text
        muted = await say(h, chat.id, "/mute football")
        assert muted.text and muted.text.startswith("🔇 Silenciaste football")
        assert ((await say(h, chat.id, "/unmute")).text or "").startswith("Silenciado (1/30)")
        fox = await say(h, chat.id, "/source fox news")
        assert fox.text and "Sesgo: Derecha" in fox.text and "Fiabilidad: mixta" in fox.text
        assert "Hoy: cubrió 1 noticia" in fox.text and "País: US" in fox.text
        card = await say(h, chat.id, "/story space station cooperation")
        assert card.text and "4\xa0de\xa05\xa0fuentes\xa0con\xa0calificación" in card.text  # too few for shares
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: card.edits)
        assert card.text and "Las " in card.text and " fuentes · página 1/1" in card.text
        settings = await say(h, chat.id, "/settings")
        assert "🔍 Añadir una sección semanal de puntos ciegos" in labels(settings)
