"""Publish stage: a mastered episode -> a version of its date, both feeds, the accessible edition, the index.

    with output_lock(out_dir):
        audit = check_output(out_dir, options)                      # before any speech
        ...
        with staged_episode(out_dir, edition.date) as staged:
            mastered = master(assembled, meta, staged.path, ...)   # the audio, into the staged folder
            published = publish(out_dir, staged, Episode(edition, timeline, mastered), options)

Nothing published changes until the staged version is complete: it gets its content name
(versions.py), then the manifest, the feeds and the index are switched over to it, each
atomically (publication.py).
"""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..edition import Edition
from ..master import Mastered, MasteredFile
from ..timeline import Timeline
from .accessible import write_accessible_edition
from .accessible.reading import edition_title
from .audit import Audit, check_output, repair
from .chapters_json import chapter_list
from .episode_files import SRT_NAME, TEXT_NAME, VTT_NAME, write_episode_files
from .lock import output_lock
from .manifest import EpisodeRecord, RadioCut, SectionEpisode, episode_guid, publication_time
from .options import ARCHIVE_POLICIES, PublishOptions
from .outputs import ACCESSIBLE_DIR, published_files
from . import manifest_file
from .corrections import modified_time
from .publication import INDEX_PAGE, publish_episode
from .recover import Recovered, recover, save_recovered
from .versions import StagedEpisode, open_staged_episode, staged_episode, version_name

ENGINE_LABELS = {"edge": "微软在线语音", "offline": "离线合成语音"}


@dataclass(frozen=True)
class Episode:
    """Everything the earlier stages made of one edition."""

    edition: Edition
    timeline: Timeline
    mastered: Mastered
    """The MP3 and broadcast WAVs, already in the staged folder."""
    engine_labels: Mapping[str, str] = field(default_factory=dict)
    """Engine name -> how the notes name its voice to listeners (e.g. azure -> 微软 Azure 语音)."""


@dataclass(frozen=True)
class Published:
    record: EpisodeRecord
    """The episode as the manifest now holds it (number and GUID included)."""
    audio: Path
    """The published MP3."""
    unplaced: tuple[str, ...] = ()
    """Spoken segments the accessible edition could not place in the text (should be none)."""
    status: str = "published"
    """published (a new date, or one whose files had gone), corrected (other content: a
    correction), or unchanged (the same content again: nothing published changed)."""


def episode_title(edition: Edition) -> str:
    return edition_title(edition)


def episode_notes(edition: Edition, timeline: Timeline, labels: Mapping[str, str] | None = None) -> str:
    """The show notes: the paper and date, each chapter with its start time, and which voice
    read which article (listeners hear the difference when an engine fell back); `labels`:
    engine name -> its voice's name for listeners (default ENGINE_LABELS)."""
    labels = {**ENGINE_LABELS, **(labels or {})}
    by_article = timeline.engines_by_article()
    voices: dict[str, list[str]] = {}
    for index in range(len(edition.articles)):
        for engine in sorted(by_article.get(index, ())):
            voices.setdefault(labels.get(engine, engine), []).append(str(index + 1))
    voice_line = "；".join(f"第{'、'.join(n)}篇：{label}" for label, n in voices.items())
    date = edition.date.isoformat() if edition.date else ""
    return (f"{edition.paper} {date} 要目：\n{chapter_list(timeline)}"
            + (f"\n朗读：{voice_line}" if voice_line else ""))


