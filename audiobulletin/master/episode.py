"""Mastering the assembled episode into its deliverables: the podcast MP3 and the radio WAVs.

    prepared = prepare(audio)                       # samples + K-weighting, once
    mp3 = master_mp3(prepared, timeline, meta, out / "2021-06-27.mp3")
    wavs = master_broadcast_wavs(prepared, timeline, meta, out / "radio", "2021-06-27")
    # or both at once, the MP3 encoding while the WAVs are made:
    mastered = master_episode(audio, timeline, meta, mp3_path=..., wav_folder=..., wav_stem=...)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import __version__
from ..errors import AudioError
from ..timeline import Chapter, Timeline

if TYPE_CHECKING:
    import numpy as np

    from ..assemble import Pcm
    from ..ffmpeg import Processes
from .model import EpisodeMeta, Loudness, MasteredFile

PODCAST_LUFS = -19.0
"""Integrated loudness of the podcast MP3 (mono speech; -16 LUFS stereo-equivalent)."""
PODCAST_CEILING = -1.5
"""True-peak ceiling of the mastered PCM: leaves 0.5 dB for the codec's overshoot (0.1-0.3 dB
measured on speech at 64 kbit/s), so the decoded MP3 stays under -1 dBTP."""
RADIO_LUFS = -23.0
"""EBU R128 programme loudness of the broadcast WAVs."""
RADIO_CEILING = -1.5
"""True-peak ceiling before resampling to 48 kHz and rounding to 16 bits (R128: <= -1 dBTP)."""
RADIO_RATE = 48000
MP3_NAME = "bulletin.mp3"
"""The podcast MP3 in the episode's folder."""
RADIO_DIR = "radio"
"""The broadcast WAVs' folder in the episode's folder."""
_TIMELINE_SLACK = 0.05  # seconds the Timeline may differ from the audio before it is refused


@dataclass(frozen=True)
class Prepared:
    """The episode as float samples and their K-weighting, shared by every deliverable."""

    samples: "np.ndarray"
    rate: int
    weighted: "np.ndarray"

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Mastered:
    mp3: MasteredFile | None
    wavs: tuple[MasteredFile, ...]


def _one_blas_thread(function: Callable) -> Callable:
    """Run `function` with BLAS on one thread: mastering's matrix products are small, the
    pipeline works in processes, and OpenBLAS threads spinning on a busy 2-core machine made
    them ~8x slower. (The limit is process-wide; nested uses restore what they found.)"""

    @functools.wraps(function)
    def limited(*args, **kwargs):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited


def prepare(audio: "Pcm | Prepared") -> Prepared:
    """Float samples of the assembled PCM and their K-weighting."""
    if isinstance(audio, Prepared):
        return audio
    from .loudness import k_weighted
    from .pcm import samples_of

    samples = samples_of(audio)
    return Prepared(samples, audio.rate, k_weighted(samples, audio.rate))


def _check(prepared: Prepared, timeline: Timeline) -> None:
    if abs(timeline.duration - prepared.duration) > _TIMELINE_SLACK:
        raise AudioError(f"the timeline lasts {timeline.duration:.2f} s but the audio {prepared.duration:.2f} s",
                         hint="master the audio that was assembled with this timeline")


@_one_blas_thread
def master_mp3(audio, timeline: Timeline, meta: EpisodeMeta, path: Path, *, target_lufs: float = PODCAST_LUFS,
               bitrate_kbps: int = 64, sample_rate: int = 44100, quality: int = 7,
               ceiling_dbtp: float = PODCAST_CEILING, workers: int | None = None) -> MasteredFile:
    """Loudness-normalised, chapter-tagged podcast MP3 at `path` (written atomically).

    `audio` is the assembled PCM (or a `prepare`d one); `workers` is how many
    encoder processes may share the work (default: one per CPU).
    """
    return _mp3_render(prepare(audio), timeline, meta, path, target_lufs=target_lufs, bitrate_kbps=bitrate_kbps,
                       sample_rate=sample_rate, quality=quality, ceiling_dbtp=ceiling_dbtp, workers=workers)()


