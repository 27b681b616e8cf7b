"""The assembled episode's timeline: where every spoken sentence and chapter sits in the audio.

Produced by assembly, shared by everything published from it (chapters, transcripts, EPUB
overlays, DAISY). Times are seconds from the start of the episode, exact to the sample.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .script.segment import Role, Segment


@dataclass(frozen=True)
class TimedSegment:
    """One spoken segment and where its speech starts and ends (pause excluded)."""

    segment: Segment
    start: float
    end: float
    engine: str = ""

    @property
    def heard_until(self) -> float:
        """Where the segment's own pause ends (before the next segment, or its headline cue):
        a clip up to here keeps the reading's rhythm when played on its own."""
        return self.end + self.segment.pause_after_ms / 1000

    @property
    def role(self) -> Role:
        return self.segment.role

    @property
    def article(self) -> int | None:
        return self.segment.article


@dataclass(frozen=True)
class Chapter:
    """A navigation point: the intro, a section's opening, or one article (from its cue to the
    next chapter)."""

    title: str
    start: float
    end: float
    article: int | None
    section: int | None = None
    """The section it belongs to (a section's opening has no article); None without sections."""

    @property
    def opens_section(self) -> bool:
        return self.section is not None and self.article is None


@dataclass(frozen=True)
class Timeline:
    segments: tuple[TimedSegment, ...]
    chapters: tuple[Chapter, ...]
    duration: float
    sample_rate: int

    def __post_init__(self):
        for a, b in zip(self.segments, self.segments[1:]):
            if b.start < a.end:
                raise ValueError("timed segments overlap")
        if self.chapters and abs(self.chapters[-1].end - self.duration) > 1e-6:
            raise ValueError("the last chapter must end with the episode")

    def window(self, start: float, end: float) -> "Timeline":
        """What is heard in [start, end), shifted to begin at 0 and without sections: the
        timeline of a section's own MP3 (its chapters are those that begin in the window)."""
        segments = tuple(replace(t, start=t.start - start, end=t.end - start) for t in self.segments
                         if t.start >= start and t.end <= end)
        chapters = [replace(c, start=max(0.0, c.start - start), end=min(c.end, end) - start, section=None)
                    for c in self.chapters if start <= c.start < end]
        duration = end - start
        if chapters:  # from the file's start to its end
            chapters[0] = replace(chapters[0], start=0.0)
            chapters[-1] = replace(chapters[-1], end=duration)
        return Timeline(segments, tuple(chapters), duration, self.sample_rate)

    def engines_by_article(self) -> dict[int | None, set[str]]:
        out: dict[int | None, set[str]] = {}
        for t in self.segments:
            out.setdefault(t.article, set()).add(t.engine)
        return out
