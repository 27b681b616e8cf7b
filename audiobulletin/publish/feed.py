"""The RSS podcast feed (feedgen + its podcast extension), rebuilt from the manifest."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ..config import Settings
from .manifest import EpisodeRecord

FEED = "feed.xml"


def public_url(settings: Settings, relative: str) -> str:
    return settings.base_url + quote(relative)


def feed_xml(settings: Settings, records: dict[str, EpisodeRecord]) -> bytes:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(settings.title)
    fg.description(settings.description)
    fg.link(href=settings.base_url, rel="alternate")
    fg.link(href=public_url(settings, FEED), rel="self")
    fg.language(settings.language)
    fg.author({"name": settings.author or settings.paper})
    fg.podcast.itunes_author(settings.author or settings.paper)
    fg.podcast.itunes_category(settings.category)
    fg.podcast.itunes_explicit("yes" if settings.explicit else "no")
    fg.podcast.itunes_summary(settings.description)
    if settings.owner_email:
        fg.podcast.itunes_owner(name=settings.author or settings.paper, email=settings.owner_email)
    if settings.image:
        fg.podcast.itunes_image(settings.image if "://" in settings.image
                                else public_url(settings, Path(settings.image).name))
    fg.generator("audiobulletin")
    newest = sorted(records.values(), key=lambda r: r.date, reverse=True)[: settings.keep_episodes]
    for record in newest:  # newest first, in document order
        entry = fg.add_entry(order="append")
        entry.id(record.guid)
        entry.guid(record.guid, permalink=False)
        entry.title(record.title)
        entry.description(record.description)
        entry.enclosure(public_url(settings, record.audio), str(record.audio_bytes), "audio/mpeg")
        entry.published(record.published_at)
        entry.podcast.itunes_duration(round(record.duration))
        entry.podcast.itunes_summary(record.description)
    if newest:
        fg.lastBuildDate(newest[0].published_at)  # a rebuild of unchanged data gives identical bytes
    return fg.rss_str(pretty=True)
