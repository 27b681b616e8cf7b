"""The RSS podcast feed (feedgen + iTunes + Podcasting 2.0 extensions), rebuilt from the manifest."""

from __future__ import annotations

from urllib.parse import quote

from ..config import Settings
from .episode_files import CHAPTERS_NAME, SRT_NAME, VTT_NAME
from .manifest import EpisodeRecord, in_feed, podcast_guid

FEED = "feed.xml"


def public_url(settings: Settings, relative: str) -> str:
    return settings.base_url + quote(relative)


def new_feed(settings: Settings, *, title: str, description: str, feed_name: str, guid: str,
             artwork: str | None):
    """A FeedGenerator with the channel tags every feed of ours shares (Apple's required ones,
    podcast:guid and podcast:locked, itunes:explicit as true/false)."""
    from feedgen.feed import FeedGenerator

    from .podcast_ns import register

    fg = FeedGenerator()
    register(fg)
    fg.title(title)
    fg.description(description)
    fg.link(href=public_url(settings, feed_name), rel="self")
    fg.link(href=settings.base_url, rel="alternate")  # feedgen puts the last link in <link>
    fg.language(settings.language)
    fg.author({"name": settings.author or settings.paper})
    fg.podcast.itunes_author(settings.author or settings.paper)
    fg.podcast.itunes_category(settings.category)
    fg.podcast.itunes_summary(description)
    fg.podcast.itunes_type("episodic")
    fg.podcastindex.explicit(settings.explicit)
    fg.podcastindex.guid(guid)
    fg.podcastindex.locked(settings.locked, owner=settings.owner_email or None)
    if settings.owner_email:
        fg.podcast.itunes_owner(name=settings.author or settings.paper, email=settings.owner_email)
    if artwork:
        url = artwork if "://" in artwork else public_url(settings, artwork)
        fg.podcast.itunes_image(url)
        fg.image(url=url, title=title, link=settings.base_url)
    fg.generator("audiobulletin")
    return fg


def feed_xml(settings: Settings, records: dict[str, EpisodeRecord], *, guid: str | None = None,
             artwork: str | None = None) -> bytes:
    """The podcast feed: the newest `keep_episodes` dates, newest first.

    `guid` is the manifest's podcast:guid (default: derived from the feed URL); `artwork` the
    channel image's file name in the output folder (or a URL).
    """
    from .podcast_ns import append_entry

    guid = guid or podcast_guid(public_url(settings, FEED))
    fg = new_feed(settings, title=settings.title, description=settings.description, feed_name=FEED,
                  guid=guid, artwork=artwork)
    newest = in_feed(records, settings.keep_episodes)
    for record in newest:  # newest first, in document order
        entry = append_entry(fg)
        entry.id(record.guid)
        entry.guid(record.guid, permalink=False)
        entry.title(record.title)
        entry.description(record.description)
        entry.enclosure(public_url(settings, record.audio), str(record.audio_bytes), "audio/mpeg")
        entry.published(record.published_at)
        entry.podcast.itunes_duration(round(record.duration))
        entry.podcast.itunes_summary(record.description)
        entry.podcast.itunes_episode(record.number)
        entry.podcast.itunes_episode_type("full")
        entry.podcastindex.explicit(settings.explicit)
        folder = f"{record.folder}/"
        entry.podcastindex.transcript(public_url(settings, folder + VTT_NAME), "text/vtt",
                                      language=settings.language, rel="captions")
        entry.podcastindex.transcript(public_url(settings, folder + SRT_NAME), "application/x-subrip",
                                      language=settings.language, rel="captions")
        entry.podcastindex.chapters(public_url(settings, folder + CHAPTERS_NAME))
    if newest:
        fg.lastBuildDate(newest[0].published_at)  # a rebuild of unchanged data gives identical bytes
    return fg.rss_str(pretty=True)
