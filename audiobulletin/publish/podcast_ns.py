"""The Podcasting 2.0 namespace as a feedgen extension, and fixes for feedgen's dated defaults.

feedgen 1.0 knows no `podcast:` tags, writes `itunes:explicit` only as yes/no/clean (Apple now
wants true/false) and prepends entries. `register(fg)` loads feedgen's iTunes extension and this
one (in that order, so ours can replace feedgen's explicit tag); `append_entry(fg)` keeps entries
in the order they are added. Then, for example:

    fg.podcastindex.guid(podcast_guid(feed_url))
    fg.podcastindex.locked(True, owner="editor@example.com")
    fg.podcastindex.explicit(False)
    entry = append_entry(fg)
    entry.podcastindex.transcript(url, "text/vtt", language="zh-cn", rel="captions")
    entry.podcastindex.chapters(url)
"""

from __future__ import annotations

import datetime as dt

from feedgen.ext.base import BaseEntryExtension, BaseExtension

from .chapters_json import CHAPTERS_MIME

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
EXTENSION_NAME = "podcastindex"
"""Attribute name on FeedGenerator / FeedEntry (feedgen's own `podcast` is the iTunes one)."""


def register(fg) -> None:
    """Load feedgen's iTunes extension (if not yet) and then this one on `fg`."""
    if not hasattr(fg, "podcast"):
        fg.load_extension("podcast")
    if not hasattr(fg, EXTENSION_NAME):
        fg.register_extension(EXTENSION_NAME, PodcastIndexExtension, PodcastIndexEntryExtension)


def append_entry(fg):
    """A new entry placed after the existing ones (feedgen prepends by default)."""
    return fg.add_entry(order="append")


class PodcastIndexExtension(BaseExtension):
    """Channel tags: podcast:guid, podcast:locked, and itunes:explicit as true/false."""

    def __init__(self):
        self._guid: str | None = None
        self._locked: bool | None = None
        self._owner: str | None = None
        self._explicit: bool | None = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def extend_rss(self, rss_feed):
        from feedgen.util import xml_elem

        channel = rss_feed[0]
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self._locked else "no"
            if self._owner:
                locked.attrib["owner"] = self._owner
        _write_explicit(channel, self._explicit)
        return rss_feed

    def guid(self, value: str | None = None) -> str | None:
        """podcast:guid, the feed's permanent id (see manifest.podcast_guid)."""
        if value is not None:
            self._guid = value
        return self._guid

    def locked(self, value: bool | None = None, owner: str | None = None) -> bool | None:
        """podcast:locked: yes forbids other hosting platforms from importing the feed."""
        if value is not None:
            self._locked, self._owner = bool(value), owner
        return self._locked

    def explicit(self, value: bool | None = None) -> bool | None:
        """itunes:explicit as Apple documents it today: "true" or "false"."""
        if value is not None:
            self._explicit = bool(value)
        return self._explicit


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags: podcast:transcript (any number), podcast:chapters, itunes:explicit true/false,
    and atom:updated (RSS has no item time of change; a corrected episode carries one)."""

    def __init__(self):
        self._transcripts: list[dict[str, str]] = []
        self._chapters: dict[str, str] | None = None
        self._explicit: bool | None = None
        self._updated: dt.datetime | None = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS, "atom": ATOM_NS}

    def extend_rss(self, item):
        from feedgen.util import xml_elem

        if self._updated is not None:
            xml_elem(f"{{{ATOM_NS}}}updated", item).text = self._updated.isoformat()
        for attrs in self._transcripts:
            xml_elem(f"{{{PODCAST_NS}}}transcript", item).attrib.update(attrs)
        if self._chapters:
            xml_elem(f"{{{PODCAST_NS}}}chapters", item).attrib.update(self._chapters)
        _write_explicit(item, self._explicit)
        return item

    def transcript(self, url: str, type: str, language: str | None = None,
                   rel: str | None = None) -> list[dict[str, str]]:
        """Add a podcast:transcript; rel="captions" marks timed captions (WebVTT, SRT)."""
        attrs = {"url": url, "type": type}
        if language:
            attrs["language"] = language
        if rel:
            attrs["rel"] = rel
        self._transcripts.append(attrs)
        return list(self._transcripts)

    def chapters(self, url: str | None = None, type: str = CHAPTERS_MIME) -> dict[str, str] | None:
        """podcast:chapters pointing at a JSON chapters file."""
        if url is not None:
            self._chapters = {"url": url, "type": type}
        return self._chapters

    def explicit(self, value: bool | None = None) -> bool | None:
        if value is not None:
            self._explicit = bool(value)
        return self._explicit

    def updated(self, value: dt.datetime | None = None) -> dt.datetime | None:
        """atom:updated: when the item last changed (RFC 3339, with its offset)."""
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("atom:updated needs a time with its offset")
            self._updated = value
        return self._updated


def _write_explicit(parent, value: bool | None) -> None:
    if value is None:
        return
    from feedgen.util import xml_elem

    for old in parent.findall(f"{{{ITUNES_NS}}}explicit"):  # feedgen's yes/no, if it was set too
        parent.remove(old)
    xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = "true" if value else "false"