def publish(out_dir: Path, staged: StagedEpisode, episode: Episode, options: PublishOptions) -> Published:
    """The stage's entry: add the transcripts and the accessible edition to the staged version,
    then publish it. Call it holding `output_lock(out_dir)`."""
    out_dir = Path(out_dir)
    edition, timeline, mastered = episode.edition, episode.timeline, episode.mastered
    if edition.date is None or mastered.mp3 is None:
        raise ValueError("publishing needs a dated edition and its MP3")
    folder = staged.path
    write_episode_files(folder, timeline)
    section_files = [_write_section_files(timeline, mp3) for mp3 in mastered.sections]
    now = dt.datetime.now(dt.timezone.utc)
    current = manifest_file.load(out_dir)
    previous = current[0].get(edition.date.isoformat()) if current else None
    # the version is named after the files written so far (accessible/ is not part of the name), so
    # the book's time can follow it: the same content, the same book, byte for byte
    modified = modified_time(previous, version_name(folder), edition.date, now)
    accessible = write_accessible_edition(
        edition, timeline, mastered.mp3.path, folder / ACCESSIBLE_DIR,
        transcripts={"WebVTT 字幕": VTT_NAME, "SRT 字幕": SRT_NAME, "纯文本文字稿": TEXT_NAME},
        index_page=out_dir / INDEX_PAGE, modified=modified)
    iso = edition.date.isoformat()
    staged.seal()

    def published_path(path: Path) -> str:
        return f"{staged.published_folder}/{path.relative_to(folder).as_posix()}"

    sections = tuple(_section_episode(timeline, mp3, files, number, options.paper, edition, published_path)
                     for number, (mp3, files) in enumerate(zip(mastered.sections, section_files), start=1))
    headlines = tuple(a.headline for a in edition.articles)
    radio = tuple(RadioCut(0 if wav.article is None else wav.article + 1,
                           options.paper if wav.article is None else headlines[wav.article],
                           published_path(wav.path), wav.size, round(wav.duration, 3))
                  for wav in mastered.wavs)
    record = EpisodeRecord(
        date=iso, guid=episode_guid(options.paper, edition.date), number=0, title=episode_title(edition),
        description=episode_notes(edition, timeline, episode.engine_labels), audio=published_path(mastered.mp3.path),
        audio_bytes=mastered.mp3.size, duration=mastered.mp3.duration,
        published=publication_time(edition.date).isoformat(), headlines=headlines,
        engines=tuple(sorted({t.engine for t in timeline.segments})), radio=radio, sections=sections)
    stored = publish_episode(out_dir, staged, record, options, now=now)
    return Published(stored, out_dir / stored.audio, accessible.unplaced, _status(previous, stored))


def _write_section_files(timeline: Timeline, mp3: MasteredFile) -> tuple[Path, Path]:
    """A section episode's captions and chapters, timed to its own MP3, next to it."""
    from .chapters_json import chapters_json
    from .transcripts import webvtt

    window = timeline.window(mp3.start, mp3.start + mp3.duration)
    stem = mp3.path.with_suffix("")
    transcript, chapters = stem.with_suffix(".vtt"), stem.with_name(f"{stem.name}.chapters.json")
    transcript.write_text(webvtt(window), encoding="utf-8")
    chapters.write_text(chapters_json(window), encoding="utf-8")
    return transcript, chapters


def _section_episode(timeline: Timeline, mp3: MasteredFile, files: tuple[Path, Path], number: int, paper: str,
                     edition: Edition, published_path) -> SectionEpisode:
    """A section's own episode: its MP3 (from mastering), its captions and chapters."""
    from ..master import section_title

    assert edition.date is not None
    window = timeline.window(mp3.start, mp3.start + mp3.duration)
    name = timeline.chapters[mp3.chapter].title if mp3.chapter is not None else str(number)
    title = section_title(paper, edition.date, name)
    return SectionEpisode(number=number, title=title, description=f"{title}：\n{chapter_list(window)}",
                          file=published_path(mp3.path), bytes=mp3.size, duration=round(mp3.duration, 3),
                          transcript=published_path(files[0]), chapters=published_path(files[1]))


def _status(previous: EpisodeRecord | None, stored: EpisodeRecord) -> str:
    if previous is None or previous.removed:
        return "published"
    if previous.version == stored.version:
        return "unchanged"
    return "corrected" if len(stored.corrections) > len(previous.corrections) else "published"


__all__ = ["ARCHIVE_POLICIES", "Audit", "Episode", "Published", "PublishOptions", "Recovered", "check_output",
           "episode_notes", "episode_title", "open_staged_episode", "output_lock", "publish", "published_files",
           "recover", "repair", "save_recovered", "StagedEpisode", "staged_episode"]
