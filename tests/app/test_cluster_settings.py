"""CLUSTER_* settings reach the clusterer; CLUSTER_EMBEDDINGS without the extra is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

import news.embed
from app.clustering import cluster_encoder, cluster_params
from app.settings import Settings
from bot.cli import main
from news.cluster import ClusterParams


def test_unset_cluster_settings_keep_the_tuned_defaults() -> None:
    assert cluster_params(Settings(_env_file=None)) == ClusterParams()
    assert cluster_encoder(Settings(_env_file=None)) is None


def test_cluster_settings_override_params(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUSTER_THRESHOLD", "0.2")
    monkeypatch.setenv("CLUSTER_WINDOW_HOURS", "48")
    monkeypatch.setenv("CLUSTER_HYBRID_THRESHOLD", "0.3")
    params = cluster_params(Settings(_env_file=None))
    assert (params.threshold, params.window_hours, params.hybrid_threshold) == (0.2, 48.0, 0.3)
    assert params.long_text_threshold == ClusterParams().long_text_threshold


@pytest.mark.parametrize("command", ["run", "cluster", "stats"])
def test_embeddings_asked_for_but_missing_exits_2_with_one_line(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLUSTER_EMBEDDINGS", "true")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setattr(news.embed, "embeddings_problem", lambda: "CLUSTER_EMBEDDINGS needs the embeddings extra")
    assert main([command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["storybot: CLUSTER_EMBEDDINGS needs the embeddings extra"]
    assert not (tmp_path / "x.db").exists()


def test_cluster_file_embeddings_flag_without_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(news.embed, "embeddings_problem", lambda: "needs the extra")
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "title": "x", "published": null}\n')
    assert main(["cluster-file", str(source), "--out", str(tmp_path / "out.jsonl"), "--embeddings"]) == 2
    assert "needs the extra" in capsys.readouterr().err
