"""The feed directory of a catalogue: an OPML file (podcast apps import every title at once) and a
web page listing every title's feed, its editions page and its latest episode.

Both are rebuilt from the titles' manifests after every batch, and written only when they change.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..atomic import write_if_changed
from ..publish import PublishOptions
from ..publish.feed import FEED, public_url
from ..errors import AudioBulletinError
from ..publish import manifest_file
from ..publish.manifest import in_feed
from ..publish.publication import INDEX_PAGE
from ..publish.radio import RADIO_FEED

OPML_NAME = "feeds.opml"
PAGE_NAME = "feeds.html"


@dataclass(frozen=True)
class Listing:
    """One title as the directory shows it."""

    name: str
    feed_title: str
    feed: str
    """Its podcast feed's URL."""
    radio: str | None
    """Its radio feed's URL, once it has broadcast WAVs."""
    editions: str
    """Its page of accessible editions."""
    episodes: int
    latest: str | None
    """Date of its newest episode in the feed."""


def listing(name: str, out_dir: Path, options: PublishOptions) -> Listing:
    """A title as its manifest has it now (no manifest yet: no episodes)."""
    try:
        loaded = manifest_file.load(out_dir)
    except AudioBulletinError:  # a damaged manifest: its title's editions said so; list the feed
        loaded = None
    records = in_feed(loaded[0] if loaded else {}, options.keep_episodes)
    radio = public_url(options, RADIO_FEED) if (Path(out_dir) / RADIO_FEED).exists() else None
    return Listing(name, options.title, public_url(options, FEED), radio, public_url(options, INDEX_PAGE),
                   len(records), records[0].date if records else None)


def opml(heading: str, listings: Sequence[Listing]) -> bytes:
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = heading
    body = ET.SubElement(root, "body")
    for item in listings:
        ET.SubElement(body, "outline", type="rss", text=item.feed_title, title=item.feed_title,
                      xmlUrl=item.feed, htmlUrl=item.editions)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def page(heading: str, listings: Sequence[Listing]) -> str:
    e = html.escape
    items = []
    for item in listings:
        latest = f"最新一期：{e(item.latest)}，共 {item.episodes} 期" if item.latest else "尚无节目"
        radio = f' · <a href="{e(item.radio)}">电台订阅（广播音频）</a>' if item.radio else ""
        items.append(f'<li><h2>{e(item.name)}</h2>\n<p><a href="{e(item.feed)}">播客订阅：{e(item.feed_title)}</a>'
                     f'{radio} · <a href="{e(item.editions)}">无障碍版</a></p>\n<p>{latest}</p></li>')
    return ("<!DOCTYPE html>\n"
            f'<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{e(heading)}</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<link rel="alternate" type="text/x-opml" title="{e(heading)}" href="{OPML_NAME}">\n</head>\n'
            f"<body>\n<main>\n<h1>{e(heading)}</h1>\n"
            f'<p><a href="{OPML_NAME}">全部订阅（OPML）</a></p>\n'
            f"<ul>\n{chr(10).join(items)}\n</ul>\n</main>\n</body>\n</html>\n")


def write_directory(folder: Path, heading: str, listings: Sequence[Listing]) -> tuple[Path, Path]:
    """feeds.opml and feeds.html in `folder`; each replaced atomically, and only if it changed."""
    folder = Path(folder)
    write_if_changed(folder / OPML_NAME, opml(heading, listings))
    write_if_changed(folder / PAGE_NAME, page(heading, listings))
    return folder / OPML_NAME, folder / PAGE_NAME
