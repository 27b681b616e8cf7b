"""Mastering the assembled episode into its deliverables, chapter by chapter, while it is made.

    mastering = EpisodeMastering(pcm, mp3_path=out / "bulletin.mp3", wav_folder=out / "radio")
    mastering.add(chapter)            # as soon as assembly has written a chapter; returns at once
    mastered = mastering.finish(timeline, meta)

Every chapter (the intro, each article) is brought to the podcast target and, separately, to
the radio target on its own, in a background thread, while speech of the later chapters goes
on: its podcast version feeds the MP3 encoders (a new encoder part starts in the pause that
ends a chapter) and its radio versions the 48 kHz resamplers. Nothing holds more than a block
of audio, so memory does not grow with the length of the edition.

The MP3 and the whole bulletin's WAV are each on target as a whole: every chapter gets the gain
that puts the episode so far on target (running.py), so each chapter is within a hair of the
target and the finished episode on it. Each article's own WAV is normalised on its own, as a
station plays it alone.

`finish` writes the ID3 tag with the chapters and the broadcast headers once the timeline and
the episode's metadata are known.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..assemble import ChapterAudio
from ..errors import AudioError
from ..spool import PcmFile, SpoolFile
from ..timeline import Timeline
from .model import EpisodeMeta, Loudness, MasteredFile
from .radio import RADIO_RATE, ResampledStream, wav_names
from .radio import audio_hash, origination, wav_file_name  # noqa: F401  (cuts are named by them)

if TYPE_CHECKING:  # numpy and scipy load when mastering starts, not when the package is imported
    from .mp3 import Mp3Stream

PODCAST_LUFS = -19.0
"""Integrated loudness of the podcast MP3 (mono speech; -16 LUFS stereo-equivalent)."""
PODCAST_CEILING = -1.5
"""True-peak ceiling of the mastered PCM: leaves 0.5 dB for the codec's overshoot (0.1-0.3 dB
measured on speech at 64 kbit/s), so the decoded MP3 stays under -1 dBTP."""
RADIO_LUFS = -23.0
"""EBU R128 programme loudness of the broadcast WAVs."""
RADIO_CEILING = -1.5
"""True-peak ceiling before resampling to 48 kHz and rounding to 16 bits (R128: <= -1 dBTP)."""
MP3_NAME = "bulletin.mp3"
"""The podcast MP3 in the episode's folder."""
SECTIONS_DIR = "sections"
"""Each section's own MP3 (01.mp3, 02.mp3 ...) in the episode's folder, for `episodes = "section"`."""
EPISODES = ("auto", "edition", "section")
"""What the feed gets per edition: one episode, or one per section; auto: one episode for an
edition under SECTION_EPISODES_MIN_SECONDS, one per section from there on."""
SECTION_EPISODES_MIN_SECONDS = 40 * 60
RADIO_DIR = "radio"
"""The broadcast WAVs' folder in the episode's folder."""
_TIMELINE_SLACK = 0.05  # seconds the Timeline may differ from the audio before it is refused


@dataclass(frozen=True)
class Mastered:
    mp3: MasteredFile | None
    wavs: tuple[MasteredFile, ...]
    sections: tuple[MasteredFile, ...] = ()
    """Each section's own MP3 (cut from the same encoded stream), when episodes are per section."""


def section_title(paper: str, date: dt.date, name: str) -> str:
    """A section episode's title: 太原日报 6月27日 要闻."""
    return f"{paper} {date.month}月{date.day}日 {name}"


@dataclass(frozen=True)
class _Done:
    """A mastered chapter: the loudness of its own broadcast WAV, and where that WAV's samples
    are in the articles' resampled stream."""

    chapter: ChapterAudio
    article_loudness: Loudness | None
    article_first: int = 0
    """Frame (at RADIO_RATE) where its own WAV's samples start in the articles' spool."""
    article_frames: int = 0


