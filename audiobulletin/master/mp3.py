"""MP3 encoding with ffmpeg's libmp3lame, split across cores at silences, gapless-exact.

LAME encodes one core's worth of audio at ~300x real time here, so a 20-minute episode would
take ~4 s on one core. The episode is cut at pauses into parts that encode in parallel and are
joined frame by frame: `Mp3Stream` takes the audio as it is mastered, chapter by chapter, and
starts a part's encoder while the next chapter is still being made (`encode` does the same for
audio already in memory, cut at a few pauses). Each part's encoder primes with 576 samples of delay and pads its
end to whole frames; the next part drops exactly that many samples of its leading silence, so
every sample of the joined stream decodes where a single encode would put it. One Info frame
with the LAME tag (delay, padding, counts, CRCs) then covers the whole stream, and decoders trim
the priming as for any LAME file.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import ffmpeg
from ..atomic import atomic_path, scratch_path
from ..errors import AudioError
from .lametag import SAMPLES_PER_FRAME, InfoTag, joined_info, read_info
from .model import MP3_BITRATES

ENCODER_DELAY = 576
"""Samples of priming LAME puts before the audio (ffmpeg writes it into the LAME tag)."""
SEAM_GUARD_SECONDS = 0.05
"""Silence kept on both sides of a seam: an MP3 frame's transform reaches ~26 ms."""
QUIET = 10 ** (-70 / 20)
"""Samples below this (-70 dBFS) count as silence when looking for seams."""
MIN_PART_SECONDS = 30.0
LAME_SCALE = 0.95
"""libmp3lame multiplies its input by this (its library default, -0.45 dB); the encoder is fed
the samples divided by it, so the decoded MP3 keeps the mastered loudness."""
_MAX_TRIM = ENCODER_DELAY + 2 * SAMPLES_PER_FRAME - 1  # priming plus the largest end padding


@dataclass(frozen=True)
class Mp3Settings:
    """How the podcast MP3 is encoded."""

    bitrate_kbps: int = 64
    """Constant bit rate: 64, 80 or 96 kbit/s (mono speech)."""
    sample_rate: int = 44100
    """44100 or 48000 Hz."""
    quality: int = 7
    """LAME algorithm quality (ffmpeg -compression_level): 0 slowest/best .. 9 fastest."""

    def __post_init__(self):
        if self.bitrate_kbps not in MP3_BITRATES:
            raise ValueError(f"MP3 bit rate must be 64, 80 or 96 kbit/s, got {self.bitrate_kbps}")
        if self.sample_rate not in (44100, 48000):
            raise ValueError(f"MP3 sample rate must be 44100 or 48000 Hz, got {self.sample_rate}")
        if not 0 <= self.quality <= 9:
            raise ValueError(f"LAME quality must be 0..9, got {self.quality}")


def end_padding(samples: int) -> int:
    """Samples LAME appends after `samples` of audio: up to a whole frame, plus a frame when that
    leaves less than 576 (measured against libmp3lame 3.100 through ffmpeg)."""
    rest = -(samples + ENCODER_DELAY) % SAMPLES_PER_FRAME
    return rest + SAMPLES_PER_FRAME if rest < ENCODER_DELAY else rest


