import datetime as dt
import json
import uuid

import pytest

from audiobulletin.publish.manifest import (
    EpisodeRecord, RadioCut, archived, episode_guid, in_feed, podcast_guid, publication_time, remove_folders, retain,
    upsert,
)
from audiobulletin.publish.manifest_file import MANIFEST, load, save

FEED_URL = "https://news.example.com/podcast/feed.xml"
DAYS = (25, 26, 27, 28)


def record(day: int) -> EpisodeRecord:
    date = dt.date(2021, 6, day)
    iso = date.isoformat()
    cut = RadioCut(1, "标题", f"{iso}/radio/01.wav", 96044, 1.0)
    return EpisodeRecord(date=iso, guid=episode_guid("太原日报", date), number=0, title=iso,
                         description="", audio=f"{iso}/bulletin.mp3", audio_bytes=10, duration=1.0,
                         published=publication_time(date).isoformat(), radio=(cut,))


def test_podcast_guid_follows_the_podcasting_2_0_rule():
    # the example in the podcast namespace documentation
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_podcast_guid_and_radio_cuts_survive_a_round_trip(tmp_path):
    assert load(tmp_path) is None
    records = upsert({}, record(27))
    save(tmp_path, records, podcast_guid(FEED_URL))
    assert load(tmp_path) == (records, podcast_guid(FEED_URL))
    assert json.loads((tmp_path / MANIFEST).read_text())["episodes"][0]["radio"][0]["file"] == "2021-06-27/radio/01.wav"


def test_item_guids_are_stable_and_distinct():
    r = record(27)
    assert r.item_guid("radio/01") == record(27).item_guid("radio/01") != r.item_guid("radio/02")
    assert uuid.UUID(r.item_guid("radio/01")).version == 5


def test_numbers_follow_the_date_and_a_backfill_is_unnumbered():
    """26 then 28 are 1 and 2; 27 backfilled after them cannot be 3 (3 before 2 by date) and no
    number lies between 1 and 2: it gets none. 29 is 3; 28 published again keeps 2."""
    records = {}
    for day in (26, 28, 27, 29, 28):
        records = upsert(records, record(day))
    assert [(d, r.number) for d, r in sorted(records.items())] == [
        ("2021-06-26", 1), ("2021-06-27", 0), ("2021-06-28", 2), ("2021-06-29", 3)]
    numbered = [r.number for _, r in sorted(records.items()) if r.number]
    assert numbered == sorted(numbered)


def _published(tmp_path, days=DAYS):
    records = {}
    for day in days:
        r = record(day)
        (tmp_path / r.folder / "radio").mkdir(parents=True)
        (tmp_path / r.audio).write_bytes(b"mp3")
        records = upsert(records, r)
    return records


def test_retention_keeps_newest_n_and_removes_folders_by_policy(tmp_path):
    records = _published(tmp_path)
    assert [r.date[-2:] for r in in_feed(records, 2)] == ["28", "27"]  # newest first
    assert [r.date[-2:] for r in archived(records, 2)] == ["25", "26"]

    assert retain(records, 2, "keep") == (records, ())

    after, doomed = retain(records, 2, "remove")
    assert doomed == ("2021-06-25", "2021-06-26")
    assert (tmp_path / "2021-06-25").exists()  # nothing deleted before the feed is written
    remove_folders(tmp_path, doomed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021-06-27", "2021-06-28"]
    assert [(r.number, r.removed) for _, r in sorted(after.items())] == [
        (1, True), (2, True), (3, False), (4, False)]
    # a larger keep cannot bring removed dates back; regenerating one does, with its number
    assert [r.date[-2:] for r in in_feed(after, 10)] == ["28", "27"]
    back = upsert(after, record(25))
    assert back["2021-06-25"].number == 1 and not back["2021-06-25"].removed


def test_remove_folders_never_leaves_the_output_folder(tmp_path):
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "a.txt").write_text("keep me")
    (tmp_path / "out").mkdir()
    remove_folders(tmp_path / "out", ("../precious", "/", "."))
    assert (tmp_path / "precious" / "a.txt").read_text() == "keep me"
    assert (tmp_path / "out").is_dir()


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        retain({}, 1, "shred")