def chapter_spans(timeline: Timeline, rate: int, frames: int) -> list[ChapterAudio]:
    """The timeline's chapters as frame ranges of its audio (the whole as one if it has none)."""
    if not timeline.chapters:
        return [ChapterAudio(0, "", None, 0, frames)]
    marks = [min(frames, round(c.start * rate)) for c in timeline.chapters] + [frames]
    return [ChapterAudio(k, c.title, c.article, marks[k], max(marks[k], marks[k + 1]))
            for k, c in enumerate(timeline.chapters)]


class EpisodeMastering:
    """The MP3 and the broadcast WAVs of the episode being assembled into `pcm` (see module doc).

    Chapters must be added in order, each starting where the previous ended. Scratch audio
    lives in unnamed files in `scratch` (default: the WAV folder, else the system's); the MP3
    encoders' parts sit next to the MP3 until `finish` joins them. Use it as a context manager:
    leaving it without `finish` (an error, Ctrl-C) stops every encoder and removes every part.
    """

    def __init__(self, pcm: PcmFile, *, mp3_path: Path | None = None, wav_folder: Path | None = None,
                 wav_stem: str = "bulletin", target_lufs: float = PODCAST_LUFS, bitrate_kbps: int = 64,
                 sample_rate: int = 44100, quality: int = 7, ceiling_dbtp: float = PODCAST_CEILING,
                 radio_lufs: float = RADIO_LUFS, radio_ceiling_dbtp: float = RADIO_CEILING,
                 workers: int | None = None, scratch: Path | None = None, episodes: str = "edition"):
        from .mp3 import Mp3Settings, Mp3Stream
        from .normalise import Target
        from .running import Running

        Mp3Settings(bitrate_kbps, sample_rate, quality)  # refuse bad settings before anything is written
        if wav_folder is not None and (not wav_stem or not wav_stem.isascii() or "/" in wav_stem):
            raise AudioError(f"WAV file stem must be plain ASCII, got {wav_stem!r}", hint="use the edition date")
        self.pcm, self.rate = pcm, pcm.rate
        self.podcast_target = Target(target_lufs, ceiling_dbtp) if mp3_path else None
        self.radio_target = Target(radio_lufs, radio_ceiling_dbtp) if wav_folder else None
        self.mp3_path, self.wav_folder, self.wav_stem = mp3_path, wav_folder, wav_stem
        self._done: list[_Done] = []
        self._podcast = Running(self.rate)  # the episode so far, as mastered for each deliverable
        self._radio = Running(self.rate)
        self._peaks = {"podcast": 0.0, "radio": 0.0}
        self._alone: ResampledStream | None = None  # the resampler of the article being mastered
        self._scratch: Path | None = scratch
        if episodes not in EPISODES:
            raise ValueError(f"episodes must be one of {', '.join(EPISODES)}, got {episodes!r}")
        self.episodes = episodes
        self._part_starts: dict[int, int | None] = {}  # chapter -> the MP3 part it starts, if it starts one
        self._chapter_hops: dict[int, tuple[int, int, float]] = {}  # chapter -> its podcast hops, true peak
        self._queue: queue.Queue[ChapterAudio | None] = queue.Queue()
        self._failure: BaseException | None = None
        self._stop = threading.Event()
        self._next_frame = 0
        self.busy_seconds = 0.0
        """Time the mastering thread spent working (for the benchmark)."""
        self.mp3: Mp3Stream | None = None
        self.radio: ResampledStream | None = None
        """The whole bulletin at 48 kHz."""
        self.radio_articles: SpoolFile | None = None
        """Each article normalised on its own and resampled on its own, one after the other, at
        48 kHz."""
        try:
            if wav_folder is not None:
                try:
                    Path(wav_folder).mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise AudioError(f"cannot create the folder: {exc.strerror or exc}",
                                     where=str(wav_folder)) from None
                self.radio = ResampledStream(self.rate, scratch or Path(wav_folder), RADIO_RATE)
                self.radio_articles = SpoolFile(scratch or Path(wav_folder))
                self._scratch = scratch or Path(wav_folder)
            if mp3_path is not None:
                self.mp3 = Mp3Stream(Path(mp3_path), self.rate, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate,
                                     quality=quality, running=workers or os.cpu_count() or 1)
        except BaseException:
            self._release()
            raise
        self._thread = threading.Thread(target=self._work, name="mastering", daemon=True)
        self._thread.start()

    # --- the mastering thread -------------------------------------------------------------------

    def add(self, chapter: ChapterAudio) -> None:
        """Master `chapter` (already in the PCM file) in the background; raises a failure of an
        earlier chapter."""
        self._raise_failure()
        if chapter.first != self._next_frame:
            raise ValueError(f"chapter {chapter.index} starts at frame {chapter.first}, expected {self._next_frame}")
        self._next_frame = chapter.last
        self._queue.put(chapter)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _work(self) -> None:
        import time

        from .blas import one_blas_thread

        with one_blas_thread():
            while (chapter := self._queue.get()) is not None:
                if self._failure is not None or self._stop.is_set():
                    continue
                start = time.thread_time()
                try:
                    self._done.append(self._master(chapter))
                except BaseException as exc:  # handed to the main thread by add/finish
                    self._failure = exc
                self.busy_seconds += time.thread_time() - start

    def _master(self, chapter: ChapterAudio) -> _Done:
        from .programme import Applied, analyse, apply, solve

        article = chapter.article is not None
        analysis = analyse(self.pcm, chapter.first, chapter.last)
        podcast = radio = own = None
        if self.podcast_target:
            podcast = solve(self.pcm, analysis, self.podcast_target, running=self._podcast,
                            what=f"chapter {chapter.title}", silent_ok=True)
        if self.radio_target:
            radio = solve(self.pcm, analysis, self.radio_target, running=self._radio,
                          what=f"chapter {chapter.title}", silent_ok=True)
            if article:
                own = solve(self.pcm, analysis, self.radio_target, what=f"article {chapter.title}")
        if self.mp3 is not None:
            self._part_starts[chapter.index] = self.mp3.parts if self.mp3.at_part_start else None
        # the article's own WAV: its own resampler run, so its bytes depend on its audio alone
        alone = (ResampledStream(self.rate, self._scratch, RADIO_RATE, data=self.radio_articles)
                 if own is not None and self.radio_articles is not None else None)
        self._alone = alone
        before = self.radio_articles.size // 2 if self.radio_articles is not None else 0
        applied = Applied([])
        for out_podcast, out_radio, out_own in apply(self.pcm, analysis, [podcast, radio, own], applied):
            if self._stop.is_set():
                raise AudioError("mastering stopped")
            if out_podcast is not None and self.mp3 is not None:
                self.mp3.feed(out_podcast)
            if out_radio is not None and self.radio is not None:
                self.radio.send(out_radio)
            if out_own is not None and alone is not None:
                alone.send(out_own)
        if alone is not None:
            alone.close()
            self._alone = None
        if self.mp3 is not None:
            self.mp3.chapter_end()
        podcast_peak, radio_peak, own_peak = applied.true_peaks
        if podcast is not None:
            first = self._podcast.hops
            self._chapter_hops[chapter.index] = (first, first + len(podcast.energies), podcast_peak)
            self._podcast.append(podcast.energies)
            self._peaks["podcast"] = max(self._peaks["podcast"], podcast_peak)
        if radio is not None:
            self._radio.append(radio.energies)
            self._peaks["radio"] = max(self._peaks["radio"], radio_peak)
        after = self.radio_articles.size // 2 if self.radio_articles is not None else 0
        return _Done(chapter, own.loudness(self.rate, own_peak) if own else None, before, after - before)

    # --- the files ------------------------------------------------------------------------------

    def finish(self, timeline: Timeline, meta: EpisodeMeta, created: dt.datetime | None = None) -> Mastered:
        """Wait for the last chapter, then write the MP3 (with the timeline's chapters in its ID3
        tag) and the broadcast WAVs."""
        from .loudness import stats_from_energies, to_db

        self._queue.put(None)
        self._thread.join()
        self._raise_failure()
        if abs(timeline.duration - self.pcm.duration) > _TIMELINE_SLACK:
            raise AudioError(f"the timeline lasts {timeline.duration:.2f} s but the audio {self.pcm.duration:.2f} s",
                             hint="master the audio that was assembled with this timeline")
        if self._next_frame != self.pcm.frames:
            raise ValueError(f"chapters cover {self._next_frame} of {self.pcm.frames} frames")
        if not self.pcm.frames:
            raise AudioError("the assembled audio is empty", hint="check the script and speech stages")
        mp3 = None
        sections: list[MasteredFile] = []
        if self.mp3 is not None:
            from . import id3

            loudness = stats_from_energies(self._podcast.energies, self.rate, to_db(self._peaks["podcast"]))
            if not math.isfinite(loudness.integrated):
                raise AudioError("the episode is silent: nothing to normalise", hint="check the speech engine's output")
            assert self.mp3_path is not None
            path = Path(self.mp3_path)
            self.mp3.finish()
            self.mp3.write(path, id3.tag_bytes(meta, timeline.chapters, self.pcm.duration))
            mp3 = MasteredFile(path, path.stat().st_size, self.pcm.duration, loudness.integrated,
                               loudness.true_peak, None, loudness.loudness_range)
            sections = self._write_sections(timeline, meta)
            self.mp3.abort()  # the parts' scratch files
        wavs = self._write_wavs(timeline, meta, created) if self.radio is not None else []
        return Mastered(mp3, tuple(wavs), tuple(sections))

    def _write_sections(self, timeline: Timeline, meta: EpisodeMeta) -> list[MasteredFile]:
        """Each section's own MP3, made of the encoded parts its chapters start (no second
        encode), when episodes are per section (see EPISODES). An edition whose sections do not
        start parts of their own gets none."""
        from . import id3
        from .loudness import stats_from_energies, to_db

        per_section = self.episodes == "section" or (
            self.episodes == "auto" and self.pcm.duration >= SECTION_EPISODES_MIN_SECONDS)
        if not per_section or self.mp3 is None:
            return []
        firsts = [k for k, c in enumerate(timeline.chapters) if c.opens_section]
        if not firsts or any(self._part_starts.get(k) is None for k in firsts):
            return []
        folder = Path(self.mp3_path or ".").parent / SECTIONS_DIR
        energies = self._podcast.energies
        out = []
        for number, first in enumerate(firsts):
            following = firsts[number + 1] if number + 1 < len(firsts) else None
            part_first = self._part_starts[first]
            part_last = self._part_starts[following] if following is not None else None
            assert part_first is not None
            start, end = self.mp3.span(part_first, part_last if part_last is not None else self.mp3.parts)
            shifted = timeline.window(start, end).chapters
            name = timeline.chapters[first].title
            hops = [self._chapter_hops[k] for k in range(first, following or len(timeline.chapters))
                    if k in self._chapter_hops]
            loudness = stats_from_energies(energies[hops[0][0]:hops[-1][1]], self.rate,
                                           to_db(max(peak for _, _, peak in hops)))
            section_meta = replace(meta, title=section_title(meta.album, meta.date, name))
            path = folder / f"{number + 1:02d}.mp3"
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AudioError(f"cannot create the folder: {exc.strerror or exc}", where=str(folder)) from None
            self.mp3.write(path, id3.tag_bytes(section_meta, shifted, end - start),
                           part_first, part_last)
            out.append(MasteredFile(path, path.stat().st_size, end - start, loudness.integrated, loudness.true_peak,
                                    first, loudness.loudness_range, None, timeline.chapters[first].section, start))
        return out

    def _write_wavs(self, timeline: Timeline, meta: EpisodeMeta, created: dt.datetime | None) -> list[MasteredFile]:
        from .loudness import stats_from_energies, to_db
        from .radio import Texts, write_wav

        assert self.radio is not None and self.radio_articles is not None and self.wav_folder is not None
        whole_data: SpoolFile | None = None
        articles_data: SpoolFile | None = None
        try:
            whole_data, self.radio = self.radio.close(), None
            articles_data, self.radio_articles = self.radio_articles, None
            scale = RADIO_RATE / self.rate
            total = whole_data.size // 2
            if abs(total - round(self.pcm.frames * scale)) > 1:
                raise AudioError(f"the resampler returned {total} samples, expected {round(self.pcm.frames * scale)}")
            whole = stats_from_energies(self._radio.energies, self.rate, to_db(self._peaks["radio"]))
            if not math.isfinite(whole.integrated):
                raise AudioError("the episode is silent: nothing to normalise", hint="check the speech engine's output")
            names = wav_names(self.wav_stem, timeline.chapters)
            texts = Texts(meta, timeline.chapters)  # pinyin for the ASCII fields
            day = f"{meta.date:%Y%m%d}"
            folder = Path(self.wav_folder)
            results = [write_wav(folder, whole_data, 0, total, texts, None, whole, names[None],
                                 f"{day}-{names[None]}", created)]
            for done in self._done:
                index = done.chapter.index
                if index not in names or done.article_loudness is None:
                    continue
                results.append(write_wav(folder, articles_data, done.article_first, done.article_frames, texts, index,
                                         done.article_loudness, names[index], f"{day}-{names[index]}", created))
            return results
        finally:
            for spooled in (whole_data, articles_data):
                if spooled is not None:
                    spooled.close()

    # --- stopping -------------------------------------------------------------------------------

    def _streams(self) -> list:
        return [stream for stream in (self.mp3, self.radio, self._alone) if stream is not None]

    def _release(self) -> None:
        for stream in self._streams():
            stream.abort()
        if self.radio_articles is not None:
            self.radio_articles.close()
        self.mp3 = self.radio = self._alone = self.radio_articles = None

    def close(self) -> None:
        """Stop the work (if `finish` did not complete it) and remove every scratch file."""
        self._stop.set()
        for stream in self._streams():
            stream.kill()  # unblocks the thread if it is writing to an encoder
        self._queue.put(None)
        self._thread.join()
        self._release()

    def __enter__(self) -> "EpisodeMastering":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def master_episode(audio: PcmFile, timeline: Timeline, meta: EpisodeMeta, *, mp3_path: Path | None = None,
                   wav_folder: Path | None = None, wav_stem: str | None = None, created: dt.datetime | None = None,
                   **options) -> Mastered:
    """Both deliverables of an episode assembled already (the keyword options are
    EpisodeMastering's)."""
    if abs(timeline.duration - audio.duration) > _TIMELINE_SLACK:
        raise AudioError(f"the timeline lasts {timeline.duration:.2f} s but the audio {audio.duration:.2f} s",
                         hint="master the audio that was assembled with this timeline")
    with EpisodeMastering(audio, mp3_path=mp3_path, wav_folder=wav_folder, wav_stem=wav_stem or "bulletin",
                          **options) as mastering:
        _add_all(mastering, chapter_spans(timeline, audio.rate, audio.frames))
        return mastering.finish(timeline, meta, created)


