"""Ejects and splits before a refinement pass merges: what shares no core leaves, two events part."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.cluster import ClusterParams, OnlineClusterer, params_with
from news.cluster.eject import core_terms, pieces
from news.cluster.refine import Member
from news.cluster.terms import TermWeigher
from news.words import stem
from tests.news.test_cluster import MH370, T0, counter_keys, item

PI_DAY = "Top 10 pies for Pi Day celebrations"
SENTENCE = ["Court sentences former officer to 22 years in prison for murder",
            "Former officer gets 22-year prison sentence from court for murder",
            "Judge hands former officer 22 years for murder in prison sentence"]
VERDICT = ["Jury finds former officer guilty on all counts in murder trial",
           "Former officer convicted on all counts as jury returns murder verdict",
           "Murder trial jury reaches guilty verdict on all counts for former officer"]


def _members(titles: list[str], sources: list[str] | None = None) -> list[Member]:
    weigher = TermWeigher(ClusterParams())
    when = T0.timestamp()
    return [Member(f"m{n}", weigher.observe(title, "", when), (sources or [""] * len(titles))[n])
            for n, title in enumerate(titles)]


def test_the_core_is_what_a_share_of_the_articles_carry() -> None:
    members = _members([*MH370, PI_DAY])
    core = core_terms(members, 0.3)
    assert {stem("malaysia"), "mh370"} <= core and not core & {stem("pies"), "pi"}


def test_a_core_term_of_one_outlet_alone_is_no_core_when_outlets_are_known() -> None:
    members = _members(["Acme profit rises", "Acme profit falls", "Acme profit flat"], ["A", "A", "A"])
    assert core_terms(members, 0.5) == set()
    assert core_terms(_members(["Acme profit rises", "Acme shares up"], ["A", "B"]), 0.5) == {stem("acme")}


def test_an_article_sharing_no_core_term_starts_alone() -> None:
    members = _members([*MH370, PI_DAY])
    vectors = [m.item.vec for m in members]
    params = params_with(eject_core_share=0.3)
    cut = pieces(list(range(5)), members, vectors, params, hybrid=False)
    assert sorted(cut) == [[0, 1, 2, 3], [4]]
    off = params_with(eject_core_share=0.0)
    assert pieces(list(range(5)), members, vectors, off, hybrid=False) == [[0, 1, 2, 3, 4]]


@pytest.mark.parametrize("size", [1, 2])
def test_too_small_a_story_has_no_core_to_leave(size: int) -> None:
    members = _members([MH370[0], PI_DAY][:size])
    params = params_with(eject_core_share=0.3)
    assert pieces(list(range(size)), members, [m.item.vec for m in members], params, False) == [list(range(size))]


def test_a_story_of_two_events_splits_at_the_threshold_and_not_above_its_size_cap() -> None:
    members = _members(SENTENCE + VERDICT)
    vectors = [m.item.vec for m in members]
    params = params_with(split_threshold=0.2)
    assert sorted(sorted(p) for p in pieces(list(range(6)), members, vectors, params, False)) == [[0, 1, 2], [3, 4, 5]]
    capped = params_with(split_threshold=0.2, split_max_size=5)
    assert pieces(list(range(6)), members, vectors, capped, False) == [list(range(6))]


def test_a_pass_ejects_the_stray_and_the_story_keeps_its_id() -> None:
    clusterer = OnlineClusterer(params_with(eject_core_share=0.3), new_key=counter_keys(100))
    for n, title in enumerate([*MH370, PI_DAY]):
        clusterer.restore(item(f"a{n}", title, T0 + timedelta(hours=n)), "plane")
    revision = clusterer.refine()
    members = clusterer.open_members()
    assert {members[f"a{n}"] for n in range(4)} == {"plane"}
    assert members["a4"] != "plane" and revision.moved == 1
    assert clusterer.refine().moved == 0  # the next pass leaves it where it went
