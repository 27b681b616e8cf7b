"""Publishing dates end to end (without speech): staged folder -> output/, feeds, retention."""

import datetime as dt
import io
import re
import wave
from pathlib import Path
from urllib.parse import unquote

import feedparser
import podcastparser
import pytest
from lxml import etree
from timelines import sample_timeline

from audiobulletin.errors import ConfigError, PublishError
from audiobulletin.publish import PublishOptions
from audiobulletin.publish.checkpoints import Steps
from audiobulletin.publish.episode_files import write_episode_files
from audiobulletin.publish.manifest import EpisodeRecord, RadioCut, episode_guid, podcast_guid, publication_time
from audiobulletin.publish.manifest_file import load
from audiobulletin.publish.podcast_ns import ITUNES_NS, PODCAST_NS
from audiobulletin.publish.publication import publish_episode
from audiobulletin.publish.versions import StagedEpisode, staged_episode

BASE = "https://news.example.org/audio/"
NS = {"podcast": PODCAST_NS, "itunes": ITUNES_NS}


def settings(**changes) -> PublishOptions:
    values = dict(paper="太原日报", base_url=BASE, author="太原日报社", keep_episodes=2,
                  owner_email="editor@example.org")
    return PublishOptions(**{**values, **changes})


def write_wav(path: Path, seconds: float, level: int = 1000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(48000)
        w.writeframes(int(level).to_bytes(2, "little", signed=True) * int(48000 * seconds))


def fill(folder: Path, mp3: bytes) -> None:
    """A complete episode folder as mastering and the publish stage leave it (MP3, transcripts, WAVs)."""
    (folder / "bulletin.mp3").write_bytes(mp3)
    write_episode_files(folder, sample_timeline())
    for number in range(3):
        name = "radio/bulletin.wav" if number == 0 else f"radio/{number:02d}.wav"
        write_wav(folder / name, 0.1 * (number + 1))


def record_for(staged: StagedEpisode, day: int) -> EpisodeRecord:
    date = dt.date(2021, 6, day)
    iso, at = date.isoformat(), staged.published_folder
    cuts = []
    for number, title in enumerate(("太原日报", "我市老旧小区改造全面提速", "晋阳湖公园开园")):
        name = "radio/bulletin.wav" if number == 0 else f"radio/{number:02d}.wav"
        cuts.append(RadioCut(number, title, f"{at}/{name}", (staged.path / name).stat().st_size, 0.1 * (number + 1)))
    return EpisodeRecord(date=iso, guid=episode_guid("太原日报", date), number=0, title=f"太原日报 {iso}",
                         description="要目：\n00:00 导语", audio=f"{at}/bulletin.mp3",
                         audio_bytes=(staged.path / "bulletin.mp3").stat().st_size, duration=62.55,
                         published=publication_time(date).isoformat(), radio=tuple(cuts))


def publish(out_dir: Path, day: int, s: PublishOptions | None = None, mp3: bytes = b"ID3 fake mp3 " * 100,
            steps: Steps | None = None) -> EpisodeRecord:
    """Publish a date as the pipeline does, without speech: a staged version, sealed, then switched in."""
    with staged_episode(out_dir, dt.date(2021, 6, day)) as staged:
        fill(staged.path, mp3)
        staged.seal()
        return publish_episode(out_dir, staged, record_for(staged, day), s or settings(), steps)


def local(out_dir: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return out_dir / unquote(url[len(BASE):])


def test_feed_lists_newest_dates_with_all_their_files(tmp_path):
    for day in (25, 26, 27):
        newest = publish(tmp_path, day)
    xml = (tmp_path / "feed.xml").read_bytes()
    parsed = podcastparser.parse(BASE + "feed.xml", io.BytesIO(xml))
    assert [(e["title"], e["number"]) for e in parsed["episodes"]] == [
        ("太原日报 2021-06-27", 3), ("太原日报 2021-06-26", 2)]
    assert parsed["explicit"] is False and parsed["type"] == "episodic"
    assert parsed["cover_url"] == BASE + "artwork.png" and (tmp_path / "artwork.png").exists()
    for episode in parsed["episodes"]:
        [enclosure] = episode["enclosures"]
        assert local(tmp_path, enclosure["url"]).stat().st_size == enclosure["file_size"]
    channel = etree.fromstring(xml).find("channel")
    assert channel.findtext("link") == BASE  # the website, not the feed itself
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == BASE + "feed.xml"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(BASE + "feed.xml")
    assert channel.find("podcast:locked", NS).get("owner") == "editor@example.org"
    item = channel.find("item")
    kinds = {t.get("type"): local(tmp_path, t.get("url")) for t in item.findall("podcast:transcript", NS)}
    assert sorted(kinds) == ["application/x-subrip", "text/vtt"]
    assert kinds["text/vtt"].read_text(encoding="utf-8").startswith("WEBVTT\n")
    chapters = item.find("podcast:chapters", NS)
    assert '"version": "1.2.0"' in local(tmp_path, chapters.get("url")).read_text(encoding="utf-8")
    feed = feedparser.parse(xml)
    assert not feed.bozo and len(feed.entries) == 2
    assert feed.entries[0].enclosures[0].href == BASE + newest.audio
    assert re.fullmatch(r"2021-06-27/[0-9a-f]{8}/bulletin\.mp3", newest.audio)


def test_regenerating_a_date_is_idempotent(tmp_path):
    publish(tmp_path, 26)
    publish(tmp_path, 27)
    files = ("feed.xml", "radio.xml", "episodes.json", "episodes.json.1", "artwork.png", "index.html")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file()}
    again = publish(tmp_path, 27)
    assert again.number == 2
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["2021-06-26", "2021-06-27", *files])