def _add_all(mastering: EpisodeMastering, chapters: Iterable[ChapterAudio]) -> None:
    for chapter in chapters:
        mastering.add(chapter)


def master_mp3(audio: PcmFile, timeline: Timeline, meta: EpisodeMeta, path: Path, **options) -> MasteredFile:
    """Loudness-normalised, chapter-tagged podcast MP3 at `path` (written atomically)."""
    mastered = master_episode(audio, timeline, meta, mp3_path=path, **options)
    assert mastered.mp3 is not None
    return mastered.mp3


def master_broadcast_wavs(audio: PcmFile, timeline: Timeline, meta: EpisodeMeta, folder: Path,
                          stem: str = "bulletin", *, target_lufs: float = RADIO_LUFS,
                          ceiling_dbtp: float = RADIO_CEILING, created: dt.datetime | None = None,
                          ) -> list[MasteredFile]:
    """48 kHz 16-bit Broadcast WAVs in `folder`, each chapter normalised on its own to
    `target_lufs`, with bext, ubxt and cart chunks: the whole bulletin, then one per article."""
    mastered = master_episode(audio, timeline, meta, wav_folder=folder, wav_stem=stem, created=created,
                              radio_lufs=target_lufs, radio_ceiling_dbtp=ceiling_dbtp)
    return list(mastered.wavs)