def _quiet_runs(x: np.ndarray, rate: int) -> list[tuple[int, int]]:
    """[start, end) sample spans where every sample is below QUIET, on a 10 ms grid."""
    block = max(1, rate // 100)
    count = len(x) // block
    rows = x[:count * block].reshape(count, block)
    quiet = np.maximum(rows.max(axis=1), -rows.min(axis=1)) < QUIET
    edges = np.flatnonzero(np.diff(np.concatenate([[False], quiet, [False]]).astype(np.int8)))
    return [(int(a) * block, int(b) * block) for a, b in zip(edges[::2], edges[1::2])]


def seams(x: np.ndarray, rate: int, out_rate: int, parts: int) -> list[int]:
    """Up to parts-1 split points (input samples), each inside a pause long enough to drop the
    next part's leading samples, and nearest to an even share of the episode."""
    if parts < 2 or len(x) < parts * MIN_PART_SECONDS * rate:
        return []
    step = rate // math.gcd(rate, out_rate)  # split where the output sample count is whole
    guard = round(SEAM_GUARD_SECONDS * rate)
    trim = math.ceil(_MAX_TRIM * rate / out_rate) + 1
    feasible = []  # (lowest, highest) split point inside each long enough pause
    for start, end in _quiet_runs(x, rate):
        lowest = -(-(start + guard) // step) * step
        highest = (end - trim - guard) // step * step
        if lowest <= highest:
            feasible.append((lowest, highest))
    chosen: list[int] = []
    for k in range(1, parts):
        wanted = len(x) * k // parts
        options = [min(max(wanted, lo), hi) for lo, hi in feasible if lo > (chosen[-1] if chosen else 0)]
        if options:
            chosen.append(min(options, key=lambda s: abs(s - wanted)))
    return chosen


PART_SCRATCH = "part"
"""Scratch files of the parts, next to the target, named by atomic.scratch_path."""


def _encoder_args(rate: int, out: Path, *, bitrate_kbps: int, sample_rate: int, quality: int,
                  trim: int) -> list[str]:
    filters = ["-af", f"aresample={sample_rate},atrim=start_sample={trim}"] if trim else []
    return ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *filters,
            "-ar", str(sample_rate), "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
            "-compression_level", str(quality), "-id3v2_version", "0", "-map_metadata", "-1",
            "-fflags", "+bitexact", "-f", "mp3", "-y", str(out)]


class _PaddingMismatch(AudioError):
    """An encoder padded a part differently than `end_padding` says: the join would drift."""

    def __init__(self, target: Path):
        super().__init__("the MP3 encoder padded its output unexpectedly", where=str(target),
                         hint="report this with the ffmpeg version")


class _Part:
    """One encoder process fed through a pipe, writing its MP3 stream to a scratch file."""

    def __init__(self, command: list[str], scratch: Path, trim: int, first: int):
        self.scratch, self.trim, self.frames, self.first = scratch, trim, 0, first
        self.info: InfoTag | None = None
        self._errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise AudioError(f"MP3 encoder could not start: {exc}", hint="reinstall imageio-ffmpeg") from exc
        assert self.proc.stdin is not None  # stdin=PIPE
        self._stdin = self.proc.stdin
        ffmpeg.widen_pipe(self._stdin)

    def send(self, data: np.ndarray, where: Path) -> None:
        try:
            self._stdin.write(np.ascontiguousarray(data, np.float32).tobytes())
        except (BrokenPipeError, ValueError):
            self.wait(where)  # says why it stopped reading
            raise AudioError("MP3 encoder stopped reading its input", where=str(where)) from None
        self.frames += len(data)

    def end(self) -> None:
        with contextlib.suppress(OSError):
            self._stdin.close()

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, where: Path) -> None:
        self.end()
        if self.proc.wait() != 0:
            self._errors.seek(0)
            message = ffmpeg.last_line(self._errors.read())
            raise AudioError(f"MP3 encoder failed: {message}", where=str(where),
                             hint="check free disk space and the audio settings")

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.end()
        self.proc.wait()

    def close(self) -> None:
        self._errors.close()
        self.scratch.unlink(missing_ok=True)


