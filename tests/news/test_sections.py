"""Sections of stories, on real headlines of the UCI dev week (17-18 March 2014), and the online learner."""

from __future__ import annotations

import time

import pytest

from news.sections import (
    SectionModel,
    labelled_sections,
    learn_from_feeds,
    load_seed_model,
    sections_by_item,
    story_sections,
)
from news.types import StoryArticle

JAGGER = [
    ("Sir Mick Jagger - Mick Jagger's Model Daughter Cancels Runway Show", "Contactmusic.com"),
    ("Mick Jagger On L'Wren Scott Suicide: 'I Am Still Struggling To Understand'", "Huffington Post"),
    ("L'Wren Scott dead: Fashion designer and Mick Jagger's girlfriend 'found hanged  ...", "Mirror.co.uk"),
    ("L'Wren Scott's Fashion Label Owed Millions To Creditors", "Forbes"),
    ("Stones scrap show after L'Wren Scott death", "BBC News"),
    ("Fashion designer and longtime Mick Jagger paramour L'Wren Scott found dead", "New York Daily News"),
    ("L'Wren Scott dead: Fashion world shocked by designer's apparent suicide", "Telegraph.co.uk"),
    ("L'Wren Scott remembered by fashion world", "CNN"),
    ("Jagger girlfriend's fashion business had big debts", "Reuters"),
    ("L'Wren Scott's business was in trouble", "New York Post"),
    ("L'Wren Scott was planning to close her business this week", "E! Online"),
]
MH370 = [
    ("Malaysia Airlines jet search – As it happened", "Zee News"),
    ("Malaysian Airlines MH370: live", "Telegraph.co.uk"),
    ("TIMELINE-How Malaysia's Flight MH370 went missing", "Reuters India"),
    ("The last known moments of Malaysia Airlines flight MH370", "ITV News"),
    ("Co-pilot spoke final words to ATC: Malaysian Airlines", "The Hindu"),
    ("More Countries Join Search for Missing Malaysia Flight", "News Channel Daily"),
    ("Malaysia Airlines Flight MH370 search stretches 16000 km", "CBC.ca"),
    ("MH370 hunt relying on satellite data never before used to find a missing plane", "MetroNews Canada"),
    ("Co-pilot 'uttered last words' from MH370", "Sky News Australia"),
    ("Search expands for for missing Malaysian airplane", "The Times-Picayune"),
    ("MH370: Files were deleted from flight simulator, says Malaysia", "The Guardian"),
]
GM_RECALL = [
    ("GM recalls 1.18 million SUVs for air bag problem", "Idaho State Journal"),
    ("US automaker GM pulls 1.1m SUVs for airbag defects", "Hong Kong Standard"),
    ("New GM recall for 1.18M SUVs", "Houston Chronicle"),
    ("GM recalls 1.18 million SUVs over airbag issue", "Fox News"),
    ("GM recall affects 1.18M Buick Enclave and GMC Acadia SUVs; 364k commercial  ...", "NewsNet5.com"),
]


def story(headlines: list[tuple[str, str]], categories: tuple[str, ...] = ()) -> list[StoryArticle]:
    return [StoryArticle(title=t, url=f"https://example.com/{i}", source_name=s, categories=categories)
            for i, (t, s) in enumerate(headlines)]


@pytest.fixture(scope="module")
def seed() -> SectionModel:
    return load_seed_model()


def test_death_of_a_designer_is_not_business(seed: SectionModel) -> None:
    sections = story_sections(seed, story(JAGGER))
    assert "business" not in sections
    assert sections[:1] == ("entertainment",)


def test_missing_plane_is_not_entertainment(seed: SectionModel) -> None:
    assert "entertainment" not in story_sections(seed, story(MH370))


def test_a_recall_story_is_not_entertainment(seed: SectionModel) -> None:
    # UCI filed most GM recall coverage under technology in its training days: the seed follows it
    assert "entertainment" not in story_sections(seed, story(GM_RECALL))


def test_a_technology_feed_labels_its_own_story(seed: SectionModel) -> None:
    article = [("Local bakery wins a national award for its bread", "Example Times")]
    assert "technology" not in story_sections(seed, story(article))
    assert story_sections(seed, story(article, ("Technology",)))[:1] == ("technology",)


def test_one_outlet_posting_many_updates_counts_once(seed: SectionModel) -> None:
    updates = [(f"LIVE: markets update {i}: shares and earnings", "Wire") for i in range(10)]
    articles = story(JAGGER[:4]) + story(updates)
    assert story_sections(seed, articles)[:1] == ("entertainment",)


