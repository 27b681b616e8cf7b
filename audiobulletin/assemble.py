"""Assemble stage: clips + script -> one episode (16-bit PCM, joined once) and its exact Timeline.

Every piece (lead-in, cue, clip, pause) is placed at a whole sample, so each sentence's start and
end in the Timeline is exact; chapters start at an article's headline cue. pydub resamples the
clips an engine delivered at another rate.

The episode is written to a PCM file (an unnamed temporary file, see spool.py), never held in
memory: an edition of several hours is assembled in the memory of one clip. `Assembly` lays the
script out while speech is still running, as soon as the segments before a clip are settled,
and reports each chapter as it is complete, so mastering can start on it (`on_chapter`).

    assembly = Assembly(script, clips, PcmFile(24000, folder), on_chapter=mastering.add)
    assembly.settle(index)          # segment `index` has its clip in `clips`, or failed
    assembled = assembly.finish()   # Assembled(pcm, timeline)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from .earcon import headline_cue, section_cue
from .errors import AudioError
from .ffmpeg import audio_segment_class
from .script.segment import Script
from .speech.voice import Clip
from .spool import PcmFile
from .timeline import Chapter, TimedSegment, Timeline

LEAD_IN_MS = 300
CUE_GAP_MS = 250
TAIL_MS = 800
_FLUSH_BYTES = 1 << 22  # pieces are gathered and written to the file in writes of about this size

Pcm = PcmFile
"""The assembled episode: mono 16-bit PCM with its rate, in a file read back in blocks."""


@dataclass(frozen=True)
class ChapterAudio:
    """A complete chapter's place in the assembled PCM (frames [first, last))."""

    index: int
    """Its index in the Timeline's chapters."""
    title: str
    article: int | None
    first: int
    last: int
    section: int | None = None

    @property
    def frames(self) -> int:
        return self.last - self.first


@dataclass(frozen=True)
class Assembled:
    pcm: PcmFile
    timeline: Timeline


def _silence(ms: int, rate: int) -> bytes:
    return b"\x00\x00" * round(ms * rate / 1000)


def _pcm_at(clip: Clip, rate: int) -> bytes:
    if clip.sample_rate == rate:
        return clip.pcm
    seg = audio_segment_class()(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)
    return seg.set_frame_rate(rate).raw_data


class Assembly:
    """Lays `script` out in time into `pcm`, segment by segment in reading order, as their
    results are settled. `clips` maps segment index -> Clip (a ClipSpool on disk, or a dict) and
    is read when a segment's turn comes; a settled segment without a clip (its speech failed and
    was reported) takes no time at all. `on_chapter` is called with each chapter once its audio
    is complete and written."""

    def __init__(self, script: Script, clips: Mapping[int, Clip], pcm: PcmFile,
                 on_chapter: Callable[[ChapterAudio], None] | None = None):
        self.script, self.clips, self.pcm, self.on_chapter = script, clips, pcm, on_chapter
        self.rate = pcm.rate
        self._cue = headline_cue(self.rate)
        self._section_cue = section_cue(self.rate)
        self._cue_gap = _silence(CUE_GAP_MS, self.rate)
        self._settled: set[int] = set()
        self._next = 0  # the first segment not laid out yet
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._position = 0  # frames laid out (written or pending)
        self._timed: list[TimedSegment] = []
        self._chapter_starts = {c.first_segment: k for k, c in enumerate(script.chapters)}
        self._marks: list[int] = []  # frame where each chapter begins
        self._put(_silence(LEAD_IN_MS, self.rate))

    def _put(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_bytes += len(data)
        self._position += len(data) // 2
        if self._pending_bytes >= _FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.pcm.append(b"".join(self._pending))
            self._pending, self._pending_bytes = [], 0

    def settle(self, index: int) -> None:
        """Segment `index` has its result (a clip in `clips`, or none): lay out every segment
        that is now ready."""
        self._settled.add(index)
        while self._next in self._settled:
            self._lay_out(self._next)
            self._settled.discard(self._next)
            self._next += 1

    def _lay_out(self, index: int) -> None:
        chapter = self._chapter_starts.get(index)
        if chapter is not None:
            if chapter > 0:
                self._chapter_done(chapter - 1)
            self._marks.append(0 if chapter == 0 else self._position)
        clip = self.clips.get(index)
        if clip is None:
            return
        segment = self.script.segments[index]
        if segment.section_cue:
            self._put(self._section_cue)
            self._put(self._cue_gap)
        if segment.cue:
            self._put(self._cue)
            self._put(self._cue_gap)
        begin = self._position
        self._put(_pcm_at(clip, self.rate))
        self._timed.append(TimedSegment(segment, begin / self.rate, self._position / self.rate, clip.engine))
        self._put(_silence(segment.pause_after_ms, self.rate))

    def _chapter_done(self, chapter: int) -> None:
        self._flush()
        if self.on_chapter:
            plan = self.script.chapters[chapter]
            self.on_chapter(ChapterAudio(chapter, plan.title, plan.article, self._marks[chapter], self._position,
                                         plan.section))

    def finish(self) -> Assembled:
        """Lay out the tail and return the episode; every segment must have been settled."""
        for index in range(self._next, len(self.script.segments)):
            self.settle(index)  # not settled: treated as failed (the speech stage reported it)
        self._put(_silence(TAIL_MS, self.rate))
        if not self._timed:
            raise AudioError("no segment produced any audio: nothing to assemble")
        if self.script.chapters:
            self._chapter_done(len(self.script.chapters) - 1)
        self._flush()
        total = self._position / self.rate
        marks = [m / self.rate for m in self._marks]
        chapters = tuple(Chapter(c.title, start, end, c.article, c.section)
                         for c, start, end in zip(self.script.chapters, marks, marks[1:] + [total]))
        return Assembled(self.pcm, Timeline(tuple(self._timed), chapters, total, self.rate))


def assemble(script: Script, clips: Mapping[int, Clip], sample_rate: int = 24000,
             folder: Path | None = None) -> Assembled:
    """Lay the whole script out at once (every result already in `clips`); the PCM file is
    made in `folder` (default: the system's temporary folder)."""
    assembly = Assembly(script, clips, PcmFile(sample_rate, folder))
    for index in range(len(script.segments)):
        assembly.settle(index)
    return assembly.finish()
