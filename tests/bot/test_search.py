"""/story and inline search find the story the words are about (the cases seen on screen: "mars rover" suggested
Office for iPad and chocolate pills; "jagger" put the Big Bang story before Mick Jagger's)."""

from __future__ import annotations

from pathlib import Path

from fakes.newsroom import Item
from tests.bot.botkit import FAST, NOW, say, wait_until
from tests.bot.harness import running_bot

MARS = [Item("Reuters", "reuters.com", "NASA's Mars rover finds ancient lake bed in Gale crater", hours_ago=3),
        Item("AP", "apnews.com", "Curiosity rover spots signs of an old lake on Mars", hours_ago=2),
        Item("BBC", "bbc.co.uk", "Mars rover drills into lake sediment", hours_ago=1)]
OFFICE = [Item("Reuters", "reuters.com", "Microsoft may unveil Office for iPad on March 27", hours_ago=1),
          Item("The Verge", "theverge.com", "Office for iPad expected at Microsoft event", hours_ago=1),
          Item("CNET", "cnet.com", "Microsoft to show Office for iPad", "Nothing mars the launch plans.", hours_ago=1)]
PILLS = [Item("AP", "apnews.com", "Chocolate pills to be tested in large heart study", hours_ago=1),
         Item("NBC News", "nbcnews.com", "Would you take a chocolate pill for your heart?", hours_ago=1)]
JAGGER = [Item("BBC", "bbc.co.uk", "Mick Jagger 'struggling' over death of L'Wren Scott", hours_ago=2),
          Item("CNN", "cnn.com", "Jagger cancels Rolling Stones tour dates after Scott's death", hours_ago=2),
          Item("Fox News", "foxnews.com", "Rolling Stones postpone Australia tour as Jagger grieves", hours_ago=1)]
BIG_BANG = [Item(f"Outlet {n}", f"outlet{n}.example", f"Gravitational waves from the Big Bang detected, part {n}",
                 "Astronomers say the signal confirms cosmic inflation." + (" Even Mick Jagger tweeted about it."
                                                                            if n == 0 else ""), hours_ago=1)
            for n in range(6)]


async def test_search_finds_the_story_the_words_are_about(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        for key, items in (("mars", MARS), ("office", OFFICE), ("pills", PILLS), ("jagger", JAGGER),
                           ("bigbang", BIG_BANG)):
            h.seed(key, items, now=NOW)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))

        mars = await say(h, chat.id, "/story mars rover")
        assert mars.text and "rover" in mars.text.split("\n")[0].lower(), mars.text
        assert "Office" not in mars.text and "hocolate" not in mars.text
        pills = await say(h, chat.id, "/story chocolate pills")
        assert pills.text and "hocolate" in pills.text.split("\n")[0], pills.text

        await h.telegram.inline_query(h.telegram.add_user("Bob"), "jagger")
        await wait_until(lambda: h.telegram.inline_answers)
        results = h.telegram.inline_answers[0]["results"]
        assert results and "Jagger" in results[0]["title"], [r["title"] for r in results]


ZELENSKY = [Item("Reuters", "reuters.com", "Zelensky urges allies to speed up air defence deliveries", hours_ago=3),
            Item("AP", "apnews.com", "Ukraine's Zelensky visits the front line near Kharkiv", hours_ago=2),
            Item("BBC", "bbc.co.uk", "Zelensky meets European leaders in Kyiv", hours_ago=1)]
FED = [Item("Reuters", "reuters.com", "What to expect from Yellen's first Fed meeting", hours_ago=2),
       Item("CNBC", "cnbc.com", "Yellen's first meeting as Fed chair may focus on guidance", hours_ago=2),
       Item("AP", "apnews.com", "Fed expected to keep trimming bond purchases", "World markets await the decision.",
            hours_ago=1),
       Item("WSJ", "wsj.com", "Fed meeting: what investors watch", "The decision draws attention to rates.",
            hours_ago=1)]


async def test_a_misspelt_name_finds_its_story_and_a_passing_mention_is_no_answer(tmp_path: Path,
                                                                                  db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        for key, items in (("zelensky", ZELENSKY), ("fed", FED), ("mars", MARS), ("pills", PILLS)):
            h.seed(key, items, now=NOW)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))

        for query in ("/story zelenksy", "/story Zelenskyy", "/story zelensky kyiv"):
            card = await say(h, chat.id, query)
            assert card.text and "Zelensky" in card.text.split("\n")[0], (query, card.text)
        await h.telegram.inline_query(h.telegram.add_user("Bob"), "zelenksy")
        await wait_until(lambda: h.telegram.inline_answers)
        results = h.telegram.inline_answers[0]["results"]
        assert results and "Zelensky" in results[0]["title"], [r["title"] for r in results]

        # "world" and "draws" are each in one lead of the Fed story: said in passing, neither an answer nor a hint
        cup = await say(h, chat.id, "/story world cup draw")
        assert cup.text and cup.text.startswith("No story found") and "Maybe one of these" not in cup.text, cup.text
        # words no story holds get no unrelated "suggestions" either (they used to be the newest stories)
        nothing = await say(h, chat.id, "/story quidditch")
        assert nothing.text == "No story found for quidditch. Try fewer or other words.", nothing.text
        # a short word is never "corrected" into another ("mars" is no typo of "mare")
        assert "rover" in ((await say(h, chat.id, "/story mars")).text or "").split("\n")[0].lower()
