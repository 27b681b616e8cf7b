"""The daily command on a short real edition: real offline voice, real ffmpeg, real parsers."""

import io
import json
import re
import wave
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from audiobulletin.cli import cli
from audiobulletin.publish.manifest_file import load
from readback import chapters as ffmpeg_chapters
from readback import ebur128, stream_info
from short_edition import EDITION

pytestmark = pytest.mark.slow  # the real offline voice on a whole (short) edition
ROOT = Path(__file__).resolve().parent.parent


def version_of(out: Path) -> Path:
    """The published version folder of 2021-06-27 (output/2021-06-27/<version>/)."""
    return out / load(out)[0]["2021-06-27"].version_folder


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    edition = folder / "short-2021-06-27.txt"
    edition.write_text(EDITION, encoding="utf-8")
    out = folder / "out"
    config = folder / "audiobulletin.toml"
    config.write_text(f'paper = "太原日报"\nbase_url = "https://radio.example.org/pod/"\n'
                      f'profile = "{ROOT / "voices" / "default.toml"}"\n'
                      f'cache_dir = "{folder / "cache"}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(out),
                                      "--engine", "offline", "--workers", "2", "--quiet"])
    assert result.exit_code == 0, result.output + result.stderr
    return out, result


def test_summary_names_the_episode(published):
    out, result = published
    assert "published 2021-06-27, episode 1: 2 articles" in result.stdout
    segments = int(re.search(r"2 articles, (\d+) segments", result.stdout).group(1))
    assert f"{segments} segments ({segments} synthesised, 0 from the cache)" in result.stdout
    assert str(version_of(out) / "bulletin.mp3") in result.stdout
    assert "warning" not in result.stderr


def test_feed_lists_the_episode_with_exact_enclosure(published):
    out, _ = published
    feed = podcastparser.parse("https://radio.example.org/pod/feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    [episode] = feed["episodes"]
    mp3 = version_of(out) / "bulletin.mp3"
    [enclosure] = episode["enclosures"]
    assert enclosure["url"] == "https://radio.example.org/pod/" + mp3.relative_to(out).as_posix()
    assert re.fullmatch(r"2021-06-27/[0-9a-f]{8}/bulletin\.mp3", mp3.relative_to(out).as_posix())
    assert enclosure["file_size"] == mp3.stat().st_size and enclosure["mime_type"] == "audio/mpeg"
    assert "我市新建城市书房二十座" in episode["description"] and "气温回升，市民出游增多" in episode["description"]
    assert abs(episode["total_time"] - MP3(mp3).info.length) <= 1


def test_mp3_is_podcast_ready(published):
    out, _ = published
    mp3 = version_of(out) / "bulletin.mp3"
    info = stream_info(mp3)
    assert (info["codec"], info["channels"], info["sample_rate"]) == ("mp3", "mono", "44100")
    assert 64_000 <= MP3(mp3).info.bitrate <= 96_000
    meter = ebur128(mp3)
    assert abs(meter.integrated - (-19.0)) <= 1.0 and meter.true_peak <= -1.0
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert tags["TALB"].text == ["太原日报"] and "2021-06-27" in tags["TIT2"].text[0]
    [cover] = tags.getall("APIC")
    assert cover.type == 3 and cover.mime == "image/jpeg"  # the front cover, for players showing the file
    with Image.open(io.BytesIO(cover.data)) as img:
        assert img.format == "JPEG" and img.size == (1400, 1400)
    with Image.open(out / "artwork.png") as img:
        assert img.size == (3000, 3000)


def test_chapters_read_back_with_mutagen_and_ffmpeg(published):
    out, _ = published
    mp3 = version_of(out) / "bulletin.mp3"
    timeline = json.loads((version_of(out) / "chapters.json").read_text(encoding="utf-8"))
    titles = ["本期要目", "我市新建城市书房二十座", "气温回升，市民出游增多"]
    assert [c["title"] for c in timeline["chapters"]] == titles
    tags = ID3(mp3)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == titles
    [toc] = tags.getall("CTOC")
    assert toc.flags & 0x03 == 0x03 and list(toc.child_element_ids) == [c.element_id for c in chaps]
    for chap, json_chapter in zip(chaps, timeline["chapters"]):
        assert abs(chap.start_time - json_chapter["startTime"] * 1000) <= 1
    read = ffmpeg_chapters(mp3)
    assert [c.title for c in read] == titles
    assert [c.start_ms for c in read] == [c.start_time for c in chaps]
    assert chaps[0].start_time == 0 and chaps[-1].end_time >= chaps[-1].start_time + 3000


def test_every_sentence_is_in_the_transcript_in_order(published):
    out, _ = published
    vtt = (version_of(out) / "transcript.vtt").read_text(encoding="utf-8").replace("\n", "")
    sentences = ["记者从市文旅局获悉，今年我市新建城市书房20座。", "市民可以就近借阅图书。",
                 "6月26日，全市最高气温达到31℃。", "各景区接待游客12,468人次。"]
    positions = [vtt.find(s) for s in sentences]
    assert -1 not in positions and positions == sorted(positions)


def test_accessible_edition_and_radio_files_exist(published):
    out, _ = published
    day = version_of(out)
    assert (day / "accessible" / "index.html").exists() and (out / "index.html").exists()
    assert (day / "accessible" / "2021-06-27.epub").stat().st_size > 10_000
    cuts = sorted((day / "radio").glob("*.wav"))
    assert [p.name.rsplit("-", 1)[0] for p in cuts] == ["01", "02", "bulletin"]
    for path in cuts:
        with wave.open(str(path)) as wav:
            assert (wav.getframerate(), wav.getsampwidth()) == (48000, 2)


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_regenerating_keeps_guid_and_is_served_from_cache(published, tmp_path):
    """An unchanged rerun publishes nothing new: every file keeps its bytes and its mtime (ETag)."""
    out, _ = published
    before = podcastparser.parse("x", io.BytesIO((out / "feed.xml").read_bytes()))["episodes"][0]["guid"]
    tree = _tree(out)
    config = next(out.parent.glob("audiobulletin.toml"))
    edition = next(out.parent.glob("short-*.txt"))
    result = CliRunner().invoke(cli, ["--config", str(config), "generate", str(edition), "--out", str(out),
                                      "--engine", "offline", "--quiet"])
    assert result.exit_code == 0, result.stderr
    feed = podcastparser.parse("x", io.BytesIO((out / "feed.xml").read_bytes()))
    assert [e["guid"] for e in feed["episodes"]] == [before]
    assert _tree(out) == tree
