"""EPUB 3 with Media Overlays: one XHTML per article, one SMIL overlay per XHTML.

Reading apps highlight each sentence while its clip plays (`media:active-class`). The episode
MP3 is stored once inside the book; every overlay points into it with clipBegin/clipEnd.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

from ...script.segment import Role
from ...clock import full_clock
from .markup import E, block_paragraph, sentence_spans, xml_document
from .reading import ReadingEdition, Section, book_identifier

AUDIO_HREF = "audio/episode.mp3"
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
"""Every entry's date in the zip: the book's own date is dcterms:modified."""
ACTIVE_CLASS = "-epub-media-overlay-active"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"

CSS = f"""
body {{ line-height: 1.8; margin: 0 1em; }}
h1 {{ font-size: 1.5em; line-height: 1.4; }}
.sub {{ font-weight: bold; margin: 0.25em 0; }}
.byline {{ color: #4a4a4a; }}
.{ACTIVE_CLASS} {{ background-color: #fde68a; color: #1a1a1a; }}
"""

ACCESSIBILITY_SUMMARY = (
    "本书为报纸全文的有声版：每篇文章一个章节，目录可直接跳转；全文配有完整朗读，"
    "朗读与文字逐句同步高亮。无图片、无表格、无闪烁内容。"
)


def write_epub(reading: ReadingEdition, episode_mp3: Path, target: Path, *, modified: dt.datetime) -> Path:
    """Write the book to `target` (the caller renames it into place)."""
    documents = _documents(reading)
    files: list[tuple[str, str]] = [
        ("META-INF/container.xml", _container()),
        ("EPUB/package.opf", _package(reading, documents, modified)),
        ("EPUB/nav.xhtml", _nav(reading, documents)),
        ("EPUB/style.css", CSS),
    ]
    for name, title, sections, heading in documents:
        files.append((f"EPUB/{name}.xhtml", _content_document(title, sections, heading)))
        if any(s.timed() for s in sections):
            files.append((f"EPUB/{name}.smil", _overlay(name, sections)))
    with zipfile.ZipFile(target, "w") as book:
        # The mimetype entry comes first, uncompressed, without extra fields (OCF).
        book.writestr(zipfile.ZipInfo("mimetype", ZIP_DATE), "application/epub+zip",
                      compress_type=zipfile.ZIP_STORED)
        for name, text in files:
            book.writestr(zipfile.ZipInfo(name, ZIP_DATE), text.encode("utf-8"),
                          compress_type=zipfile.ZIP_DEFLATED)
        # MP3 does not compress; storing it keeps the book seekable for readers. A fixed entry
        # date and mode (not the file's): the same episode gives the same book, byte for byte.
        audio = zipfile.ZipInfo(f"EPUB/{AUDIO_HREF}", ZIP_DATE)
        audio.compress_type, audio.external_attr = zipfile.ZIP_STORED, 0o644 << 16
        with open(episode_mp3, "rb") as source, book.open(audio, "w", force_zip64=False) as entry:
            shutil.copyfileobj(source, entry, 1 << 20)
    return target


# A content document: (file stem, title, sections it shows, its h1 text or None).
Document = tuple[str, str, tuple[Section, ...], "str | None"]


def _documents(reading: ReadingEdition) -> list[Document]:
    intro = reading.section("intro")
    outro = reading.section("outro")
    docs: list[Document] = [("title", reading.title, (intro,) if intro else (), reading.title)]
    if reading.groups:  # each section's opening, then its articles
        for group in reading.groups:
            docs.append((group.id, group.title, (group.opening,), group.title))
            docs += [(s.id, s.title, (s,), None) for s in group.articles]
    else:
        docs += [(s.id, s.title, (s,), None) for s in reading.articles]
    if outro:
        docs.append(("outro", outro.title, (outro,), outro.title))
    return docs


def _xhtml(title: str, *body_children) -> str:
    root = E(
        "html",
        {"xmlns": XHTML_NS, "xmlns:epub": EPUB_NS, "lang": "zh-CN", "xml:lang": "zh-CN"},
        E(
            "head",
            {},
            E("meta", {"charset": "utf-8"}),
            E("title", {}, title),
            E("link", {"rel": "stylesheet", "type": "text/css", "href": "style.css"}),
        ),
        E("body", {}, *body_children),
    )
    return xml_document(root, "<!DOCTYPE html>")


def _content_document(title: str, sections: tuple[Section, ...], heading: str | None) -> str:
    children = []
    if heading is not None:
        children.append(E("h1", {}, heading))
    for section in sections:
        if section.article is None:
            children += [block_paragraph(b, section.id) for b in section.blocks]
            continue
        headline = section.blocks_of(Role.HEADLINE)[0]
        children.append(
            E(
                "section",
                {"id": section.id, "aria-labelledby": headline.id},
                E("h1", {"id": headline.id}, sentence_spans(headline)),
                [block_paragraph(b, "sub") for b in section.blocks_of(Role.SUBHEADING)],
                [block_paragraph(b, "byline") for b in section.blocks_of(Role.BYLINE)],
                [block_paragraph(b) for b in section.blocks_of(Role.BODY)],
            )
        )
    return _xhtml(title, *children)


def _overlay(name: str, sections: tuple[Section, ...]) -> str:
    pars = [
        E(
            "par",
            {"id": f"par-{s.id}"},
            E("text", {"src": f"{name}.xhtml#{s.id}"}),
            E("audio", {"src": AUDIO_HREF, "clipBegin": full_clock(clip.begin_ms),
                        "clipEnd": full_clock(clip.end_ms)}),
        )
        for section in sections
        for s in section.timed() if (clip := s.clip)
    ]
    root = E(
        "smil",
        {"xmlns": "http://www.w3.org/ns/SMIL", "xmlns:epub": EPUB_NS, "version": "3.0"},
        E("body", {"epub:textref": f"{name}.xhtml"}, pars),
    )
    return xml_document(root, indent=True)


def _nav(reading: ReadingEdition, documents: list[Document]) -> str:
    """The table of contents; for an edition in sections nested: section > its articles."""
    inside = {a.id: g.id for g in reading.groups for a in g.articles}
    items: list = []
    nested: dict[str, list] = {}
    for name, title, _, _ in documents:
        item = E("li", {}, E("a", {"href": f"{name}.xhtml"}, title))
        if name in inside:
            nested[inside[name]].append(item)
            continue
        items.append(item)
        if any(g.id == name for g in reading.groups):
            nested[name] = []
            item.append(E("ol", {}))
    for item in items:
        children = item.find("ol")
        link = item.find("a")
        if children is not None and link is not None:
            children.extend(nested[link.get("href", "").removesuffix(".xhtml")])
    nav = E(
        "nav",
        {"epub:type": "toc", "role": "doc-toc", "id": "toc", "aria-labelledby": "toc-h"},
        E("h1", {"id": "toc-h"}, "目录"),
        E("ol", {}, items),
    )
    return _xhtml(f"{reading.title} 目录", nav)


def _container() -> str:
    root = E(
        "container",
        {"xmlns": "urn:oasis:names:tc:opendocument:xmlns:container", "version": "1.0"},
        E("rootfiles", {}, E("rootfile", {"full-path": "EPUB/package.opf",
                                           "media-type": "application/oebps-package+xml"})),
    )
    return xml_document(root, indent=True)


def _package(reading: ReadingEdition, documents: list[Document], modified: dt.datetime) -> str:
    def meta(prop: str, value: str, refines: str | None = None):
        return E("meta", {"property": prop, "refines": refines}, value)

    overlays = [(name, sections) for name, _, sections, _ in documents if any(s.timed() for s in sections)]
    metadata = E(
        "metadata",
        {"xmlns:dc": "http://purl.org/dc/elements/1.1/"},
        E("dc:identifier", {"id": "pub-id"}, book_identifier(reading)),
        E("dc:title", {}, reading.title),
        E("dc:language", {}, "zh-CN"),
        E("dc:creator", {}, reading.paper),
        E("dc:publisher", {}, reading.paper),
        E("dc:date", {}, reading.date.isoformat()) if reading.date else None,
        meta("dcterms:modified", modified.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
        meta("schema:accessMode", "textual"),
        meta("schema:accessMode", "auditory"),
        meta("schema:accessModeSufficient", "textual"),
        meta("schema:accessModeSufficient", "auditory"),
        meta("schema:accessModeSufficient", "textual,auditory"),
        [meta("schema:accessibilityFeature", f) for f in (
            "synchronizedAudioText", "structuralNavigation", "tableOfContents", "readingOrder",
            "displayTransformability")],
        meta("schema:accessibilityHazard", "none"),
        meta("schema:accessibilitySummary", ACCESSIBILITY_SUMMARY),
        meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
        meta("a11y:certifiedBy", "audiobulletin"),
        [meta("media:duration", full_clock(sum(s.heard_ms for s in sections)), f"#mo-{name}")
         for name, sections in overlays],
        meta("media:duration", full_clock(reading.heard_ms)),
        meta("media:active-class", ACTIVE_CLASS),
    )
    with_overlay = [name for name, _ in overlays]
    manifest = E(
        "manifest",
        {},
        E("item", {"id": "nav", "href": "nav.xhtml", "media-type": "application/xhtml+xml", "properties": "nav"}),
        E("item", {"id": "css", "href": "style.css", "media-type": "text/css"}),
        E("item", {"id": "audio", "href": AUDIO_HREF, "media-type": "audio/mpeg"}),
        [
            E("item", {"id": name, "href": f"{name}.xhtml", "media-type": "application/xhtml+xml",
                       "media-overlay": f"mo-{name}" if name in with_overlay else None})
            for name, _, _, _ in documents
        ],
        [E("item", {"id": f"mo-{name}", "href": f"{name}.smil", "media-type": "application/smil+xml"})
         for name in with_overlay],
    )
    spine = E("spine", {}, [E("itemref", {"idref": name}) for name, _, _, _ in documents])
    root = E(
        "package",
        {"xmlns": "http://www.idpf.org/2007/opf", "version": "3.0", "unique-identifier": "pub-id",
         "xml:lang": "zh-CN"},
        metadata,
        manifest,
        spine,
    )
    return xml_document(root, indent=True)
