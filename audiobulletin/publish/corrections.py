"""Corrections: a date published again with different audio.

The episode keeps its GUID, number and pubDate (apps show one episode, where it was); its files
live in a new version folder named after their content, so the enclosure URL changes and apps
fetch the corrected MP3; the record gets an updated time (the feeds' lastBuildDate and the item's
atom:updated move) and a correction whose note tells listeners which articles changed:

    更正：2021-06-27 14:05 重新发布，第2篇《市委常委会召开会议》已更正。

Which articles changed is decided by their broadcast cuts: each cut's file is named after its
audio (master: `02-3f2a9c1b.wav`), so a cut whose name changed was corrected, and only those get
a new updated time in radio.xml. The same audio published again (same content, same version) is no
correction: the record keeps what it had, and nothing published changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import wave
from dataclasses import replace
from pathlib import Path

from .manifest import BEIJING, Correction, EpisodeRecord, RadioCut, publication_time


def revise(previous: EpisodeRecord | None, record: EpisodeRecord, now: dt.datetime,
           out_dir: Path | None = None) -> EpisodeRecord:
    """The record to store when `record` (a new publication of its date) replaces `previous`:
    the same content keeps `previous`'s history; other content is a correction made `now`.
    `out_dir` lets cuts published before they were named by their audio be read and compared."""
    if previous is None:
        return record
    if previous.version is not None and previous.version == record.version:
        kept = {c.number: c.updated for c in previous.radio}
        return replace(record, updated=previous.updated, corrections=previous.corrections,
                       radio=tuple(replace(c, updated=kept.get(c.number, "")) for c in record.radio))
    at = now.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()
    before = {c.number: c for c in previous.radio}
    changed = {c.number for c in record.radio
               if c.number not in before or cut_digest(before[c.number], out_dir) != cut_digest(c, out_dir)}
    radio = tuple(replace(c, updated=at if c.number in changed else before[c.number].updated) for c in record.radio)
    articles = tuple(sorted(n for n in changed if n > 0))
    dropped = tuple(sorted(n for n in before if n > 0 and n not in {c.number for c in record.radio}))
    fix = Correction(at=at, articles=articles, note=correction_note(record, previous, articles, dropped, now))
    return replace(record, updated=at, corrections=(*previous.corrections, fix), radio=radio)


def correction_note(record: EpisodeRecord, previous: EpisodeRecord, articles: tuple[int, ...],
                    dropped: tuple[int, ...], now: dt.datetime) -> str:
    """更正：<when> 重新发布，<what changed>。 (Beijing time: the newsroom's clock.)"""
    when = now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    known = {n for n in range(1, len(previous.headlines) + 1)}
    parts = []
    fixed = [n for n in articles if n in known]
    added = [n for n in articles if n not in known]
    if fixed:
        parts.append("、".join(f"第{n}篇《{_headline(record, n)}》" for n in fixed) + "已更正")
    if added:
        parts.append("新增" + "、".join(f"第{n}篇《{_headline(record, n)}》" for n in added))
    if dropped:
        parts.append("删去原" + "、".join(f"第{n}篇《{_headline(previous, n)}》" for n in dropped))
    if not parts:
        parts.append("节目开头、结尾或文件信息有更新，各篇音频未变")
    return f"更正：{when} 重新发布，{'；'.join(parts)}。"


def modified_time(previous: EpisodeRecord | None, version: str, date: dt.date, now: dt.datetime) -> dt.datetime:
    """When a version of the date's content was made, for files that carry a time (the EPUB's
    dcterms:modified): the publication time for a first version, the previous record's time for
    the same content again, `now` for a correction. Never the wall clock for unchanged content."""
    if previous is None:
        return publication_time(date)
    if previous.version == version:
        return previous.updated_at
    return now


def cut_digest(cut: RadioCut, out_dir: Path | None) -> str | None:
    """The audio hash in a cut's file name (`02-3f2a9c1b.wav`); for a cut published before
    names carried it, the hash of its samples read from `out_dir`, if the file is still there."""
    stem = Path(cut.file).stem
    if "-" in stem:
        return stem.split("-", 1)[1]
    if out_dir is None:
        return None
    try:
        with wave.open(str(Path(out_dir) / cut.file)) as wav:
            return hashlib.sha256(wav.readframes(wav.getnframes())).hexdigest()[:8]
    except (OSError, wave.Error, EOFError):
        return None


def _headline(record: EpisodeRecord, number: int) -> str:
    return record.headlines[number - 1] if 0 < number <= len(record.headlines) else ""
