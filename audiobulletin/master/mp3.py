"""MP3 encoding with ffmpeg's libmp3lame, split across cores at silences, gapless-exact.

LAME encodes one core's worth of audio at ~300x real time here, so a 20-minute episode would
take ~4 s on one core. The episode is cut at a few pauses into parts that encode in parallel
and are joined frame by frame. Each part's encoder primes with 576 samples of delay and pads its
end to whole frames; the next part drops exactly that many samples of its leading silence, so
every sample of the joined stream decodes where a single encode would put it. One Info frame
with the LAME tag (delay, padding, counts, CRCs) then covers the whole stream, and decoders trim
the priming as for any LAME file.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import ffmpeg
from ..atomic import atomic_path, scratch_path
from ..errors import AudioError
from .lametag import SAMPLES_PER_FRAME, joined_info, read_info
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


def _encoder_args(rate: int, out: Path, *, bitrate_kbps: int, sample_rate: int, quality: int,
                  trim: int) -> list[str]:
    filters = ["-af", f"aresample={sample_rate},atrim=start_sample={trim}"] if trim else []
    return ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *filters,
            "-ar", str(sample_rate), "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
            "-compression_level", str(quality), "-id3v2_version", "0", "-map_metadata", "-1",
            "-fflags", "+bitexact", "-f", "mp3", "-y", str(out)]


def encode(x: np.ndarray, rate: int, target: Path, *, bitrate_kbps: int = 64, sample_rate: int = 44100,
           quality: int = 7, head: bytes = b"", parts: int = 1, processes: ffmpeg.Processes | None = None) -> int:
    """Encode mono float32 `x` to `target` (atomically), `head` (the ID3 tag) first. The
    encoders join `processes` (so a caller's interrupt can stop them), if given.

    Returns the number of parts the audio was encoded in (fewer than asked when the episode is
    short or has no pause to cut at).
    """
    target = Path(target)
    fed = np.asarray(x, dtype=np.float32) * np.float32(1.0 / LAME_SCALE)
    cuts = seams(fed, rate, sample_rate, parts)
    bounds = [0, *cuts, len(fed)]
    trims, produced = [0], []
    for first, last in zip(bounds, bounds[1:]):
        produced.append((last - first) * sample_rate // rate - trims[-1])
        trims.append(ENCODER_DELAY + end_padding(produced[-1]))
    scratch = []
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            for index in range(len(cuts) + 1):
                scratch.append(scratch_path(target, f"part{index}"))
        except OSError as exc:
            raise AudioError(f"cannot write next to {target.name}: {exc.strerror or exc}",
                             where=str(target.parent), hint="check the output folder") from None
        jobs = [(memoryview(fed[first:last]).cast("B"),
                 _encoder_args(rate, out, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate,
                               quality=quality, trim=trim))
                for first, last, out, trim in zip(bounds, bounds[1:], scratch, trims)]
        group = processes or ffmpeg.Processes()
        with ThreadPoolExecutor(len(jobs)) as pool, group.stopped_on_error():
            for done in [pool.submit(ffmpeg.run, args, stdin=data, where=target, what="MP3 encoder",
                                     processes=group)
                         for data, args in jobs]:
                done.result()
        streams = [out.read_bytes() for out in scratch]
        infos = [read_info(stream) for stream in streams]
        for info, samples in zip(infos[:-1], produced):
            if info.frames * SAMPLES_PER_FRAME != ENCODER_DELAY + samples + end_padding(samples):
                # the encoder padded differently than expected: a single part is always exact
                return encode(x, rate, target, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate,
                              quality=quality, head=head, parts=1, processes=processes)
        with atomic_path(target, error=AudioError) as temp, open(temp, "wb") as out:
            out.write(head)
            out.write(joined_info(streams[0][:infos[0].frame_size], infos, infos[-1].padding))
            for stream, info in zip(streams, infos):
                out.write(memoryview(stream)[info.frame_size:])
        return len(streams)
    finally:
        for part in scratch:
            part.unlink(missing_ok=True)