def test_retention_removes_old_folders_but_never_renumbers(tmp_path):
    s = settings(archive_policy="remove")
    for day in (25, 26, 27, 28):
        publish(tmp_path, day, s)
    assert not (tmp_path / "2021-06-25").exists() and not (tmp_path / "2021-06-26").exists()
    records = load(tmp_path)[0]
    assert [(r.number, r.removed) for _, r in sorted(records.items())] == [
        (1, True), (2, True), (3, False), (4, False)]
    parsed = podcastparser.parse(BASE, io.BytesIO((tmp_path / "feed.xml").read_bytes()))
    assert [e["number"] for e in parsed["episodes"]] == [4, 3]


def test_archived_files_stay_under_the_keep_policy(tmp_path):
    oldest = publish(tmp_path, 25)
    for day in (26, 27):
        publish(tmp_path, day)
    assert (tmp_path / oldest.audio).exists()
    xml = (tmp_path / "feed.xml").read_text(encoding="utf-8")
    assert "2021-06-25" not in xml


def test_a_failed_run_leaves_the_previous_publication_byte_identical(tmp_path):
    publish(tmp_path, 26)
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    bad_art = tmp_path.parent / "cover.png"
    bad_art.write_bytes(b"not an image")
    with pytest.raises(ConfigError):
        publish(tmp_path, 27, settings(image=str(bad_art)), mp3=b"other")
    with pytest.raises(ConfigError):  # regenerating an existing date fails the same way
        publish(tmp_path, 26, settings(image=str(bad_art)), mp3=b"other")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".staging" not in str(p)}
    assert after == snapshot