COVID_HEADLINES = [
    "Covid cases rise again in {}", "{} reports new covid deaths", "Covid wave hits hospitals in {}",
    "Covid vaccine rollout speeds up in {}", "{} lifts covid restrictions", "New covid variant found in {}",
]
PLACES = ["Ohio", "Texas", "Berlin", "Madrid", "Lagos", "Lima", "Osaka", "Quebec", "Kerala", "Bavaria"]


def test_the_learner_picks_up_a_new_word_from_labelled_feeds(seed: SectionModel) -> None:
    model = SectionModel.from_bytes(seed.to_bytes())
    probe = story([("Covid surges across the Midwest", "Example Times"), ("Hospitals brace as covid returns", "Daily"),
                   ("Covid: what we know about the new wave", "Post")])
    assert "health" not in story_sections(model, probe)
    feed = [StoryArticle(title=h.format(p), url="", source_name="Health Desk", categories=("Health",))
            for h in COVID_HEADLINES for p in PLACES]
    assert learn_from_feeds(model, feed) == len(feed)
    assert story_sections(model, probe)[:1] == ("health",)
    assert "health" not in story_sections(seed, probe)  # the copy learned, the seed did not
    restored = SectionModel.from_bytes(model.to_bytes())
    assert story_sections(restored, probe)[:1] == ("health",) and restored.learned == len(feed)


def test_unlabelled_articles_teach_nothing(seed: SectionModel) -> None:
    model = SectionModel.from_bytes(seed.to_bytes())
    assert learn_from_feeds(model, story(JAGGER, ("Politics", "Opinion"))) == 0


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (("Technology",), {"technology"}), (("Tech",), {"technology"}), (("news/technology",), {"technology"}),
        (("Science & Environment",), {"science"}), (("Sport", "Football"), {"sports"}),
        (("Politics", "Opinion"), set()), (("Marketing",), set()), (("World news", "Business"), {"world", "business"}),
    ],
)
def test_labelled_sections(categories: tuple[str, ...], expected: set[str]) -> None:
    assert labelled_sections(categories) == expected


def test_sections_by_item_gives_every_item_its_story_sections(seed: SectionModel) -> None:
    records = [{"id": f"j{i}", "title": t, "source": s} for i, (t, s) in enumerate(JAGGER)]
    records += [{"id": f"g{i}", "title": t, "source": s} for i, (t, s) in enumerate(GM_RECALL)]
    stories = {str(r["id"]): str(r["id"])[0] for r in records}
    found = sections_by_item(records, stories, seed)
    assert set(found) == set(stories)
    assert found["j0"] == found["j5"] and found["g0"] == found["g4"] and "entertainment" not in found["g0"]


def test_seed_is_small_and_loads_fast() -> None:
    started = time.perf_counter()
    model = load_seed_model()
    assert time.perf_counter() - started < 0.5
    assert len(model.to_bytes(quantise=True)) < 1 << 20


def test_state_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="another format"):
        SectionModel.from_bytes(_other_format())


def _other_format() -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, format=np.int32(99), sections=np.array(["world"]))
    return buffer.getvalue()


POLITICS = [
    ("Senate passes stopgap bill to avert a government shutdown",
     "The measure now goes to the House, where Democrats and Republicans remain split over border security."),
    ("House Democrats subpoena White House officials in impeachment inquiry",
     "Committee chairs said the administration had ignored earlier requests for documents and testimony."),
    ("Governor signs sweeping voting law after heated debate",
     "Republican lawmakers said the law protects election integrity; Democrats called it voter suppression."),
    ("Trump rallies supporters in Pennsylvania ahead of midterms",
     "The former president repeated claims about the 2020 election to a crowd of thousands."),
    ("Biden nominee faces tough questions at confirmation hearing",
     "Senators from both parties pressed the nominee on past statements and immigration policy."),
]


@pytest.mark.parametrize(("title", "lead"), POLITICS)
def test_a_one_article_political_story_is_no_section(seed: SectionModel, title: str, lead: str) -> None:
    # the seed learned "no section" from political titles: politics no longer drifts into business
    assert story_sections(seed, [StoryArticle(title=title, url="", summary=lead)]) == ()


def test_political_negatives_leave_real_sections_listed(seed: SectionModel) -> None:
    phone = StoryArticle(title="Apple unveils new iPhone with faster chip and better camera", url="",
                         summary="The company said the phone goes on sale next week.")
    stocks = StoryArticle(title="Stocks fall as oil prices climb and investors weigh Fed rate hike", url="",
                          summary="The Dow dropped 300 points while Treasury yields rose.")
    assert story_sections(seed, [phone])[:1] == ("technology",)
    assert story_sections(seed, [stocks])[:1] == ("business",)
