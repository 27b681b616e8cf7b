"""Bad input: one line on stderr naming the file, exit code 2, nothing in --out changed."""

import hashlib

import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from test_publication import publish


def _snapshot(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(tmp_path):
    """An output folder holding one published episode (feeds, manifest, a version of 2021-06-26)."""
    out = tmp_path / "out"
    publish(out, 26)
    return out


@pytest.mark.parametrize("name,content,message", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b" \n\n\t \r\n", "is empty"),
    ("binary.txt", bytes(range(256)) * 16, "is a binary file"),
    ("prose.txt", "今天天气很好，我们去公园散步。然后回家吃饭。".encode(), "no recognisable article"),
])
def test_bad_edition_fails_cleanly_and_leaves_output_alone(tmp_path, published, newsroom_config, name, content,
                                                           message):
    edition = tmp_path / name
    if content is not None:
        edition.write_bytes(content)
    before = _snapshot(published)
    result = CliRunner().invoke(cli, ["--config", str(newsroom_config), "generate", str(edition),
                                      "--date", "2021-06-27", "--out", str(published)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]
    assert len(lines) == 1 and message in lines[0] and str(edition) in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert _snapshot(published) == before
    assert sorted(p.name for p in published.rglob("*") if p.name.startswith(".")) == []


def test_out_that_is_a_file_is_an_input_error(tmp_path, sample_path, newsroom_config):
    target = tmp_path / "out"
    target.write_text("not a folder")
    result = CliRunner().invoke(cli, ["--config", str(newsroom_config), "generate", str(sample_path),
                                      "--out", str(target)])
    assert result.exit_code == 2 and "is not a folder" in result.stderr


def test_unknown_date_format_is_a_usage_error(sample_path, tmp_path):
    result = CliRunner().invoke(cli, ["generate", str(sample_path), "--date", "27/06/2021", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is not a date like 2021-06-27" in result.stderr


def test_invalid_config_is_exit_3(tmp_path, sample_path):
    config = tmp_path / "bad.toml"
    config.write_text('paper = "某报"\nengine = "telepathy"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "parse", str(sample_path)])
    assert result.exit_code == 3 and str(config) in result.stderr
    assert "unknown engine 'telepathy' — known engines: azure, edge, kokoro, offline" in result.stderr


@pytest.mark.parametrize("command", ["generate", "parse"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "audiobulletin " + command in result.output


@pytest.mark.slow
def test_edge_engine_without_service_fails_with_exit_4_and_publishes_nothing(tmp_path, published, sample_path):
    # a closed port on this machine: the online voice is unreachable, and --engine edge never falls back
    config = tmp_path / "edge.toml"
    config.write_text('paper = "太原日报"\nedge_endpoint = "ws://127.0.0.1:9/consumer/speech/synthesize/readaloud/edge/v1"\n'
                      f'cache_dir = "{tmp_path / "cache"}"\n', encoding="utf-8")
    edition = tmp_path / "short-2021-06-28.txt"
    edition.write_text("标题一则\n\n本报讯 正文一句。\n", encoding="utf-8")
    before = _snapshot(published)
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(published),
                                      "--engine", "edge", "-q"])
    assert result.exit_code == 4, result.output
    line = [line for line in result.stderr.splitlines() if line.startswith("audiobulletin: error:")]
    assert len(line) == 1 and "could not be spoken" in line[0] and "--engine auto" in line[0]
    assert _snapshot(published) == before
