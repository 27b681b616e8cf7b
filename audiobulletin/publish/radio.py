"""The radio feed (`radio.xml`): broadcast WAVs that a station's automation polls every morning.

One item per WAV: the whole bulletin and each article, newest date first, each with a GUID derived
from the episode GUID that never changes. A cut's file is named after its audio
(`<date>/<version>/radio/02-3f2a9c1b.wav`): a correction gives the cuts whose audio changed a new
name, an `atom:updated` time and a 更正 note, and leaves the others' names as they were, so a
station that keeps what it fetched by file name fetches exactly the corrected cuts
(docs/publishing.md has the script).
"""

from __future__ import annotations

import datetime as dt

from ..clock import listener_seconds, to_ms
from .options import PublishOptions
from .manifest import BEIJING, EpisodeRecord, in_feed, last_change, podcast_guid

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
            entry.description(cut.title + (f"（更正 {_local(cut.updated)}）" if cut.updated else ""))
            entry.category(term="NEWS")
            entry.enclosure(public_url(options, cut.file), str(cut.bytes), "audio/wav")
            entry.published(record.published_at)
            if cut.updated:
                entry.podcastindex.updated(dt.datetime.fromisoformat(cut.updated))
            entry.podcast.itunes_duration(listener_seconds(to_ms(cut.duration)))
    changed = last_change(records)
    if changed:
        fg.lastBuildDate(changed)
    return fg.rss_str(pretty=True)


def _local(stamp: str) -> str:
    """2021-06-27T06:12:00+00:00 -> 2021-06-27 14:12 (Beijing time, as the newsroom reads it)."""
    return dt.datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