def test_radio_feed_lists_stable_cuts(tmp_path):
    publish(tmp_path, 26)
    first = publish(tmp_path, 27)
    xml = (tmp_path / "radio.xml").read_bytes()
    parsed = podcastparser.parse(BASE + "radio.xml", io.BytesIO(xml))
    urls = [e["enclosures"][0]["url"] for e in parsed["episodes"]]
    at = BASE + first.version_folder
    assert urls[:3] == [at + "/radio/bulletin.wav", at + "/radio/01.wav", at + "/radio/02.wav"]
    assert len(urls) == 6
    for episode in parsed["episodes"]:
        [enclosure] = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/wav"
        with wave.open(str(local(tmp_path, enclosure["url"]))) as w:
            assert w.getframerate() == 48000
        assert local(tmp_path, enclosure["url"]).stat().st_size == enclosure["file_size"]
    guids = [e["guid"] for e in parsed["episodes"]]
    assert len(set(guids)) == 6
    assert guids[1] == first.item_guid("radio/01")
    channel = etree.fromstring(xml).find("channel")
    assert channel.findtext("itunes:block", namespaces=NS) == "yes"
    assert channel.findtext("podcast:guid", namespaces=NS) != etree.fromstring(
        (tmp_path / "feed.xml").read_bytes()).find("channel").findtext("podcast:guid", namespaces=NS)
    feed = feedparser.parse(xml)
    assert not feed.bozo
    assert feed.entries[0].title == "2021-06-27 整期 太原日报"
    assert feed.entries[1].title == "2021-06-27 01 我市老旧小区改造全面提速"
    assert feed.entries[1].tags[0].term == "NEWS"
    durations = [c.duration for c in load(tmp_path)[0]["2021-06-27"].radio]
    assert durations == pytest.approx([0.1, 0.2, 0.3])  # as mastering reported them
    publish(tmp_path, 27)  # regenerated: same GUIDs
    regenerated = podcastparser.parse(BASE, io.BytesIO((tmp_path / "radio.xml").read_bytes()))
    assert [e["guid"] for e in regenerated["episodes"]] == guids


def test_podcast_guid_survives_a_new_base_url(tmp_path):
    publish(tmp_path, 26)
    publish(tmp_path, 27, settings(base_url="https://cdn.example.net/podcast/"))
    channel = etree.fromstring((tmp_path / "feed.xml").read_bytes()).find("channel")
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(BASE + "feed.xml")


def test_an_unreadable_edition_in_the_index_fails_before_anything_is_replaced(tmp_path):
    """The index of editions is rendered before the swap: exit 6 leaves the previous feed as it was."""
    first = publish(tmp_path, 26)
    broken = tmp_path / first.version_folder / "accessible" / "accessible-edition.json"
    broken.parent.mkdir()
    broken.write_text("{not json", encoding="utf-8")
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(PublishError) as info:
        publish(tmp_path, 27)
    assert info.value.exit_code == 6 and "accessible-edition.json" in str(info.value)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".staging" not in str(p)}
    assert after == snapshot and not (tmp_path / "2021-06-27").exists()


def test_a_rerun_completes_a_damaged_version_in_place(tmp_path):
    """Same content, same version name: the missing file comes back, file by file, while the
    folder the feeds point to never goes away."""
    first = publish(tmp_path, 27)
    folder = tmp_path / first.version_folder
    (folder / "transcript.srt").unlink()
    again = publish(tmp_path, 27)
    assert again == first and (folder / "transcript.srt").is_file()
    assert sorted(p.name for p in folder.parent.iterdir()) == [first.version]


def test_a_corrected_episode_gets_a_new_version_and_keeps_guid_and_number(tmp_path):
    publish(tmp_path, 26)
    first = publish(tmp_path, 27)
    corrected = publish(tmp_path, 27, mp3=b"ID3 corrected " * 90)
    assert (corrected.guid, corrected.number) == (first.guid, first.number)
    assert corrected.version != first.version and not (tmp_path / first.version_folder).exists()
    parsed = podcastparser.parse(BASE + "feed.xml", io.BytesIO((tmp_path / "feed.xml").read_bytes()))
    assert parsed["episodes"][0]["enclosures"][0]["url"] == BASE + corrected.audio
    assert (tmp_path / "episodes.json.1").exists()
    assert load(tmp_path)[0]["2021-06-27"] == corrected
