import datetime as dt
import io

import feedparser
import podcastparser
from feedgen.feed import FeedGenerator
from lxml import etree

from audiobulletin.publish.manifest import podcast_guid
from audiobulletin.publish.podcast_ns import ITUNES_NS, PODCAST_NS, append_entry, register

FEED_URL = "https://news.example.com/podcast/feed.xml"
NS = {"podcast": PODCAST_NS, "itunes": ITUNES_NS}


def build_feed(explicit_via_feedgen_too=False) -> bytes:
    fg = FeedGenerator()
    register(fg)
    register(fg)  # idempotent
    fg.title("太原日报 有声版")
    fg.link(href=FEED_URL, rel="self")
    fg.link(href="https://news.example.com/")
    fg.description("每日新闻")
    fg.language("zh-cn")
    fg.podcast.itunes_type("episodic")
    fg.podcast.itunes_category("News")
    if explicit_via_feedgen_too:
        fg.podcast.itunes_explicit("no")
    fg.podcastindex.guid(podcast_guid(FEED_URL))
    fg.podcastindex.locked(True, owner="editor@example.com")
    fg.podcastindex.explicit(False)
    for number, day in ((2, 27), (1, 26)):  # newest first, as given
        entry = append_entry(fg)
        entry.title(f"2021-06-{day}")
        entry.guid(f"guid-{day}", permalink=False)
        entry.enclosure(f"https://news.example.com/episodes/2021-06-{day}.mp3", "1234", "audio/mpeg")
        entry.pubDate(dt.datetime(2021, 6, day, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        entry.podcast.itunes_episode(number)
        entry.podcast.itunes_episode_type("full")
        entry.podcast.itunes_duration("00:10:00")
        base = f"https://news.example.com/episodes/2021-06-{day}"
        entry.podcastindex.transcript(f"{base}.vtt", "text/vtt", language="zh-cn", rel="captions")
        entry.podcastindex.transcript(f"{base}.srt", "application/x-subrip", language="zh-cn", rel="captions")
        entry.podcastindex.chapters(f"{base}.chapters.json")
        entry.podcastindex.explicit(day == 27)
    return fg.rss_str(pretty=True)


def test_channel_tags_are_in_the_podcast_namespace():
    root = etree.fromstring(build_feed())
    channel = root.find("channel")
    assert root.nsmap["podcast"] == PODCAST_NS
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(FEED_URL)
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "editor@example.com")
    assert [e.text for e in channel.findall("itunes:explicit", NS)] == ["false"]
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"


def test_feedgen_yes_no_explicit_is_replaced_not_duplicated():
    channel = etree.fromstring(build_feed(explicit_via_feedgen_too=True)).find("channel")
    assert [e.text for e in channel.findall("itunes:explicit", NS)] == ["false"]


def test_items_keep_the_order_given_and_carry_transcripts_and_chapters():
    channel = etree.fromstring(build_feed()).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["2021-06-27", "2021-06-26"]
    assert [i.findtext("itunes:episode", namespaces=NS) for i in items] == ["2", "1"]
    assert [i.findtext("itunes:explicit", namespaces=NS) for i in items] == ["true", "false"]
    transcripts = items[0].findall("podcast:transcript", NS)
    assert [dict(t.attrib) for t in transcripts] == [
        {"url": "https://news.example.com/episodes/2021-06-27.vtt", "type": "text/vtt",
         "language": "zh-cn", "rel": "captions"},
        {"url": "https://news.example.com/episodes/2021-06-27.srt", "type": "application/x-subrip",
         "language": "zh-cn", "rel": "captions"},
    ]
    chapters = items[0].find("podcast:chapters", NS)
    assert dict(chapters.attrib) == {"url": "https://news.example.com/episodes/2021-06-27.chapters.json",
                                     "type": "application/json+chapters"}


def test_podcast_clients_read_it():
    xml = build_feed()
    parsed = podcastparser.parse(FEED_URL, io.BytesIO(xml))
    assert parsed["explicit"] is False and parsed["type"] == "episodic"
    assert [(e["title"], e["number"], e["explicit"], e["guid"]) for e in parsed["episodes"]] == [
        ("2021-06-27", 2, True, "guid-27"), ("2021-06-26", 1, False, "guid-26")]
    assert parsed["episodes"][0]["enclosures"][0]["mime_type"] == "audio/mpeg"
    feed = feedparser.parse(xml)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed["podcast_guid"] == podcast_guid(FEED_URL)
    # feedparser 6 still maps only yes/clean (anything else -> None, "not explicit"); Apple's
    # true/false is checked above with podcastparser and with lxml.
    assert not feed.feed["itunes_explicit"]
    assert feed.entries[0]["guid"] == "guid-27"
    assert [e["itunes_episode"] for e in feed.entries] == ["2", "1"]
