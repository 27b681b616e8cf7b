"""Publish stage: a mastered episode -> the date folder, both feeds, the accessible edition, the index.

    with output_lock(out_dir), staged_episode(out_dir, edition.date) as staged:
        mastered = master(assembled, meta, staged.path, ...)      # the audio, into the staged folder
        published = publish(out_dir, staged, Episode(edition, timeline, mastered), options)

Nothing published changes until the staged folder is complete: it is swapped in with renames,
then the manifest, the feeds and the index are replaced atomically (see publication.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from ..atomic import StagedFolder, staged_folder
from ..edition import Edition
from ..master import Mastered, MasteredFile
from ..timeline import Timeline
from .accessible import write_accessible_edition
from .accessible.reading import edition_title
from .chapters_json import chapter_list
from .episode_files import SRT_NAME, TEXT_NAME, VTT_NAME, write_episode_files
from .lock import output_lock
from .manifest import EpisodeRecord, RadioCut, SectionEpisode, episode_guid, publication_time
from .options import ARCHIVE_POLICIES, PublishOptions
from .publication import INDEX_PAGE, publish_episode

ACCESSIBLE_DIR = "accessible"
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


@contextlib.contextmanager
def staged_episode(out_dir: Path, date: dt.date) -> Iterator[StagedFolder]:
    """The date's folder, built beside the published one; removed unless `publish` swaps it in."""
    with staged_folder(Path(out_dir) / date.isoformat()) as staged:
        yield staged


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


def publish(out_dir: Path, staged: StagedFolder, episode: Episode, options: PublishOptions) -> Published:
    """The stage's entry: add the transcripts and the accessible edition to the staged folder,
    then publish it. Call it holding `output_lock(out_dir)`."""
    out_dir = Path(out_dir)
    edition, timeline, mastered = episode.edition, episode.timeline, episode.mastered
    if edition.date is None or mastered.mp3 is None:
        raise ValueError("publishing needs a dated edition and its MP3")
    folder = staged.path
    write_episode_files(folder, timeline)
    accessible = write_accessible_edition(
        edition, timeline, mastered.mp3.path, folder / ACCESSIBLE_DIR,
        transcripts={"WebVTT 字幕": VTT_NAME, "SRT 字幕": SRT_NAME, "纯文本文字稿": TEXT_NAME},
        index_page=out_dir / INDEX_PAGE)
    iso = edition.date.isoformat()

    def published_path(path: Path) -> str:
        return f"{iso}/{path.relative_to(folder).as_posix()}"

    sections = tuple(_section_episode(folder, timeline, section, number, options.paper, edition, published_path)
                     for number, section in enumerate(mastered.sections, start=1))
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
    stored = publish_episode(out_dir, staged, record, options)
    return Published(stored, out_dir / stored.audio, accessible.unplaced)


def _section_episode(folder: Path, timeline: Timeline, mp3: MasteredFile, number: int, paper: str,
                     edition: Edition, published_path) -> SectionEpisode:
    """A section's own episode: its MP3 (from mastering), its captions and chapters timed to it."""
    from ..master import section_title
    from .chapters_json import chapters_json
    from .transcripts import webvtt

    assert edition.date is not None
    window = timeline.window(mp3.start, mp3.start + mp3.duration)
    name = timeline.chapters[mp3.chapter].title if mp3.chapter is not None else str(number)
    stem = mp3.path.with_suffix("")
    transcript, chapters = stem.with_suffix(".vtt"), stem.with_name(f"{stem.name}.chapters.json")
    transcript.write_text(webvtt(window), encoding="utf-8")
    chapters.write_text(chapters_json(window), encoding="utf-8")
    title = section_title(paper, edition.date, name)
    return SectionEpisode(number=number, title=title, description=f"{title}：\n{chapter_list(window)}",
                          file=published_path(mp3.path), bytes=mp3.size, duration=round(mp3.duration, 3),
                          transcript=published_path(transcript), chapters=published_path(chapters))


__all__ = ["ARCHIVE_POLICIES", "Episode", "Published", "PublishOptions", "episode_notes", "episode_title",
           "output_lock", "publish", "staged_episode"]
