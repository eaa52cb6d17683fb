from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from news.cluster import ClusterParams, OnlineClusterer, cluster_records
from news.types import ClusterItem

T0 = datetime(2024, 3, 10, 8, 0, tzinfo=UTC)

MH370 = [
    "Malaysia Airlines flight MH370 missing over South China Sea",
    "Search for missing Malaysia Airlines MH370 widens",
    "MH370: Malaysia Airlines jet search enters fourth day",
    "Families of MH370 passengers wait for news from Malaysia Airlines",
]
OTHER = [
    "Apple unveils cheaper iPhone 5c model in India",
    "Federal Reserve holds interest rates steady, Yellen says",
    "Barcelona beat Real Madrid in El Clasico thriller",
    "Ukraine crisis: Crimea votes in referendum on joining Russia",
]


def counter_keys(start: int = 1) -> Callable[[], str]:
    numbers: Iterator[int] = iter(range(start, 1 << 30))
    return lambda: f"s{next(numbers)}"


def item(key: str, title: str, at: datetime | None = T0, source: str = "", summary: str = "") -> ClusterItem:
    return ClusterItem(key=key, title=title, summary=summary, source=source, published=at)


def mixed_stream() -> list[ClusterItem]:
    titles = [t for pair in zip(MH370, OTHER, strict=True) for t in pair] * 2
    return [item(f"i{n}", t, T0 + timedelta(hours=n)) for n, t in enumerate(titles)]


def test_same_event_headlines_join() -> None:
    clusterer = OnlineClusterer(new_key=counter_keys())
    keys = {clusterer.assign(item(f"m{n}", t)) for n, t in enumerate(MH370)}
    assert len(keys) == 1


def test_unrelated_headlines_do_not_join() -> None:
    clusterer = OnlineClusterer(new_key=counter_keys())
    keys = [clusterer.assign(item(f"o{n}", t)) for n, t in enumerate(OTHER)]
    assert len(set(keys)) == len(OTHER)


def test_story_idle_past_window_takes_no_more_articles() -> None:
    clusterer = OnlineClusterer(ClusterParams(window_hours=72, time_penalty=0.0), new_key=counter_keys())
    first = clusterer.assign(item("a", MH370[0]))
    same = clusterer.assign(item("b", MH370[1], T0 + timedelta(hours=48)))
    late = clusterer.assign(item("c", MH370[2], T0 + timedelta(hours=48 + 73)))
    assert same == first
    assert late != first


def test_undated_items_arrive_at_latest_time_seen() -> None:
    clusterer = OnlineClusterer(new_key=counter_keys())
    old = clusterer.assign(item("a", MH370[0], T0))
    clusterer.assign(item("x", OTHER[0], T0 + timedelta(days=10)))
    undated = clusterer.assign(item("b", MH370[1], None))
    assert undated != old  # "now" is day 10, so the day-0 story has expired
    assert clusterer.assign(item("c", MH370[2], None)) == undated


def test_all_undated_is_one_pool() -> None:
    clusterer = OnlineClusterer(new_key=counter_keys())
    keys = {clusterer.assign(item(f"m{n}", t, None)) for n, t in enumerate(MH370)}
    assert len(keys) == 1


def test_injected_new_key_gives_deterministic_keys() -> None:
    runs = []
    for _ in range(2):
        clusterer = OnlineClusterer(new_key=counter_keys())
        runs.append([clusterer.assign(it) for it in mixed_stream()])
    assert runs[0] == runs[1]
    assert runs[0][0] == "s1"


def test_default_keys_are_uuid_hex() -> None:
    key = OnlineClusterer().assign(item("a", MH370[0]))
    assert len(key) == 32 and int(key, 16) >= 0


def test_restore_then_assign_matches_uninterrupted_run() -> None:
    stream = mixed_stream()
    whole = OnlineClusterer(new_key=counter_keys())
    expected = [whole.assign(it) for it in stream]
    cut = len(stream) // 2
    made = len(set(expected[:cut]))
    resumed = OnlineClusterer(new_key=counter_keys(made + 1))
    for it, key in zip(stream[:cut], expected[:cut], strict=True):
        resumed.restore(it, key)
    assert [resumed.assign(it) for it in stream[cut:]] == expected[cut:]


def test_merge_is_reported_and_absorbed_key_resolves_to_survivor() -> None:
    params = ClusterParams(threshold=0.3, merge_threshold=0.3, bigram_weight=0.0)
    clusterer = OnlineClusterer(params, new_key=counter_keys())
    a = clusterer.assign(item("a", "Crimea referendum vote"))
    b = clusterer.assign(item("b", "Putin annexation speech Kremlin"))
    assert a != b
    for n in range(4):
        clusterer.assign(item(f"j{n}", "Crimea referendum vote Putin annexation speech Kremlin"))
    merges = clusterer.drain_merges()
    assert len(merges) == 1
    absorbed, survivor = merges[0]
    assert {absorbed, survivor} == {a, b}
    assert clusterer.drain_merges() == []
    clusterer.restore(item("r", "Crimea referendum vote"), absorbed)
    assert clusterer.active_stories == 1


def test_cluster_records_yields_every_id_in_order() -> None:
    records = [
        {"id": f"r{n}", "title": t, "summary": "", "source": "", "url": "", "published": "2024-03-10T00:00:00Z"}
        for n, t in enumerate(MH370 + OTHER)
    ] + [{"id": "u", "title": MH370[0], "summary": "", "source": "", "url": "", "published": None}]
    out = list(cluster_records(records))
    assert [i for i, _ in out] == [r["id"] for r in records]
    stories = dict(out)
    assert len({stories[f"r{n}"] for n in range(len(MH370))}) == 1
    assert stories["u"] == stories["r0"]


def test_restore_replays_merges_and_resolves_absorbed_keys() -> None:
    params = ClusterParams(threshold=0.3, merge_threshold=0.3, bigram_weight=0.0)
    titles = ["Crimea referendum vote", "Putin annexation speech Kremlin"] + [
        "Crimea referendum vote Putin annexation speech Kremlin"
    ] * 4 + ["Crimea referendum vote", "Kremlin speech", "Apple iPhone"]
    stream = [item(f"i{n}", t, T0 + timedelta(minutes=n)) for n, t in enumerate(titles)]
    whole = OnlineClusterer(params, new_key=counter_keys())
    expected = [whole.assign(it) for it in stream]
    assert whole.drain_merges()
    cut = 6
    resumed = OnlineClusterer(params, new_key=counter_keys(len(set(expected[:cut])) + 1))
    for it, key in zip(stream[:cut], expected[:cut], strict=True):
        resumed.restore(it, key)
    assert resumed.drain_merges()  # the replay finds the same merge
    assert [resumed.assign(it) for it in stream[cut:]] == expected[cut:]
