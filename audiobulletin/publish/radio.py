"""The radio feed (`radio.xml`): broadcast WAVs that a station's automation polls every morning.

One item per WAV: the whole bulletin and each article, newest date first, with stable URLs
(`<date>/radio/01.wav`) and GUIDs derived from the episode GUID, so a station downloads each cut
once and a regenerated date replaces its cuts under the same GUIDs.
"""

from __future__ import annotations

from ..clock import listener_seconds, to_ms
from .options import PublishOptions
from .manifest import EpisodeRecord, in_feed, podcast_guid

RADIO_FEED = "radio.xml"


def radio_feed_xml(options: PublishOptions, records: dict[str, EpisodeRecord], *, guid: str | None = None,
                   artwork: str | None = None) -> bytes:
    """RSS 2.0 listing each date's broadcast cuts (48 kHz PCM WAV, EBU R128), kept out of
    podcast directories with itunes:block."""
    from .feed import new_feed, public_url
    from .podcast_ns import append_entry

    guid = guid or podcast_guid(public_url(options, RADIO_FEED))
    title = f"{options.paper} 广播稿件" if options.paper else f"{options.title} (radio)"
    description = f"{options.paper}每日新闻的广播版：整期与逐篇 48 kHz WAV，响度 -23 LUFS（EBU R128）。"
    fg = new_feed(options, title=title, description=description, feed_name=RADIO_FEED, guid=guid,
                  artwork=artwork)
    fg.podcast.itunes_block(True)
    newest = in_feed(records, options.keep_episodes)
    for record in newest:
        for cut in record.radio:
            label = "整期" if cut.number == 0 else f"{cut.number:02d}"
            entry = append_entry(fg)
            item_guid = record.item_guid(f"radio/{cut.number:02d}")
            entry.id(item_guid)
            entry.guid(item_guid, permalink=False)
            entry.title(f"{record.date} {label} {cut.title}")
            entry.description(cut.title)
            entry.category(term="NEWS")
            entry.enclosure(public_url(options, cut.file), str(cut.bytes), "audio/wav")
            entry.published(record.published_at)
            entry.podcast.itunes_duration(listener_seconds(to_ms(cut.duration)))
    if newest:
        fg.lastBuildDate(newest[0].published_at)
    return fg.rss_str(pretty=True)