def _mp3_render(prepared: Prepared, timeline: Timeline, meta: EpisodeMeta, path: Path, *, target_lufs: float,
                bitrate_kbps: int, sample_rate: int, quality: int, ceiling_dbtp: float,
                workers: int | None, processes: "Processes | None" = None) -> Callable[[], MasteredFile]:
    """Normalise and tag now; return the step that encodes and writes (the long one)."""
    from . import id3, mp3
    from .normalise import Target, normalise

    settings = mp3.Mp3Settings(bitrate_kbps, sample_rate, quality)
    target = Target(target_lufs, ceiling_dbtp)
    _check(prepared, timeline)
    path = Path(path)
    out, loudness = normalise(prepared.samples, prepared.weighted, prepared.rate, target)
    head = id3.tag_bytes(meta, timeline.chapters, prepared.duration)

    def encode() -> MasteredFile:
        mp3.encode(out, prepared.rate, path, bitrate_kbps=settings.bitrate_kbps, sample_rate=settings.sample_rate,
                   quality=settings.quality, head=head, parts=workers or os.cpu_count() or 1, processes=processes)
        return _result(path, prepared.duration, loudness)

    return encode


def _result(path: Path, duration: float, loudness: Loudness, chapter: Chapter | None = None,
            index: int | None = None) -> MasteredFile:
    return MasteredFile(path, path.stat().st_size, duration, loudness.integrated, loudness.true_peak,
                        index, loudness.loudness_range, chapter.article if chapter else None)


def wav_names(stem: str, chapters: tuple[Chapter, ...]) -> dict[int | None, str]:
    """Cut names by chapter index (None: the whole bulletin): `{stem}`, then `01`, `02` ... by
    article number. Chapters without an article (the intro) get no file of their own. Each file
    is named `<cut>-<audio hash>.wav` (`wav_file_name`)."""
    names: dict[int | None, str] = {None: stem}
    for index, chapter in enumerate(chapters):
        if chapter.article is not None:
            names[index] = f"{chapter.article + 1:02d}"
    return names


def audio_hash(pcm) -> str:
    """The first 8 hex digits of the sha256 of a cut's samples: the same audio always gets the
    same hash, whatever its tags say."""
    return hashlib.sha256(memoryview(pcm).cast("B")).hexdigest()[:8]


def wav_file_name(cut: str, digest: str) -> str:
    """`01-3f2a9c1b.wav`: a corrected cut gets a new name, an unchanged one keeps its name, so a
    station fetches exactly the cuts whose audio changed (docs/publishing.md)."""
    return f"{cut}-{digest}.wav"


