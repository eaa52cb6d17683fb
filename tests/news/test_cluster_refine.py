"""Refinement: fragments of one story become one, ids stay stable (older id kept, split keeps the larger part)."""

from __future__ import annotations

from datetime import timedelta

from news.cluster import ClusterParams, OnlineClusterer, cluster_stream
from news.cluster.groupcache import DRIFT, REFRESH_SECONDS, GroupCache, Snapshot
from news.cluster.identity import match_groups
from tests.news.test_cluster import MH370, OTHER, T0, counter_keys, item

VOLCANO_A = ["Volcano erupts on Iceland's Reykjanes peninsula near Grindavik",
             "Iceland volcano eruption forces Grindavik evacuation",
             "Reykjanes volcano erupts again, Grindavik evacuated"]
VOLCANO_B = ["Grindavik lava: Iceland volcano eruption on Reykjanes peninsula",
             "Iceland's Reykjanes volcano eruption threatens Grindavik"]


def fragmented() -> OnlineClusterer:
    """One event restored as two stories (what an online pass can leave), plus unrelated stories."""
    clusterer = OnlineClusterer(ClusterParams(), new_key=counter_keys(100))
    for n, title in enumerate(VOLCANO_A):
        clusterer.restore(item(f"a{n}", title, T0 + timedelta(hours=n)), "old")
    for n, title in enumerate(VOLCANO_B):
        clusterer.restore(item(f"b{n}", title, T0 + timedelta(hours=5 + n)), "new")
    for n, title in enumerate(OTHER):
        clusterer.restore(item(f"o{n}", title, T0 + timedelta(hours=n)), f"other{n}")
    return clusterer


def test_fragments_of_one_story_merge_into_the_older_id() -> None:
    clusterer = fragmented()
    revision = clusterer.refine()
    assert revision.merges == (("new", "old"),)
    members = clusterer.open_members()
    assert {members[f"b{n}"] for n in range(2)} == {"old"} and members["a0"] == "old"
    assert revision.moved == 2  # only the absorbed fragment's articles changed story
    assert {members[f"o{n}"] for n in range(4)} == {f"other{n}" for n in range(4)}  # unrelated stories stay
    # The next article of the event joins the merged story, and the absorbed key resolves to it.
    assert clusterer.assign(item("late", "Iceland volcano: Grindavik lava eruption", T0 + timedelta(hours=8))) == "old"
    clusterer.restore(item("replayed", "Grindavik eruption", T0 + timedelta(hours=9)), "new")
    assert clusterer.open_members()["replayed"] == "old"


def test_a_second_pass_with_nothing_new_moves_nothing() -> None:
    clusterer = fragmented()
    clusterer.refine()
    again = clusterer.refine()
    assert again.moved == 0 and again.merges == () and again.splits == ()


def test_identity_split_keeps_the_id_on_the_larger_part_and_merge_keeps_the_older() -> None:
    current = ["x", "x", "x", "x", "x", "y", "z"]
    labels = [0, 0, 0, 1, 1, 2, 2]  # x splits 3 + 2; y and z become one group
    age = {"x": (0.0, "x"), "y": (5.0, "y"), "z": (1.0, "z")}
    revision = match_groups(current, labels, age, counter_keys(1))
    assert revision.stories == ("x", "x", "x", "s1", "s1", "z", "z")
    assert revision.splits == (("s1", "x"),) and revision.merges == (("y", "z"),)
    assert revision.moved == 3


def test_stream_reports_online_and_final_stories_and_churn_per_pass() -> None:
    titles = [t for pair in zip(MH370, OTHER, strict=True) for t in pair]
    records = [{"id": f"i{n}", "title": t, "summary": "", "source": "", "published": (T0 + timedelta(minutes=3 * n))
                .isoformat()} for n, t in enumerate(titles)]
    result = cluster_stream(records, ClusterParams(refine_every_minutes=5))
    assert set(result.online) == set(result.final) == {f"i{n}" for n in range(len(titles))}
    assert len(result.churn) >= 3  # paced by `published`, plus one at the end
    assert all(0 <= moved <= open_ for open_, moved in result.churn)
    mh = {result.final[f"i{n}"] for n in range(0, len(titles), 2)}
    assert len(mh) == 1 and mh.isdisjoint({result.final[f"i{n}"] for n in range(1, len(titles), 2)})
    off = cluster_stream(records, ClusterParams(refine_every_minutes=0))
    assert off.churn == [] and off.final == off.online


