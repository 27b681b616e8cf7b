"""ID3v2.3 tag with chapters (CHAP + CTOC), built in memory with mutagen.

v2.3 because some players mishandle long titles in v2.4. Text is UTF-16 (v2.3 has no UTF-8).
An episode in sections gets a nested table of contents (ID3v2 Chapter Frame Addendum): the top
CTOC lists the intro's CHAP and one CTOC per section, each listing its opening's and its
articles' CHAPs, in order.
"""

from __future__ import annotations

import io
import struct

from ..timeline import Chapter
from .model import EpisodeMeta

TOC_ID = "toc"


def chapter_id(index: int) -> str:
    return f"chp{index}"


def section_toc_id(section: int) -> str:
    return f"sec{section}"


def tag_bytes(meta: EpisodeMeta, chapters: tuple[Chapter, ...], duration: float) -> bytes:
    """The complete ID3v2.3 tag (header, frames, a little padding) to put before the MP3 frames."""
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, CTOCFlags, Encoding, PictureType

    utf16 = Encoding.UTF16
    tags = ID3()
    tags.add(TIT2(encoding=utf16, text=[meta.title]))
    tags.add(TALB(encoding=utf16, text=[meta.album]))
    tags.add(TPE1(encoding=utf16, text=[meta.artist]))
    tags.add(TDRC(encoding=utf16, text=[meta.date.isoformat()]))  # saved as TYER + TDAT in v2.3
    tags.add(TLAN(encoding=utf16, text=[meta.language]))
    if meta.description:
        tags.add(COMM(encoding=utf16, lang=meta.language, desc="", text=[meta.description]))
    if meta.picture:
        tags.add(APIC(encoding=Encoding.LATIN1, mime=meta.picture_mime, type=PictureType.COVER_FRONT, desc="",
                      data=meta.picture))
    end_ms = round(duration * 1000)
    for index, chapter in enumerate(chapters):
        tags.add(CHAP(element_id=chapter_id(index),
                      start_time=min(round(chapter.start * 1000), end_ms),
                      end_time=min(round(chapter.end * 1000), end_ms),
                      sub_frames=[TIT2(encoding=utf16, text=[chapter.title])]))
    top: list[str] = []
    sections: dict[int, list[str]] = {}
    for index, chapter in enumerate(chapters):
        if chapter.section is None:
            top.append(chapter_id(index))
            continue
        if chapter.section not in sections:
            sections[chapter.section] = []
            top.append(section_toc_id(chapter.section))
        sections[chapter.section].append(chapter_id(index))
    for section, children in sections.items():
        title = next(c.title for c in chapters if c.section == section and c.opens_section) \
            if any(c.section == section and c.opens_section for c in chapters) else f"{section + 1}"
        tags.add(CTOC(element_id=section_toc_id(section), flags=CTOCFlags.ORDERED, child_element_ids=children,
                      sub_frames=[TIT2(encoding=utf16, text=[title])]))
    if chapters:
        tags.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=top, sub_frames=[TIT2(encoding=utf16, text=[meta.title])]))
    tags.update_to_v23()  # mutagen only rewrites v2.4 frames (TDRC -> TYER + TDAT) when asked
    out = io.BytesIO()
    tags.save(out, v1=0, v2_version=3, padding=lambda info: 256)
    return chapters_in_order(out.getvalue())


def chapters_in_order(tag: bytes) -> bytes:
    """The same v2.3 tag with CTOC and then the CHAP frames in time order, after the other frames.

    mutagen orders frames by size, which shuffles the chapters; readers that list chapters in
    file order (ffmpeg's ffmetadata among them) then show them out of order.
    """
    size = _synchsafe(tag[6:10])
    frames, at, end = [], 10, 10 + size
    while at + 10 <= end and tag[at] != 0:  # a zero byte starts the padding
        length = struct.unpack(">I", tag[at + 4:at + 8])[0]  # v2.3 frame sizes are plain integers
        frames.append(tag[at:at + 10 + length])
        at += 10 + length
    ident = [frame[:4] for frame in frames]

    def chap_start(frame: bytes) -> int:
        element_end = frame.index(b"\0", 10)
        return struct.unpack(">I", frame[element_end + 1:element_end + 5])[0]

    others = [f for f, i in zip(frames, ident) if i not in (b"CHAP", b"CTOC")]
    tocs = sorted((f for f, i in zip(frames, ident) if i == b"CTOC"), key=_toc_order)
    chaps = sorted((f for f, i in zip(frames, ident) if i == b"CHAP"), key=chap_start)
    body = b"".join(others + tocs + chaps)
    return tag[:10] + body + bytes(size - len(body))


def _toc_order(frame: bytes) -> tuple[int, int]:
    """The top CTOC first, then the sections' in section order."""
    element = frame[10:frame.index(b"\0", 10)].decode("latin-1")
    return (0, 0) if element == TOC_ID else (1, int(element.removeprefix("sec") or 0))


def _synchsafe(raw: bytes) -> int:
    return raw[0] << 21 | raw[1] << 14 | raw[2] << 7 | raw[3]