def origination(date: dt.date, digest: str) -> dt.datetime:
    """bext/ubxt origination date and time, never the wall clock (a rerun of the same audio
    writes the same bytes): the edition's date, and a time of day taken from the audio's hash
    within its first hour, so a corrected cut carries another stamp than the one it replaces."""
    seconds = int(digest, 16) % 3600
    return dt.datetime.combine(date, dt.time(0, seconds // 60, seconds % 60))


@_one_blas_thread
def master_broadcast_wavs(audio, timeline: Timeline, meta: EpisodeMeta, folder: Path, stem: str = "bulletin", *,
                          target_lufs: float = RADIO_LUFS, ceiling_dbtp: float = RADIO_CEILING,
                          created: dt.datetime | None = None, processes: "Processes | None" = None,
                          ) -> list[MasteredFile]:
    """48 kHz 16-bit Broadcast WAVs in `folder`, each normalised on its own to `target_lufs`,
    with bext, ubxt and cart chunks: the whole bulletin, then one per article (see `wav_names`).
    The resamplers join `processes`, if given."""
    import numpy as np

    from .. import ffmpeg
    from .loudness import k_weighted
    from .normalise import Target, normalise
    from .pcm import span

    if not stem or not stem.isascii() or "/" in stem:
        raise AudioError(f"WAV file stem must be plain ASCII, got {stem!r}", hint="use the edition date")
    target = Target(target_lufs, ceiling_dbtp)
    prepared = prepare(audio)
    _check(prepared, timeline)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioError(f"cannot create the folder: {exc.strerror or exc}", where=str(folder)) from None
    names = wav_names(stem, timeline.chapters)
    x, y, rate = prepared.samples, prepared.weighted, prepared.rate
    whole, whole_loudness = normalise(x, y, rate, target)
    # Every article on its own, from its own samples only (its own K-weighting, its own resampler
    # run): an article whose audio did not change gives the same bytes whatever changed around it,
    # so a correction renames only the cuts it touched (wav_file_name).
    cuts = {index: span(c.start, c.end, rate, len(x)) for index, c in enumerate(timeline.chapters)
            if index in names}
    article_loudness: dict[int, Loudness] = {}
    articles: dict[int, np.ndarray] = {}
    for index, (first, last) in cuts.items():
        piece = x[first:last]
        articles[index], article_loudness[index] = normalise(
            piece, k_weighted(piece, rate), rate, target, what=f"article {timeline.chapters[index].title}")

    def to_radio_pcm(samples):
        if rate == RADIO_RATE:
            return np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2")
        out = ffmpeg.run(["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                          "-af", f"aresample={RADIO_RATE}:resampler=soxr",  # ~40% less CPU than swr
                          "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"],
                         stdin=np.ascontiguousarray(samples).tobytes(), where=folder, what="resampler",
                         processes=group)
        return np.frombuffer(out, dtype="<i2")

    group = processes or ffmpeg.Processes()
    with ThreadPoolExecutor(2) as pool, group.stopped_on_error():
        whole_job = pool.submit(to_radio_pcm, whole)
        article_jobs = {index: pool.submit(to_radio_pcm, samples) for index, samples in articles.items()}
        texts = _Texts(meta, timeline.chapters)  # the pinyin import overlaps the resampling
        pieces: list[tuple[int | None, np.ndarray, Loudness]] = [(None, whole_job.result(), whole_loudness)]
        pieces += [(index, job.result(), article_loudness[index]) for index, job in article_jobs.items()]
    day = f"{meta.date:%Y%m%d}"
    results = []
    for chapter, pcm, loudness in pieces:
        digest = audio_hash(pcm)
        stamp = (created or origination(meta.date, digest)).replace(microsecond=0)
        results.append(_write_wav(folder / wav_file_name(names[chapter], digest), pcm, texts, chapter, loudness,
                                  f"{day}-{names[chapter]}", digest, stamp))
    return results


class _Texts:
    """Titles and descriptions for the chunks, in UTF-8 and in ASCII (pinyin)."""

    def __init__(self, meta: EpisodeMeta, chapters: tuple[Chapter, ...]):
        from .bwf import ascii_text

        self.meta, self.chapters = meta, chapters
        self.titles = [meta.title] + [c.title for c in chapters]
        self.ascii_titles = [ascii_text(t) for t in self.titles]
        self.ascii_episode = self.ascii_titles[0]
        self.ascii_artist = ascii_text(meta.artist)
        self.ascii_album = ascii_text(meta.album)
        self.ascii_description = ascii_text(meta.description)

    def chapter(self, index: int | None) -> Chapter | None:
        return None if index is None else self.chapters[index]

    def title(self, chapter: int | None) -> str:
        return self.titles[0 if chapter is None else chapter + 1]

    def ascii_title(self, chapter: int | None) -> str:
        return self.ascii_titles[0 if chapter is None else chapter + 1]


def _write_wav(path: Path, pcm, texts: _Texts, chapter: int | None, loudness: Loudness, cut_id: str,
               digest: str, created: dt.datetime) -> MasteredFile:
    from ..atomic import atomic_path
    from . import bwf

    meta = texts.meta
    if chapter is None:
        description, ascii_description = (f"{meta.title}\n{meta.description}",
                                          f"{texts.ascii_episode}. {texts.ascii_description}")
    else:
        description = f"{texts.title(chapter)}\n{meta.title}"
        ascii_description = f"{texts.ascii_title(chapter)}. {texts.ascii_episode}"
    history = (f"A=PCM,F={RADIO_RATE},W=16,M=mono,T=audiobulletin {__version__};"
               f"EBU R128 {loudness.integrated:.1f} LUFS\r\n")
    # the cut id names the slot (the same every version); the reference names this audio
    bext = bwf.Bext(description=bwf.fit(ascii_description, 256), originator=bwf.fit(texts.ascii_artist, 32),
                    originator_reference=f"{cut_id}-{digest}"[:32], origination=created,
                    loudness_value=loudness.integrated, loudness_range=loudness.loudness_range,
                    max_true_peak=loudness.true_peak, max_momentary=loudness.max_momentary,
                    max_short_term=loudness.max_short_term, coding_history=history)
    ubxt = dataclasses.replace(bext, description=description, originator=meta.artist)
    day = dt.datetime.combine(meta.date, dt.time())
    sound = _sound_span(pcm)
    cart = bwf.Cart(title=bwf.fit(texts.ascii_title(chapter), 64), artist=bwf.fit(texts.ascii_artist, 64),
                    cut_id=cut_id[:64], client_id=bwf.fit(texts.ascii_album, 64), start=day,
                    end=day.replace(hour=23, minute=59, second=59),
                    producer_app_id="audiobulletin", producer_app_version=__version__,
                    post_timers=(bwf.PostTimer("AUDs", sound[0]), bwf.PostTimer("AUDe", sound[1])))
    head = bwf.header(sample_rate=RADIO_RATE, frames=len(pcm), bext=bext, ubxt=ubxt, cart=cart)
    with atomic_path(path, error=AudioError) as temp, open(temp, "wb") as out:
        out.write(head)
        out.write(memoryview(pcm).cast("B"))  # 16-bit mono: always an even size, no pad byte
    return _result(path, len(pcm) / RADIO_RATE, loudness, texts.chapter(chapter), chapter)


def _sound_span(pcm, threshold: int = 33, chunk: int = RADIO_RATE) -> tuple[int, int]:
    """First and last sample above -60 dBFS (cart AUDs/AUDe), or (0, len); scans from both ends."""
    import numpy as np

    first = last = None
    for start in range(0, len(pcm), chunk):
        loud = np.flatnonzero(np.abs(pcm[start:start + chunk].astype(np.int32)) > threshold)
        if len(loud):
            first = start + int(loud[0])
            break
    for end in range(len(pcm), 0, -chunk):
        loud = np.flatnonzero(np.abs(pcm[max(0, end - chunk):end].astype(np.int32)) > threshold)
        if len(loud):
            last = max(0, end - chunk) + int(loud[-1]) + 1
            break
    return (first, last) if first is not None and last is not None else (0, len(pcm))


@_one_blas_thread
def master_episode(audio, timeline: Timeline, meta: EpisodeMeta, *, mp3_path: Path | None = None,
                   wav_folder: Path | None = None, wav_stem: str | None = None, target_lufs: float = PODCAST_LUFS,
                   bitrate_kbps: int = 64, sample_rate: int = 44100, quality: int = 7,
                   ceiling_dbtp: float = PODCAST_CEILING, workers: int | None = None) -> Mastered:
    """Both deliverables from one analysis: the MP3's encoders (the longest step) start first
    and run while the WAVs are made. The keyword options are `master_mp3`'s."""
    from ..ffmpeg import Processes

    prepared = prepare(audio)
    processes = Processes()  # an interrupt here stops the encoders in the other thread too
    encode = (_mp3_render(prepared, timeline, meta, mp3_path, target_lufs=target_lufs, bitrate_kbps=bitrate_kbps,
                          sample_rate=sample_rate, quality=quality, ceiling_dbtp=ceiling_dbtp, workers=workers,
                          processes=processes)
              if mp3_path else None)
    with ThreadPoolExecutor(1) as pool, processes.stopped_on_error():
        mp3 = pool.submit(encode) if encode else None
        wavs = (master_broadcast_wavs(prepared, timeline, meta, wav_folder, wav_stem or "bulletin",
                                      processes=processes)
                if wav_folder else [])
        return Mastered(mp3.result() if mp3 else None, tuple(wavs))
