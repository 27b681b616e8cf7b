"""A whole edition in the archive (a date folder of page files) through `batch`, with the
catalogue's `episodes = "section"`: the same edition, sections and section episodes as
`generate page01.txt page02.txt page03.txt` with the same settings, byte for byte. Real offline
voice, real ffmpeg, the feed read back with podcastparser."""

from __future__ import annotations

import io
import json
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner

from audiobulletin.cli import cli
from batch_archive import FOLDERS, PROFILE, write_archive, write_catalogue, write_pages

pytestmark = pytest.mark.slow  # the real voice on a three-page edition, twice

DAILY = FOLDERS["太原日报"]
BASE = f"https://audio.example.org/{DAILY}/"


def _files(root: Path) -> dict[str, bytes]:
    """Every published file; not the lock, nor the batch's fingerprint beside each version."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in (".audiobulletin.lock", ".source.json")}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch-pages")
    write_archive(root)
    pages = write_pages(root, "太原日报", "20210627")
    catalogue = write_catalogue(root / "papers.toml", papers=("太原日报",), extra='episodes = "section"\n')
    batch = CliRunner().invoke(cli, ["batch", str(catalogue), "--dates", "2021-06-27", "--workers", "2", "--json"])
    assert batch.exit_code == 0, batch.output + batch.stderr
    config = root / "generate.toml"  # what the catalogue says for the title, as a config file
    config.write_text(f'paper = "太原日报"\nbase_url = "{BASE}"\nepisodes = "section"\nengine = "offline"\n'
                      f'profile = "{PROFILE}"\ncache_dir = "{root / "cache"}"\n', encoding="utf-8")
    generated = CliRunner().invoke(cli, ["--config", str(config), "generate", *map(str, pages), "--date", "2021-06-27",
                                         "--out", str(root / "generated"), "--workers", "2"])
    assert generated.exit_code == 0, generated.output + generated.stderr
    return root, json.loads(batch.stdout)


def test_the_pages_are_one_edition_published_in_sections(both):
    root, report = both
    [edition] = report["editions"]
    assert (edition["date"], edition["status"]) == ("2021-06-27", "published")
    feed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((root / "feeds" / DAILY / "feed.xml").read_bytes()))
    titles = sorted(e["title"] for e in feed["episodes"])
    assert len(titles) == 3 and all(t.startswith("太原日报 6月27日 ") for t in titles)
    assert {t.rsplit(" ", 1)[1] for t in titles} == {"要闻", "综合", "城事"}


def test_batch_publishes_what_generate_publishes_from_the_same_pages(both):
    root, _ = both
    batch, generated = _files(root / "feeds" / DAILY), _files(root / "generated")
    assert batch.keys() == generated.keys()
    assert sum(name.endswith(".mp3") for name in batch) >= 4  # the edition and its three sections
    assert [name for name in batch if batch[name] != generated[name]] == []
