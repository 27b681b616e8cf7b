"""The scheduled daily run: an edition found in a drop folder by date, a JSON summary for the
monitor, exit 9 when the day's edition has not arrived, and a rerun of the same edition that
changes not one published byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from audiobulletin.cli.options import DateParam
from short_edition import EDITION

pytestmark = pytest.mark.slow  # the real offline voice on a short edition, twice

ROOT = Path(__file__).resolve().parent.parent


def tree_hash(folder: Path) -> str:
    """Every path and every byte under `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def daily(tmp_path_factory):
    folder = tmp_path_factory.mktemp("daily")
    inbox = folder / "inbox"
    inbox.mkdir()
    (inbox / "taiyuan-2021-06-27.txt").write_text(EDITION, encoding="utf-8")
    (inbox / "taiyuan-2021-06-26.txt").write_text(EDITION.replace("二十座", "十九座"), encoding="utf-8")
    (inbox / ".taiyuan-2021-06-27.txt.part").write_text("half", encoding="utf-8")
    config = folder / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nbase_url = "https://radio.example.org/pod/"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\ncache_dir = "{folder / "cache"}"\n',
                      encoding="utf-8")

    def run(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config), "generate", str(inbox), "--out", str(folder / "out"),
                                        "--engine", "offline", "--workers", "2", *args])

    first = run("--date", "2021-06-27", "--json")
    assert first.exit_code == 0, first.output + first.stderr
    return folder, run, json.loads(first.stdout)


def test_the_file_for_the_date_is_read_from_the_drop_folder(daily):
    folder, _, summary = daily
    assert summary["status"] == "published" and summary["date"] == "2021-06-27" and summary["episode"] == 1
    assert summary["edition"] == str(folder / "inbox" / "taiyuan-2021-06-27.txt")
    assert [a["headline"] for a in summary["articles"]] == ["我市新建城市书房二十座", "气温回升，市民出游增多"]


def test_the_json_summary_names_every_output_and_the_speech_done(daily):
    folder, _, summary = daily
    outputs = summary["outputs"]
    assert set(outputs) == {"feed", "episode", "transcripts", "radio", "accessible", "index"}
    assert all(Path(p).is_file() for paths in outputs.values() for p in paths)
    assert [Path(p).name for p in outputs["transcripts"]] == ["transcript.vtt", "transcript.srt", "transcript.txt",
                                                             "chapters.json"]
    assert Path(outputs["radio"][0]).name == "radio.xml" and len(outputs["radio"]) == 4  # feed, bulletin, 2 articles
    assert [Path(p).suffix for p in outputs["accessible"]] == [".html", ".epub", ".html"]
    assert summary["speech"]["synthesised"] + summary["speech"]["from_cache"] == summary["segments"]
    assert summary["voices"] == {"offline": ["baker"]}
    assert summary["seconds"]["total"] >= summary["seconds"]["speech"] > 0


def test_a_rerun_of_the_same_edition_changes_no_published_byte(daily):
    folder, run, _ = daily
    before = tree_hash(folder / "out")
    again = run("--date", "2021-06-27", "--json")
    assert again.exit_code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["status"] == "unchanged"
    assert summary["speech"] == {"synthesised": 0, "from_cache": summary["segments"]}
    assert tree_hash(folder / "out") == before


def test_no_edition_for_the_date_yet_is_exit_9_with_one_line(daily):
    folder, run, _ = daily
    before = tree_hash(folder / "out")
    result = run("--date", "2021-06-28", "--json")
    assert result.exit_code == 9
    assert json.loads(result.stdout) == {"status": "no-edition", "exit_code": 9, "error": json.loads(result.stdout)["error"]}
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("audiobulletin: error: ") and "no edition for 2021-06-28 yet" in line
    assert str(folder / "inbox") in line
    assert tree_hash(folder / "out") == before


def test_a_folder_needs_a_date(daily):
    folder, run, _ = daily
    result = run()
    assert result.exit_code == 2 and "--date" in result.stderr


def test_today_and_yesterday_are_local_dates():
    param = DateParam()
    assert param.convert("today", None, None) == dt.date.today()
    assert param.convert("Yesterday", None, None) == dt.date.today() - dt.timedelta(days=1)
    assert param.convert("2021-06-27", None, None) == dt.date(2021, 6, 27)
    with pytest.raises(click.BadParameter, match="today or yesterday"):
        param.convert("tomorrow", None, None)
