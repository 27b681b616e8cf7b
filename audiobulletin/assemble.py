"""Assemble stage: clips + script -> one episode (16-bit PCM, joined once) and its exact Timeline.

Every piece (lead-in, cue, clip, pause) is placed at a whole sample, so each sentence's start and
end in the Timeline is exact; chapters start at an article's headline cue. pydub resamples the
clips an engine delivered at another rate; the episode leaves as numpy PCM with its rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from .earcon import headline_cue
from .errors import AudioError
from .ffmpeg import audio_segment_class
from .script.segment import Script
from .speech.voice import Clip
from .timeline import Chapter, TimedSegment, Timeline

if TYPE_CHECKING:
    import numpy as np

LEAD_IN_MS = 300
CUE_GAP_MS = 250
TAIL_MS = 800


@dataclass(frozen=True)
class Pcm:
    """Mono 16-bit PCM and its sample rate."""

    samples: "np.ndarray"
    """int16 samples (read-only view of the joined buffer)."""
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Assembled:
    pcm: Pcm
    timeline: Timeline


def _silence(ms: int, rate: int) -> bytes:
    return b"\x00\x00" * round(ms * rate / 1000)


def _pcm_at(clip: Clip, rate: int) -> bytes:
    if clip.sample_rate == rate:
        return clip.pcm
    seg = audio_segment_class()(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)
    return seg.set_frame_rate(rate).raw_data


def assemble(script: Script, clips: Mapping[int, Clip], sample_rate: int = 24000) -> Assembled:
    """Lay the script out in time. `clips` maps segment index -> Clip; a segment without a clip
    (its speech failed and was reported) takes no time at all."""
    import numpy as np

    pieces: list[bytes] = [_silence(LEAD_IN_MS, sample_rate)]
    position = len(pieces[0]) // 2  # in samples
    cue = headline_cue(sample_rate)
    cue_gap = _silence(CUE_GAP_MS, sample_rate)
    timed: list[TimedSegment] = []
    starts: dict[int, int] = {}  # segment index -> sample where its chapter material begins

    def put(data: bytes) -> None:
        nonlocal position
        pieces.append(data)
        position += len(data) // 2

    for index, segment in enumerate(script.segments):
        starts[index] = position
        clip = clips.get(index)
        if clip is None:
            continue
        if segment.cue:
            put(cue)
            put(cue_gap)
        begin = position
        put(_pcm_at(clip, sample_rate))
        timed.append(TimedSegment(segment, begin / sample_rate, position / sample_rate, clip.engine))
        put(_silence(segment.pause_after_ms, sample_rate))
    put(_silence(TAIL_MS, sample_rate))
    if not timed:
        raise AudioError("no segment produced any audio: nothing to assemble")
    total = position / sample_rate
    marks = [0.0] + [starts[c.first_segment] / sample_rate for c in script.chapters[1:]]
    chapters = tuple(Chapter(c.title, start, end, c.article)
                     for c, start, end in zip(script.chapters, marks, marks[1:] + [total]))
    samples = np.frombuffer(b"".join(pieces), dtype="<i2")
    return Assembled(Pcm(samples, sample_rate), Timeline(tuple(timed), chapters, total, sample_rate))
