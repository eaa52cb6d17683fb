"""A digest says what it has for every followed topic, through the real Application and the fake Bot API, on
SQLite and PostgreSQL: a topic seen for the first time shows its biggest current stories however long ago they
began, a topic with nothing new says so in one line, and a place's topic finds its people's word ("malaysia",
"Malaysian")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage import chats
from tests.bot.botkit import FAST, NOW, Item, say, wait_until
from tests.bot.harness import Harness, running_bot
from tests.bot.test_delivery import app_delivery

# A story that began three days ago and still grows; its headlines say "Malaysian", never "Malaysia".
PLANE_BEGAN = [Item("Reuters", "reuters.com", "Malaysian airliner with 239 aboard vanishes over the sea", hours_ago=3),
               Item("AP", "apnews.com", "Search widens for missing Malaysian jet", hours_ago=2)]
PLANE_NOW = [Item("BBC", "bbc.co.uk", "Malaysian jet search turns to the Indian Ocean", hours_ago=2),
             Item("CNN", "cnn.com", "Satellite images may show debris of the Malaysian jet", hours_ago=1),
             Item("Fox News", "foxnews.com", "Families of missing Malaysian jet passengers wait for word", hours_ago=1)]
HEAT = [Item("Le Monde", "lemonde.fr", "Heatwave grips southern Europe", "Temperatures passed 44C in Seville."),
        Item("El País", "elpais.com", "Europe swelters in record heat", "Spain and Italy issued red alerts.")]


def seed_world(h: Harness) -> None:
    h.seed("plane", PLANE_BEGAN, now=NOW - timedelta(days=3))
    h.seed("plane", PLANE_NOW, now=NOW)
    h.seed("heat", HEAT, now=NOW)


async def test_a_first_digest_shows_each_topic_and_says_when_one_has_nothing(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        seed_world(h)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada", language_code="en"))
        await say(h, chat.id, "/subscribe volcano")
        subscribed = await say(h, chat.id, "/subscribe malaysia")
        assert subscribed.text and subscribed.text.startswith("✅ Subscribed to malaysia")

        digest = await say(h, chat.id, "/digest")
        assert digest.text and "🔹 malaysia" in digest.text, digest.text
        assert "Malaysian" in digest.text  # the story began three days ago: a first digest still shows it
        assert "📭 volcano: nothing new since the last digest." in digest.text.split("\n")
        assert "heat" not in digest.text  # a topic line never pulls in stories of topics nobody follows

        spanish = h.telegram.add_private_chat(h.telegram.add_user("Lucía", language_code="es"))
        await say(h, spanish.id, "/subscribe volcano")
        await say(h, spanish.id, "/subscribe europe")
        digest = await say(h, spanish.id, "/digest")
        assert digest.text and "🔹 europe" in digest.text and "record heat" in digest.text
        assert "📭 volcano: nada nuevo desde el último resumen." in digest.text.split("\n"), digest.text


async def test_after_a_digest_only_news_counts_but_a_new_topic_shows_its_stories(tmp_path: Path, db_url: str) -> None:
    due = NOW + timedelta(hours=1)
    clock = [NOW]
    async with running_bot(tmp_path, db_url, None, lambda: clock[0], command_burst=100, **FAST) as h:
        delivery = app_delivery(h)
        seed_world(h)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada", language_code="en"))
        await say(h, chat.id, "/subscribe malaysia")
        with h.core.db.session() as s:
            chats.set_schedule(s, chat.id, "19:00", "UTC", due)
        clock[0] = due + timedelta(seconds=20)
        assert await delivery.tick(clock[0]) == 1
        await wait_until(lambda: any("Your digest" in (m.text or "") for m in h.telegram.messages(chat.id)))
        sent = [m for m in h.telegram.messages(chat.id) if "Your digest" in (m.text or "")]
        assert len(sent) == 1 and "Malaysian" in (sent[0].text or "")

        clock[0] += timedelta(hours=1)
        again = await say(h, chat.id, "/digest")  # the plane story was sent and did not grow: nothing new
        assert again.text == "📭 Nothing new in your topics since the last digest."

        await say(h, chat.id, "/subscribe europe")  # followed after the digest: its current stories show
        digest = await say(h, chat.id, "/digest")
        assert digest.text and "🔹 europe" in digest.text and "record heat" in digest.text, digest.text
        assert "📭 malaysia: nothing new since the last digest." in digest.text.split("\n")
        assert "Malaysian" not in digest.text
