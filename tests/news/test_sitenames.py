from __future__ import annotations

import pytest

from news.coverage import outlet_label
from news.sitenames import site_name
from news.types import StoryArticle


@pytest.mark.parametrize(("host", "name"), [
    ("detroit.cbslocal.com", "CBS Detroit"),
    ("moneynews.com", "Money News"),
    ("feeds.example-times.co.uk", "Example Times"),
    ("rss.cnn.com", "CNN"),
    ("127.0.0.1", "127.0.0.1"),
    ("localhost", "localhost"),
])
def test_site_names(host: str, name: str) -> None:
    assert site_name(host) == name


def test_cards_name_outlets_never_hosts() -> None:
    assert outlet_label(StoryArticle("t", "https://detroit.cbslocal.com/a", source_name="detroit.cbslocal.com")) == (
        "CBS Detroit")
    assert outlet_label(StoryArticle("t", "https://x.example/a", source_name="Gazette of Nowhere")) == (
        "Gazette of Nowhere")
    assert outlet_label(StoryArticle("t", "https://www.moneynews.com/a")) == "Money News"
