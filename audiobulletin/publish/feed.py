"""The RSS podcast feed (feedgen + iTunes + Podcasting 2.0 extensions), rebuilt from the manifest."""

from __future__ import annotations

from urllib.parse import quote

from ..clock import listener_seconds, to_ms
from .options import PublishOptions
from .episode_files import CHAPTERS_NAME, SRT_NAME, VTT_NAME
from .manifest import EpisodeRecord, in_feed, last_change, podcast_guid

FEED = "feed.xml"


def public_url(options: PublishOptions, relative: str) -> str:
    return options.base_url + quote(relative)


def new_feed(options: PublishOptions, *, title: str, description: str, feed_name: str, guid: str,
             artwork: str | None):
    """A FeedGenerator with the channel tags every feed of ours shares (Apple's required ones,
    podcast:guid and podcast:locked, itunes:explicit as true/false)."""
    from feedgen.feed import FeedGenerator

    from .podcast_ns import register

    fg = FeedGenerator()
    register(fg)
    fg.title(title)
    fg.description(description)
    fg.link(href=public_url(options, feed_name), rel="self")
    fg.link(href=options.base_url, rel="alternate")  # feedgen puts the last link in <link>
    fg.language(options.language)
    fg.author({"name": options.publisher})
    fg.podcast.itunes_author(options.publisher)
    fg.podcast.itunes_category(options.category)
    fg.podcast.itunes_summary(description)
    fg.podcast.itunes_type("episodic")
    fg.podcastindex.explicit(options.explicit)
    fg.podcastindex.guid(guid)
    fg.podcastindex.locked(options.locked, owner=options.owner_email or None)
    if options.owner_email:
        fg.podcast.itunes_owner(name=options.publisher, email=options.owner_email)
    if artwork:
        url = artwork if "://" in artwork else public_url(options, artwork)
        fg.podcast.itunes_image(url)
        fg.image(url=url, title=title, link=options.base_url)
    fg.generator("audiobulletin")
    return fg


def feed_xml(options: PublishOptions, records: dict[str, EpisodeRecord], *, guid: str | None = None,
             artwork: str | None = None) -> bytes:
    """The podcast feed: the newest `keep_episodes` dates, newest first.

    `guid` is the manifest's podcast:guid (default: derived from the feed URL); `artwork` the
    channel image's file name in the output folder (or a URL).
    """
    from .podcast_ns import append_entry

    guid = guid or podcast_guid(public_url(options, FEED))
    fg = new_feed(options, title=options.title, description=options.description, feed_name=FEED,
                  guid=guid, artwork=artwork)
    newest = in_feed(records, options.keep_episodes)
    for record in newest:  # newest first, in document order
        if record.sections:
            _section_items(fg, options, record)
            continue
        entry = append_entry(fg)
        entry.id(record.guid)
        entry.guid(record.guid, permalink=False)
        entry.title(record.title)
        entry.description(record.notes)
        # a correction: the same GUID and pubDate (one episode, in its place), a new enclosure URL
        # (the version folder is named after the content), so apps fetch the corrected file
        entry.enclosure(public_url(options, record.audio), str(record.audio_bytes), "audio/mpeg")
        entry.published(record.published_at)
        if record.updated:
            entry.podcastindex.updated(record.updated_at)
        entry.podcast.itunes_duration(listener_seconds(to_ms(record.duration)))
        entry.podcast.itunes_summary(record.notes)
        if record.number:  # a backfill has none (manifest.py)
            entry.podcast.itunes_episode(record.number)
        entry.podcast.itunes_episode_type("full")
        entry.podcastindex.explicit(options.explicit)
        folder = f"{record.version_folder}/"
        entry.podcastindex.transcript(public_url(options, folder + VTT_NAME), "text/vtt",
                                      language=options.language, rel="captions")
        entry.podcastindex.transcript(public_url(options, folder + SRT_NAME), "application/x-subrip",
                                      language=options.language, rel="captions")
        entry.podcastindex.chapters(public_url(options, folder + CHAPTERS_NAME))
    changed = last_change(records)
    if changed:
        fg.lastBuildDate(changed)  # the last change on record: a rebuild of unchanged data gives identical bytes
    return fg.rss_str(pretty=True)


def _section_items(fg, options: PublishOptions, record: EpisodeRecord) -> None:
    """A date published section by section: one item per section in reading order, numbered
    within the day (itunes:episode; the day's number is its itunes:season), a minute apart so
    that apps sorting by date keep the order."""
    import datetime as dt

    from .podcast_ns import append_entry

    for section in record.sections:
        entry = append_entry(fg)
        guid = record.section_guid(section)
        entry.id(guid)
        entry.guid(guid, permalink=False)
        entry.title(section.title)
        entry.description(section.description)
        entry.enclosure(public_url(options, section.file), str(section.bytes), "audio/mpeg")
        entry.published(record.published_at + dt.timedelta(minutes=section.number - 1))
        if record.updated:
            entry.podcastindex.updated(record.updated_at)
        entry.podcast.itunes_duration(listener_seconds(to_ms(section.duration)))
        entry.podcast.itunes_summary(section.description)
        if record.number:  # a backfill has none (manifest.py)
            entry.podcast.itunes_season(record.number)
        entry.podcast.itunes_episode(section.number)
        entry.podcast.itunes_episode_type("full")
        entry.podcastindex.explicit(options.explicit)
        entry.podcastindex.transcript(public_url(options, section.transcript), "text/vtt",
                                      language=options.language, rel="captions")
        entry.podcastindex.chapters(public_url(options, section.chapters))
