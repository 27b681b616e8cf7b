import datetime as dt
import io

import podcastparser
import pytest

from audiobulletin.publish import PublishOptions
from audiobulletin.publish.feed import feed_xml
from audiobulletin.publish.manifest import EpisodeRecord, episode_guid, publication_time, upsert
from audiobulletin.publish.manifest_file import load, save


def _record(day: int, title="第一期", size=12345) -> EpisodeRecord:
    date = dt.date(2021, 6, day)
    return EpisodeRecord(date=date.isoformat(), guid=episode_guid("太原日报", date), number=0, title=title,
                         description="要目：\n1. 标题", audio=f"{date.isoformat()}/bulletin.mp3",
                         audio_bytes=size, duration=754.4, published=publication_time(date).isoformat(),
                         headlines=("标题",), engines=("offline",))


@pytest.fixture
def settings():
    return PublishOptions(paper="太原日报", base_url="https://news.example.org/audio", author="太原日报社")


def test_feed_fields_read_back_with_podcastparser(settings):
    records = upsert(upsert({}, _record(26)), _record(27, title="第二期", size=999))
    parsed = podcastparser.parse("https://news.example.org/audio/feed.xml", io.BytesIO(feed_xml(settings, records)))
    assert parsed["title"] == "太原日报 有声版"
    assert parsed["description"].startswith("太原日报每日新闻")
    assert [e["title"] for e in parsed["episodes"]] == ["第二期", "第一期"]  # newest first
    newest = parsed["episodes"][0]
    assert newest["guid"] == episode_guid("太原日报", dt.date(2021, 6, 27))
    assert newest["total_time"] == 754
    assert newest["published"] == int(publication_time(dt.date(2021, 6, 27)).timestamp())
    [enclosure] = newest["enclosures"]
    assert enclosure == {"url": "https://news.example.org/audio/2021-06-27/bulletin.mp3",
                         "file_size": 999, "mime_type": "audio/mpeg"}


def test_feed_channel_fields_with_feedparser(settings):
    import feedparser

    parsed = feedparser.parse(feed_xml(settings, upsert({}, _record(27))))
    assert not parsed.bozo
    assert parsed.feed.language == "zh-cn"
    assert parsed.feed.author_detail.name == "太原日报社"
    assert parsed.feed.tags[0].term == "News"


def test_regenerating_a_date_keeps_guid_and_number_and_other_dates(tmp_path, settings):
    records = upsert(upsert({}, _record(26)), _record(27))
    save(tmp_path, records)
    before = feed_xml(settings, load(tmp_path)[0])
    again = upsert(load(tmp_path)[0], _record(27, size=4242))
    assert again["2021-06-27"].number == 2 and again["2021-06-26"] == records["2021-06-26"]
    assert again["2021-06-27"].guid == records["2021-06-27"].guid
    # same data -> byte-identical feed (no build timestamps)
    assert feed_xml(settings, load(tmp_path)[0]) == before