class Mp3Stream:
    """The MP3 at `target`, encoded while the audio arrives: `send` mastered float32 samples in
    order, `cut()` where the audio that follows starts with a pause (a seam), `close(head)` to
    join the parts behind the ID3 tag `head` and write `target` atomically.

    Each cut ends one encoder and the next part starts in a fresh one, at most `running` at a
    time: parts encode in parallel while later audio is still being made. `feed` and
    `chapter_end` do the cutting themselves: the last few seconds fed are held back, and a
    chapter that ends in a pause long enough is cut inside it.
    """

    HOLD_SECONDS = 3.0

    def __init__(self, target: Path, rate: int, *, bitrate_kbps: int = 64, sample_rate: int = 44100,
                 quality: int = 7, running: int = 2):
        self.target, self.rate = Path(target), rate
        self.bitrate_kbps, self.sample_rate, self.quality = bitrate_kbps, sample_rate, quality
        self.running = max(1, running)
        out_rate = sample_rate
        self.step = rate // math.gcd(rate, out_rate)  # cut where the output sample count is whole
        self.guard = round(SEAM_GUARD_SECONDS * rate)
        self.lead = math.ceil(_MAX_TRIM * rate / out_rate) + 1  # input samples a later part drops
        self._parts: list[_Part] = []
        self._open: _Part | None = None
        self._trim = 0  # output samples the next part drops
        self._sent = 0  # input samples sent to encoders
        self._held = np.empty(0, np.float32)
        self._hold = round(self.HOLD_SECONDS * rate)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AudioError(f"cannot write next to {self.target.name}: {exc.strerror or exc}",
                             where=str(self.target.parent), hint="check the output folder") from None

    # --- parts ----------------------------------------------------------------------------------

    def send(self, x: np.ndarray) -> None:
        """Encode mastered samples (float32, full scale 1.0) after those sent before."""
        if not len(x):
            return
        if self._open is None:
            self._open = self._start()
        self._open.send(np.asarray(x, np.float32) * np.float32(1.0 / LAME_SCALE), self.target)
        self._sent += len(x)

    def _start(self) -> _Part:
        while sum(p.running for p in self._parts) >= self.running:
            next(p for p in self._parts if p.running).proc.wait()
        try:
            scratch = scratch_path(self.target, PART_SCRATCH)
        except OSError as exc:
            raise AudioError(f"cannot write next to {self.target.name}: {exc.strerror or exc}",
                             where=str(self.target.parent), hint="check the output folder") from None
        command = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
                   *_encoder_args(self.rate, scratch, bitrate_kbps=self.bitrate_kbps, sample_rate=self.sample_rate,
                                  quality=self.quality, trim=self._trim)]
        try:
            part = _Part(command, scratch, self._trim, self._sent)
        except BaseException:
            scratch.unlink(missing_ok=True)
            raise
        self._parts.append(part)
        return part

    def can_cut(self) -> bool:
        return self._open is not None and self._sent % self.step == 0

    def cut(self) -> None:
        """End the current part here: what is sent next starts a new encoder, which drops its
        first samples (the previous encoder's padding and the new one's priming), so the audio
        sent next must begin with a pause at least `lead` samples long."""
        part = self._open
        if part is None:
            return
        if self._sent % self.step:
            raise ValueError(f"a part must end where the output sample count is whole (every {self.step} samples)")
        part.end()
        produced = part.frames * self.sample_rate // self.rate - part.trim
        self._trim = ENCODER_DELAY + end_padding(produced)
        self._open = None

    # --- cutting at chapter ends ------------------------------------------------------------------

    def feed(self, x: np.ndarray) -> None:
        """Like `send`, holding the last few seconds back for `chapter_end` to cut in."""
        held = np.concatenate([self._held, np.asarray(x, np.float32)])
        if len(held) > self._hold:
            self.send(held[:-self._hold])
            held = held[-self._hold:]
        self._held = held

    @property
    def at_part_start(self) -> bool:
        """Whether what is sent next starts a part of its own (nothing sent yet, or just cut)."""
        return self._open is None

    @property
    def parts(self) -> int:
        """Parts started so far (the index the next part gets)."""
        return len(self._parts)

    def chapter_end(self) -> None:
        """A chapter ends here and the next begins: cut in its closing pause, if long enough."""
        held = self._held
        loud = np.flatnonzero(np.abs(held) >= QUIET)
        quiet_from = self._sent + (int(loud[-1]) + 1 if len(loud) else 0)
        end = self._sent + len(held)
        seam = (end - self.lead - self.guard) // self.step * self.step
        if self._open is None or seam < max(quiet_from + self.guard, self._sent):
            return  # no pause to cut in (or nothing encoded yet): the next chapter joins this part
        at = seam - self._sent
        self.send(held[:at])
        self._held = held[at:]
        self.cut()

    # --- the file -------------------------------------------------------------------------------

    def close(self, head: bytes = b"") -> int:
        """Finish every part and write the joined MP3; returns the number of parts."""
        try:
            self.finish()
            self.write(self.target, head)
            return len(self._parts)
        finally:
            self.abort()

    def finish(self) -> None:
        """Send what is held back, wait for every encoder, and check the parts join exactly."""
        self.send(self._held)
        self._held = np.empty(0, np.float32)
        if self._open is not None:
            self._open.end()
        for part in self._parts:
            part.wait(self.target)
        if not self._parts:
            raise AudioError("no audio to encode", where=str(self.target))
        for part in self._parts:
            part.info = read_info(_head_bytes(part.scratch))
        for part in self._parts[:-1]:
            samples = part.frames * self.sample_rate // self.rate - part.trim
            assert part.info is not None
            if part.info.frames * SAMPLES_PER_FRAME != ENCODER_DELAY + samples + end_padding(samples):
                raise _PaddingMismatch(self.target)

    def start_time(self, part: int) -> float:
        """Where in the audio a file made of parts `part`.. begins: the part's first sample
        plus what its encoder dropped (seconds)."""
        return self._parts[part].first / self.rate + self._parts[part].trim / self.sample_rate

    def span(self, first: int, last: int) -> tuple[float, float]:
        """Start and end (seconds of the audio) of a file made of parts [first, last)."""
        end = self._parts[last].first / self.rate if last < len(self._parts) else self._sent / self.rate
        return self.start_time(first), end

    def write(self, target: Path, head: bytes, first: int = 0, last: int | None = None) -> None:
        """The MP3 of parts [first, last) at `target` (atomically), behind the ID3 tag `head`:
        the whole stream, or a stretch of it that decodes on its own (a section)."""
        parts = self._parts[first:last]
        infos = [part.info for part in parts]
        if not parts or any(info is None for info in infos):
            raise ValueError("write() needs finished parts: call finish() first")
        joined = [info for info in infos if info is not None]
        with atomic_path(Path(target), error=AudioError) as temp, open(temp, "wb") as out:
            out.write(head)
            out.write(joined_info(_head_bytes(parts[0].scratch)[:joined[0].frame_size], joined, joined[-1].padding))
            for part, info in zip(parts, joined):
                with open(part.scratch, "rb") as stream:
                    stream.seek(info.frame_size)
                    while chunk := stream.read(1 << 20):
                        out.write(chunk)

    def kill(self) -> None:
        """Stop every encoder now (from any thread: it unblocks a thread writing to one); `abort`
        then cleans up."""
        for part in list(self._parts):
            with contextlib.suppress(OSError):
                part.proc.kill()

    def abort(self) -> None:
        """Stop every encoder and remove the scratch files (after `close`, only the latter)."""
        for part in self._parts:
            if part.running:
                part.kill()
            part.close()
        self._parts, self._open = [], None

    def __enter__(self) -> "Mp3Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.abort()


def _head_bytes(path: Path, size: int = 4096) -> bytes:
    with open(path, "rb") as f:
        return f.read(size)


def encode(x: np.ndarray, rate: int, target: Path, *, bitrate_kbps: int = 64, sample_rate: int = 44100,
           quality: int = 7, head: bytes = b"", parts: int = 1) -> int:
    """Encode mono float32 `x` to `target` (atomically), `head` (the ID3 tag) first, in up to
    `parts` parallel parts cut at pauses (`seams`).

    Returns the number of parts the audio was encoded in (fewer than asked when the episode is
    short or has no pause to cut at).
    """
    x = np.asarray(x, dtype=np.float32)
    cuts = seams(x * np.float32(1.0 / LAME_SCALE), rate, sample_rate, parts)
    with Mp3Stream(target, rate, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate, quality=quality,
                   running=len(cuts) + 1) as stream:
        for first, last in zip([0, *cuts], [*cuts, len(x)]):
            stream.send(x[first:last])
            if last < len(x):
                stream.cut()
        try:
            return stream.close(head)
        except _PaddingMismatch:
            if not cuts:
                raise
    # a single part is always exact
    return encode(x, rate, target, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate, quality=quality,
                  head=head, parts=1)
