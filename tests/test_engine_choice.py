"""offline / edge / auto on a real script, with the real offline voice and the local edge server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiobulletin.parse import parse_text
from audiobulletin.script import build_script
from audiobulletin.speech import SpeechOptions, load_profile, render, requests_for
from audiobulletin.speech.choose import build_engine
from audiobulletin.speech.edge import Backoff
from edge_server import DROP

EDITION = """第一篇新闻的标题

本报讯（记者 张三）第一篇的正文只有两句。这是第二句。

第二篇新闻的标题

本报讯 第二篇的正文出现故障。然后还有一句。
"""
PROFILE = load_profile(Path(__file__).parents[1] / "voices" / "default.toml")


@pytest.fixture(scope="module")
def script():
    return build_script(parse_text(EDITION, paper="太原日报", date=dt.date(2021, 6, 27)))


def voice_it(choice: str, script, endpoint: str, cache_dir: Path):
    options = SpeechOptions(PROFILE, engine=choice, edge_endpoint=endpoint, workers=1, cache_dir=cache_dir)
    engine = build_engine(options, script.segments, backoff=Backoff(0.01, 0.05))
    try:
        return render(engine, requests_for(script, lambda role: PROFILE.voice_for(engine.name, role)))
    finally:
        engine.close()


def engines_by_article(script, speech) -> dict:
    out: dict = {}
    for index, clip in speech.clips.items():
        segment = script.segments[index]
        out.setdefault(segment.article if segment.article is not None else segment.role.value,
                       set()).add(clip.engine)
    return out


@pytest.mark.slow
def test_offline_never_touches_the_network(edge_server, script, tmp_path):
    speech = voice_it("offline", script, edge_server.endpoint, tmp_path)
    assert not speech.failures and len(speech.clips) == len(script.segments)
    assert {clip.engine for clip in speech.clips.values()} == {"offline"}
    assert edge_server.stats.connections == 0


@pytest.mark.slow
def test_auto_voices_the_failing_article_offline_and_the_rest_online(edge_server, script, tmp_path):
    edge_server.fail_when("故障", DROP)
    speech = voice_it("auto", script, edge_server.endpoint, tmp_path)
    assert not speech.failures and len(speech.clips) == len(script.segments)
    assert engines_by_article(script, speech) == {"intro": {"edge"}, 0: {"edge"}, 1: {"offline"},
                                                  "outro": {"edge"}}


def test_edge_never_falls_back(edge_server, script, tmp_path):
    edge_server.fail_when("故障", DROP)
    speech = voice_it("edge", script, edge_server.endpoint, tmp_path)
    (failed,) = speech.failures
    assert "故障" in script.segments[failed].spoken
    assert "failed after 5 attempt(s)" in speech.failures[failed].message
    assert {clip.engine for clip in speech.clips.values()} == {"edge"}
