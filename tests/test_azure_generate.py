"""`generate` with the Azure engine against the local REST server: the whole sample edition with
the offline voice as per-article fallback, the terms guard, and the settings refused before any
speech (real CLI, real offline voice, real ffmpeg, real feed parser)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from azure_server import BAD_REQUEST, KEY
from plugin_dist import write_distribution

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "taiyuan-daily-2021-06-27.txt"
FAILING = "夜以继日"
"""Text in the body of the sample's third article, refused by the server (HTTP 400)."""


def run(folder: Path, *args: str, **env: str):
    """`audiobulletin generate` on the sample into folder/out, with the settings in `env`."""
    edition = folder / SAMPLE.name
    if not edition.exists():
        edition.write_bytes(SAMPLE.read_bytes())
    env = {"AUDIOBULLETIN_PAPER": "太原日报", "AUDIOBULLETIN_BASE_URL": "https://news.example.org/pod/",
           "AUDIOBULLETIN_PROFILE": str(ROOT / "voices" / "default.toml"),
           "AUDIOBULLETIN_CACHE_DIR": str(folder / "cache"), "AUDIOBULLETIN_WORKERS": "2", **env}
    return CliRunner().invoke(cli, ["generate", str(edition), "--out", str(folder / "out"), "--quiet", *args],
                              env=env)


def azure_env(server, **more: str) -> dict[str, str]:
    return {"AUDIOBULLETIN_AZURE_KEY": KEY, "AUDIOBULLETIN_AZURE_ENDPOINT": server.endpoint, **more}


@pytest.fixture(scope="module")
def sample_run(azure_server_session, tmp_path_factory):
    server = azure_server_session
    server.reset()
    server.fail_when(FAILING, BAD_REQUEST)
    folder = tmp_path_factory.mktemp("azure-sample")
    result = run(folder, "--engine", "azure", "--fallback", "offline", **azure_env(server))
    stats = server.stats
    server.reset()
    return folder / "out", result, stats


@pytest.mark.slow
def test_the_sample_is_voiced_by_azure_with_one_article_read_offline(sample_run):
    out, result, stats = sample_run
    assert result.exit_code == 0, result.output + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("published 2021-06-27, episode 1: 3 articles")
    articles = [line for line in lines if line.startswith("  article ")]
    by_engine = {line.split()[2] for line in articles}
    assert by_engine == {"azure", "offline"}
    (offline_article,) = [line for line in articles if line.split()[2] == "offline"]
    assert "疫苗" in offline_article
    assert "the fallback engine read 1 part(s)" in result.stderr and "HTTP 400" in result.stderr
    received = [r for r in stats.received]
    assert received and {r.auth for r in received} == {"key"} and {r.voice for r in received} == {
        "zh-CN-YunyangNeural", "zh-CN-XiaoxiaoNeural"}
    assert stats.statuses.count(400) == 1  # the 400 is not retried: the article falls back at once


@pytest.mark.slow
def test_the_notes_and_the_manifest_name_the_voices_used(sample_run):
    out, result, _ = sample_run
    feed = podcastparser.parse("https://news.example.org/pod/feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    [episode] = feed["episodes"]
    voices = episode["description"].split("朗读：")[1]
    assert "微软 Azure 语音" in voices and "第3篇：离线合成语音" in voices
    [record] = json.loads((out / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    assert record["engines"] == ["azure", "offline"]


@pytest.mark.slow
def test_the_key_is_written_nowhere(sample_run):
    out, result, _ = sample_run
    assert KEY not in result.output + result.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.slow
def test_commercial_allows_azure_alone(azure_server, tmp_path):
    result = run(tmp_path, "--engine", "azure", **azure_env(azure_server, AUDIOBULLETIN_COMMERCIAL="true"))
    assert result.exit_code == 0, result.output + result.stderr
    assert {line.split()[2] for line in result.stdout.splitlines() if line.startswith("  article ")} == {"azure"}


@pytest.mark.parametrize("engine, fallback, named", [
    ("auto", "", ["edge", "offline"]),
    ("edge", "", ["edge"]),
    ("offline", "", ["offline"]),
    ("azure", "offline", ["offline"]),
])
def test_commercial_refuses_before_any_speech(azure_server, tmp_path, engine, fallback, named):
    args = ["--engine", engine] + (["--fallback", fallback] if fallback else [])
    result = run(tmp_path, *args, **azure_env(azure_server, AUDIOBULLETIN_COMMERCIAL="1"))
    assert result.exit_code == 3
    (line,) = result.stderr.strip().splitlines()
    assert "commercial = true, but" in line and "engines whose terms allow it: azure" in line
    for name in ("edge", "offline"):
        assert (f"the {name} engine's terms" in line) == (name in named)
    assert azure_server.stats.requests == 0 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("env, message", [
    ({}, "the azure engine needs a Speech resource key"),
    ({"AUDIOBULLETIN_AZURE_KEY": KEY}, "the azure engine needs its region (or a full endpoint)"),
    ({"AUDIOBULLETIN_AZURE_KEY": KEY, "AUDIOBULLETIN_AZURE_REGION": "East Asia"}, "region name like eastus"),
])
def test_missing_azure_settings_stop_the_run_before_any_speech(tmp_path, env, message):
    result = run(tmp_path, "--engine", "azure", "--fallback", "offline", **env)
    assert result.exit_code == 3 and message in result.stderr
    assert KEY not in result.stderr and not (tmp_path / "out").exists()


def test_an_unknown_engine_in_the_profile_lists_the_known_ones(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('[polly]\nbody = { voice = "Zhiyu" }\n', encoding="utf-8")
    result = run(tmp_path, "--engine", "offline", AUDIOBULLETIN_PROFILE=str(profile))
    assert result.exit_code == 3
    assert f"{profile}: unknown engine section [polly] — known engines: azure, edge, kokoro, offline" in result.stderr


def test_an_unknown_engine_flag_names_the_flag(tmp_path):
    result = run(tmp_path, "--engine", "polly")
    assert result.exit_code == 3
    assert "--engine: unknown engine 'polly' — known engines: azure, edge, kokoro, offline" in result.stderr


def test_a_plugin_that_raises_on_import_is_named_and_the_others_still_work(tmp_path, monkeypatch):
    site = write_distribution(tmp_path / "site", "vendor-voice",
                              {"vendor_voice": "raise ImportError('No module named vendor_sdk')\n"},
                              {"vendor": "vendor_voice:VendorEngine"})
    monkeypatch.syspath_prepend(str(site))
    result = run(tmp_path, "--engine", "vendor")
    assert result.exit_code == 3
    assert ("engine 'vendor': plug-in 'vendor' (vendor_voice:VendorEngine) failed to load: "
            "ImportError: No module named vendor_sdk") in result.stderr
    listed = CliRunner().invoke(cli, ["voices"])
    assert listed.exit_code == 0
    assert "vendor: plug-in 'vendor' (vendor_voice:VendorEngine) failed to load" in listed.output
    assert "azure: 微软 Azure 语音" in listed.output and "offline: 离线合成语音" in listed.output
