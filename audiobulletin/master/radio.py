"""The broadcast WAVs: 48 kHz 16-bit PCM with bext, ubxt and cart chunks, written from a stream.

The whole bulletin's radio version goes through one resampler process, chapter by chapter as
each is mastered, into an unnamed spool file at 48 kHz. Each article's own WAV (normalised on
its own) goes through a resampler run of its own, so its bytes depend on its own audio only,
into a second spool file. At the end the headers, which name the chapters and their loudness,
are written in front of the copied samples. Each file is named after its audio
(`01-3f2a9c1b.wav`): a correction renames only the cuts whose audio changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import subprocess
import tempfile
import threading
from pathlib import Path

from .. import __version__, ffmpeg
from ..errors import AudioError
from ..spool import SpoolFile
from ..timeline import Chapter
from .model import EpisodeMeta, Loudness, MasteredFile

RADIO_RATE = 48000


class ResampledStream:
    """Float32 mono samples at `rate` in, 16-bit PCM at `out_rate` out, into a spool file in
    `folder` (soxr through ffmpeg: ~40% less CPU than its default resampler)."""

    def __init__(self, rate: int, folder: Path | None = None, out_rate: int = RADIO_RATE,
                 data: SpoolFile | None = None):
        """`data`: a spool file to append to (this stream then leaves it open); else a new one."""
        self.rate, self.out_rate, self.folder = rate, out_rate, folder
        self._owns_data = data is None
        self.data = SpoolFile(folder) if data is None else data
        self._errors = tempfile.TemporaryFile()
        self._failure: BaseException | None = None
        command = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
                   "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                   "-af", f"aresample={out_rate}:resampler=soxr", "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"]
        try:
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            if self._owns_data:
                self.data.close()
            self._errors.close()
            raise AudioError(f"resampler could not start: {exc}", hint="reinstall imageio-ffmpeg") from exc
        assert self.proc.stdin is not None and self.proc.stdout is not None  # both PIPE
        self._stdin, self._stdout = self.proc.stdin, self.proc.stdout
        ffmpeg.widen_pipe(self._stdin)
        ffmpeg.widen_pipe(self._stdout)
        self._reader = threading.Thread(target=self._read, name="radio-resampler", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while chunk := self._stdout.read(1 << 20):
                self.data.add(chunk)
        except BaseException as exc:  # the disk: reported by `close`
            self._failure = exc

    def send(self, x) -> None:
        import numpy as np

        try:
            self._stdin.write(np.ascontiguousarray(x, np.float32).tobytes())
        except (BrokenPipeError, ValueError):
            self._finish()
            raise AudioError("the resampler stopped reading its input") from None

    def _finish(self) -> None:
        with contextlib.suppress(OSError):
            self._stdin.close()
        self._reader.join()
        if self.proc.wait() != 0:
            self._errors.seek(0)
            raise AudioError(f"resampler failed: {ffmpeg.last_line(self._errors.read())}",
                             where=str(self.folder) if self.folder else None,
                             hint="check free disk space and the audio settings")
        if self._failure is not None:
            raise AudioError(f"cannot keep the broadcast audio: {self._failure}",
                             where=str(self.folder) if self.folder else None, hint="check free disk space")

    def close(self) -> SpoolFile:
        """Wait for the last samples; returns the spool file of 16-bit PCM (the caller closes it)."""
        try:
            self._finish()
        except BaseException:
            if self._owns_data:
                self.data.close()
            raise
        finally:
            self._errors.close()
        return self.data

    def kill(self) -> None:
        """Stop the resampler now (from any thread); `abort` then cleans up."""
        with contextlib.suppress(OSError):
            self.proc.kill()

    def abort(self) -> None:
        self.kill()
        with contextlib.suppress(OSError):
            self._stdin.close()
        self.proc.wait()
        self._reader.join()
        if self._owns_data:
            self.data.close()
        self._errors.close()


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
    import hashlib

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


class Texts:
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


def write_wav(folder: Path, data: SpoolFile, first: int, frames: int, texts: Texts, chapter: int | None,
              loudness: Loudness, cut: str, cut_id: str, created: dt.datetime | None) -> MasteredFile:
    """The Broadcast WAV of cut `cut` in `folder` (atomically), named after its audio: frames
    [first, first + frames) of `data` (16-bit PCM at RADIO_RATE) behind bext, ubxt and cart
    chunks. `created`: the origination stamp; None: one taken from the audio (`origination`)."""
    from ..atomic import atomic_path
    from . import bwf

    digest = data.sha256(2 * first, 2 * frames)[:8]
    path = Path(folder) / wav_file_name(cut, digest)
    created = (created or origination(texts.meta.date, digest)).replace(microsecond=0)

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
    sound = sound_span(data, first, frames)
    cart = bwf.Cart(title=bwf.fit(texts.ascii_title(chapter), 64), artist=bwf.fit(texts.ascii_artist, 64),
                    cut_id=cut_id[:64], client_id=bwf.fit(texts.ascii_album, 64), start=day,
                    end=day.replace(hour=23, minute=59, second=59),
                    producer_app_id="audiobulletin", producer_app_version=__version__,
                    post_timers=(bwf.PostTimer("AUDs", sound[0]), bwf.PostTimer("AUDe", sound[1])))
    head = bwf.header(sample_rate=RADIO_RATE, frames=frames, bext=bext, ubxt=ubxt, cart=cart)
    with atomic_path(path, error=AudioError) as temp, open(temp, "wb") as out:
        out.write(head)
        data.copy_to(out, 2 * first, 2 * frames)  # 16-bit mono: always an even size, no pad byte
    heading = texts.chapter(chapter)
    return MasteredFile(path, path.stat().st_size, frames / RADIO_RATE, loudness.integrated, loudness.true_peak,
                        chapter, loudness.loudness_range, heading.article if heading is not None else None)


def sound_span(data: SpoolFile, first: int, frames: int, threshold: int = 33,
               chunk: int = RADIO_RATE) -> tuple[int, int]:
    """First and last sample above -60 dBFS (cart AUDs/AUDe) of frames [first, first + frames)
    of `data`, or (0, frames); scans from both ends."""
    import numpy as np

    def samples(start: int, stop: int):
        return np.frombuffer(data.read_bytes(2 * (first + start), 2 * (stop - start)), "<i2").astype(np.int32)

    begin = end = None
    for start in range(0, frames, chunk):
        loud = np.flatnonzero(np.abs(samples(start, min(start + chunk, frames))) > threshold)
        if len(loud):
            begin = start + int(loud[0])
            break
    for stop in range(frames, 0, -chunk):
        loud = np.flatnonzero(np.abs(samples(max(0, stop - chunk), stop)) > threshold)
        if len(loud):
            end = max(0, stop - chunk) + int(loud[-1]) + 1
            break
    return (begin, end) if begin is not None and end is not None else (0, frames)