def test_refinement_of_an_empty_or_single_window_is_harmless() -> None:
    clusterer = OnlineClusterer(ClusterParams(), new_key=counter_keys())
    assert clusterer.refine().moved == 0
    key = clusterer.assign(item("only", "A lone headline about nothing in particular"))
    revision = clusterer.refine()
    assert revision.stories == (key,) and revision.moved == 0


def test_a_pass_examines_only_what_changed_since_the_last_and_its_neighbourhood() -> None:
    clusterer = OnlineClusterer(ClusterParams(), new_key=counter_keys(100))
    for n, title in enumerate(VOLCANO_A):
        clusterer.restore(item(f"a{n}", title, T0 + timedelta(hours=n)), "old")
    for n, title in enumerate(OTHER):
        clusterer.restore(item(f"o{n}", title, T0 + timedelta(hours=n)), f"other{n}")
    first = clusterer.refine()  # everything is new to the first pass
    assert set(first.articles) == {f"a{n}" for n in range(3)} | {f"o{n}" for n in range(4)} and first.moved == 0
    assert clusterer.refine().articles == ()  # nothing changed: nothing to look at
    # A fragment of the volcano story arrives as a story of its own; the next pass looks at it and at the
    # stories the online path would compare it with (the volcano), not at the unrelated ones.
    for n, title in enumerate(VOLCANO_B):
        clusterer.restore(item(f"b{n}", title, T0 + timedelta(hours=5 + n)), "new")
    revision = clusterer.refine()
    assert set(revision.articles) == {f"a{n}" for n in range(3)} | {"b0", "b1"}
    assert revision.merges == (("new", "old"),) and revision.moved == 2
    assert dict(revision.changes())["b1"] == "old" and clusterer.open_articles == 9
    # The merged story counts as touched once more (a chain may go on), then the window is quiet.
    assert clusterer.refine().moved == 0 and clusterer.refine().articles == ()


def test_stories_kept_between_passes_agree_with_stories_built_afresh() -> None:
    """The same articles, one clusterer refining as they come (cached groups), one refining once at the end."""
    titles = VOLCANO_A + OTHER + VOLCANO_B + MH370
    items = [item(f"i{n}", t, T0 + timedelta(minutes=10 * n)) for n, t in enumerate(titles)]
    stepwise = OnlineClusterer(ClusterParams(), new_key=counter_keys(1))
    at_once = OnlineClusterer(ClusterParams(), new_key=counter_keys(1))
    for it in items:
        stepwise.refine()
        stepwise.assign(it)
        at_once.assign(it)
    stepwise.refine()
    at_once.refine()

    def partition(members: dict[str, str]) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for article, story in members.items():
            groups.setdefault(story, set()).add(article)
        return {frozenset(g) for g in groups.values()}

    assert partition(stepwise.open_members()) == partition(at_once.open_members())
    volcano = {f"i{n}" for n in range(3)} | {f"i{n}" for n in range(7, 9)}
    assert frozenset(volcano) in partition(stepwise.open_members())


def test_a_kept_group_is_weighed_afresh_once_its_idf_has_aged() -> None:
    cache = GroupCache()

    def keep(built: float = 0.0, docs: int = 1000, size: int = 3) -> None:
        cache.store("s", Snapshot({"volcano": 1.0}, None, size, 0.0, 0.0, 0, built, docs))

    def usable(now: float, docs: int, articles: int = 3) -> bool:
        cache.now, cache.docs = now, docs
        return cache.usable("s", articles) is not None

    keep()
    assert usable(REFRESH_SECONDS, 1000 + int(DRIFT * 1000)) and usable(0.0, 1000, articles=5)
    assert not usable(REFRESH_SECONDS + 1, 1000) and len(cache) == 0  # stream time: aged, and forgotten
    keep()
    assert not usable(0.0, 1000 + int(DRIFT * 1000) + 1)  # the window's document count moved too far
    keep()
    assert not usable(0.0, 1000, articles=2)  # the story lost articles: its kept sum no longer fits it
