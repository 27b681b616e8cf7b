"""The batch with the local executor: real offline voice, real ffmpeg, real feeds. One bad edition
is reported while the others publish; a rerun voices only what changed; the feed directory lists
every title's feed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree

from audiobulletin.cli import cli
from batch_archive import EDITIONS, FOLDERS, write_archive, write_catalogue

pytestmark = pytest.mark.slow  # the real voice on short editions

DAILY = FOLDERS["太原日报"]


def _batch(catalogue: Path, *args: str):
    result = CliRunner().invoke(cli, ["batch", str(catalogue), "--dates", "2021-06-27..2021-06-28", "--workers", "2",
                                      "--json", "--papers", "太原日报", *args])
    return result.exit_code, json.loads(result.stdout), result


def _hidden(out: Path) -> list[str]:
    """Hidden entries a run may leave: none but the lock and each version's fingerprint."""
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*")
                  if p.name not in (".audiobulletin.lock", ".source.json"))


def _statuses(report) -> list[tuple[str, str]]:
    return [(e["date"], e["status"]) for e in report["editions"]]


def _manifest(out: Path) -> dict[str, dict]:
    return {e["date"]: e for e in json.loads((out / "episodes.json").read_text())["episodes"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three runs over one title's two dates: the second date's edition empty; the same again;
    then the first date's edition changed and the second repaired."""
    root = tmp_path_factory.mktemp("batch-local")
    write_archive(root, {**EDITIONS, ("太原日报", "20210628"): ""})
    catalogue = write_catalogue(root / "papers.toml")
    out = root / "feeds" / DAILY
    first = _batch(catalogue)
    first_manifest = _manifest(out)
    first_folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    first_hidden = _hidden(out)
    first_mp3 = (out / first_manifest["2021-06-27"]["audio"]).read_bytes()
    second = _batch(catalogue)
    changed = "我市新建城市书房三十座\n\n本报讯（记者 赵丽）今年我市新建城市书房30座。\n"
    write_archive(root, {("太原日报", "20210627"): changed, ("太原日报", "20210628"): EDITIONS[("太原日报", "20210628")]})
    third = _batch(catalogue)
    config = root / "taiyuan-daily.toml"  # the title's own settings, as `episodes` needs them
    config.write_text(f'paper = "太原日报"\nbase_url = "https://audio.example.org/{DAILY}/"\n', encoding="utf-8")
    withdrawn = CliRunner().invoke(cli, ["--config", str(config), "episodes", "withdraw", "2021-06-28", "--out", str(out)])
    assert withdrawn.exit_code == 0, withdrawn.output
    fourth = _batch(catalogue)
    return root, out, (first, second, third, fourth), first_manifest, first_mp3, (first_folders, first_hidden)


def test_one_bad_edition_is_reported_and_the_other_publishes(runs):
    _, out, ((code, report, result), *_), manifest, _, folders = runs
    assert code == 10  # some published, some failed
    assert _statuses(report) == [("2021-06-27", "published"), ("2021-06-28", "failed")]
    failed = report["editions"][1]
    assert "is empty" in failed["message"] and failed["exit_code"] == 2
    dates, hidden = folders
    assert list(manifest) == ["2021-06-27"] and dates == ["2021-06-27"]
    assert hidden == []  # nothing staged left behind
    assert "batch: 1/2 editions" in result.stderr  # the progress line


def test_a_rerun_skips_what_is_published_unchanged(runs):
    _, _, (_, (code, report, _), _, _), *_ = runs
    assert code == 10
    assert _statuses(report) == [("2021-06-27", "up to date"), ("2021-06-28", "failed")]


def test_a_changed_edition_is_published_again_as_a_correction(runs):
    _, out, (_, _, (code, report, _), _), before, first_mp3, _ = runs
    assert code == 0 and _statuses(report) == [("2021-06-27", "published"), ("2021-06-28", "published")]
    after = _manifest(out)
    assert after["2021-06-27"]["guid"] == before["2021-06-27"]["guid"]  # the same episode, corrected
    assert after["2021-06-27"]["number"] == 1 and after["2021-06-28"]["number"] == 2
    assert "三十座" in after["2021-06-27"]["title"] + after["2021-06-27"]["description"]
    assert after["2021-06-27"]["audio"] != before["2021-06-27"]["audio"]  # a new version, a new enclosure URL
    assert (out / after["2021-06-27"]["audio"]).read_bytes() != first_mp3
    assert after["2021-06-27"]["corrections"]  # the feed tells listeners it was corrected


def test_the_summary_table_has_every_column(tmp_path):
    write_archive(tmp_path)
    result = CliRunner().invoke(cli, ["batch", str(write_catalogue(tmp_path / "papers.toml", papers=("太原日报",))),
                                      "--dates", "2021-06-27", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split() == ["title", "date", "status", "duration", "voices", "time"]
    assert row.split()[:3] == ["太原日报", "2021-06-27", "published"] and "offline" in row
    assert result.stderr == ""  # -q: no progress line


def test_the_feed_directory_lists_every_title(runs):
    root, *_ = runs
    opml = etree.parse(str(root / "feeds" / "feeds.opml"))
    outlines = opml.xpath("/opml/body/outline")
    assert opml.xpath("/opml/@version") == ["2.0"] and opml.xpath("/opml/head/title/text()") == ["山西报业有声版"]
    assert [(o.get("type"), o.get("xmlUrl")) for o in outlines] == [
        ("rss", f"https://audio.example.org/{folder}/feed.xml") for folder in FOLDERS.values()]
    assert outlines[0].get("text") == "太原日报 有声版"
    page = etree.parse(str(root / "feeds" / "feeds.html"), etree.HTMLParser())
    assert page.xpath("//html/@lang") == ["zh-CN"] and len(page.xpath("//h1")) == 1
    links = page.xpath("//a/@href")
    assert "feeds.opml" in links and f"https://audio.example.org/{DAILY}/feed.xml" in links
    assert [h.text for h in page.xpath("//h2")] == list(FOLDERS)
    assert "共 1 期" in "".join(page.xpath("//li[1]//p/text()"))  # voiced above: two dates, one withdrawn
    assert "尚无节目" in "".join(page.xpath("//li[2]//p/text()"))  # the one this run left out


def test_a_withdrawn_date_is_left_alone(runs):
    _, out, (*_, (code, report, _)), *_ = runs
    assert code == 0 and _statuses(report) == [("2021-06-27", "up to date"), ("2021-06-28", "withdrawn")]
    assert "withdraw 2021-06-28 --undo" in report["editions"][1]["message"]
    feed = podcastparser.parse(f"https://audio.example.org/{DAILY}/feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    assert len(feed["episodes"]) == 1
