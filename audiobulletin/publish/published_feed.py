"""Reading back a feed this tool published (feed.xml, radio.xml): what podcast apps were told.

The startup check compares it with the manifest and the files; `episodes recover` takes GUIDs,
numbers and titles from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from .podcast_ns import ITUNES_NS, PODCAST_NS

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedItem:
    guid: str
    url: str
    """The enclosure's URL."""
    length: int | None
    """The enclosure's advertised length in bytes."""
    title: str = ""
    description: str = ""
    number: int | None = None
    """itunes:episode."""
    published: str | None = None
    """pubDate as RFC 3339."""
    duration: float | None = None


@dataclass(frozen=True)
class PublishedFeed:
    name: str
    base: str | None
    """The URL of the output folder the feed was written for (its self link, less the name)."""
    podcast_guid: str | None
    items: tuple[FeedItem, ...]

    def local_path(self, url: str) -> str | None:
        """The enclosure's path in the output folder; None for a URL outside it."""
        if not self.base or not url.startswith(self.base):
            return None
        return unquote(url[len(self.base):])


class UnreadableFeed(ValueError):
    """The file is not a feed this tool could have written."""


def read_feed(path: Path) -> PublishedFeed | None:
    """The feed at `path`, None if there is none; UnreadableFeed if it is damaged."""
    import xml.etree.ElementTree as ET  # expat: no external entities, bounded entity expansion

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnreadableFeed(f"cannot read it: {exc.strerror}") from None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnreadableFeed(f"not well-formed XML: {exc}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise UnreadableFeed("not an RSS feed")
    self_link = next((a.get("href") for a in channel.iterfind(f"{{{ATOM_NS}}}link") if a.get("rel") == "self"), None)
    base = self_link[: -len(path.name)] if self_link and self_link.endswith("/" + path.name) else None
    items = []
    for item in channel.iterfind("item"):
        enclosure = item.find("enclosure")
        guid = (item.findtext("guid") or "").strip()
        if enclosure is None or not guid:
            raise UnreadableFeed("an item without a GUID or an enclosure")
        items.append(FeedItem(guid=guid, url=enclosure.get("url", ""), length=_int(enclosure.get("length")),
                              title=item.findtext("title") or "", description=item.findtext("description") or "",
                              number=_int(item.findtext(f"{{{ITUNES_NS}}}episode")),
                              published=_rfc3339(item.findtext("pubDate")),
                              duration=_seconds(item.findtext(f"{{{ITUNES_NS}}}duration"))))
    return PublishedFeed(path.name, base, (channel.findtext(f"{{{PODCAST_NS}}}guid") or "").strip() or None,
                         tuple(items))


def _int(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def _rfc3339(text: str | None) -> str | None:
    try:
        return parsedate_to_datetime(text.strip()).isoformat() if text else None
    except (TypeError, ValueError):
        return None


def _seconds(text: str | None) -> float | None:
    """itunes:duration: seconds, MM:SS or HH:MM:SS."""
    if not text:
        return None
    try:
        total = 0.0
        for part in text.strip().split(":"):
            total = total * 60 + float(part)
        return total
    except ValueError:
        return None

