from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from news.cluster.sparse import DocFreq, dot, normalized
from news.cluster.text import CaseStats, extract_terms, stem

REPO = Path(__file__).resolve().parents[2]


def test_names_and_numbers_are_flagged_and_stopwords_dropped() -> None:
    terms = extract_terms("", "The talks with Kim Jong Un ended after 2 days in Hanoi.", CaseStats())
    flags = {t.text: (t.entity, t.number) for t in terms}
    assert flags["kim"] == (True, False)
    assert flags["hanoi"] == (True, False)
    assert flags["2"] == (False, True)
    assert flags["talk"] == (False, False)
    assert "the" not in flags and "with" not in flags


def test_title_case_headline_learns_names_from_earlier_sentence_case_text() -> None:
    stats = CaseStats()
    for _ in range(2):
        extract_terms("", "Shares of Herbalife fell sharply.", stats)
    terms = {t.text: t.entity for t in extract_terms("Herbalife Shares Plunge On Probe", "", stats)}
    assert terms[stem("herbalife")] is True
    assert terms[stem("plunge")] is False


def test_stem_joins_plural_and_possessive() -> None:
    assert stem("sanctions") == stem("sanction")
    assert stem("putin's") == "putin"
    assert stem("companies") == stem("company")
    assert stem("recalled") == stem("recalls")


def test_stem_joins_ing_forms_but_leaves_short_words() -> None:
    assert stem("talking") == stem("talks") == "talk"
    assert stem("meetings") == stem("meeting")
    assert stem("king") == "king" and stem("thing") == "thing"


def _texts(title: str) -> list[str]:
    return [t.text for t in extract_terms(title, "", CaseStats())]


def test_amounts_written_differently_become_one_term() -> None:
    assert "719k" in _texts("Jobless claims rise to 719K") and "719k" in _texts("719,000 Americans file claims")
    assert "118m" in _texts("GM recalls 1.18M SUVs") and "118m" in _texts("GM recalls 1.18 million SUVs")
    assert "15b" in _texts("A $1.5bn deal") and "15b" in _texts("A $1.5 billion deal")
    assert "18k" in _texts("18000 volunteers") and "18k" in _texts("18,000 volunteers")
    assert "2014" in _texts("Recalls in 2014") and "1500" in _texts("1500-year-old moss")  # years stay


def test_hyphenated_words_split_into_their_parts() -> None:
    assert {"17", "long", "truce"} <= set(_texts("A truce in a 17-year-long fight"))


def test_doc_freq_forgets_items_older_than_the_window() -> None:
    df = DocFreq(bucket_seconds=86400, buckets=2)
    df.add(["crimea"], when=0)
    df.add(["gox"], when=86400)
    assert df.df == {"crimea": 1, "gox": 1} and df.docs == 2
    df.add(["gox"], when=2 * 86400)
    assert df.df == {"gox": 2} and df.docs == 2
    assert df.idf("unseen") > df.idf("gox")


def test_dot_of_unit_vectors_is_cosine() -> None:
    a = normalized({"x": 3.0, "y": 4.0})
    assert abs(dot(a, a) - 1.0) < 1e-12
    assert dot(a, {"z": 1.0}) == 0.0


def test_clustering_does_not_depend_on_the_hash_seed() -> None:
    code = (
        "from tests.news.test_cluster import mixed_stream, counter_keys\n"
        "from news.cluster import OnlineClusterer\n"
        "c = OnlineClusterer(new_key=counter_keys())\n"
        "print([c.assign(i) for i in mixed_stream()])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env={"PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
