"""What the script stage hands to speech and assembly: spoken segments in reading order."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(str, enum.Enum):
    """What a segment is; the voice profile maps each role to a voice."""

    INTRO = "intro"
    SECTION = "section"
    """A section's opening: its name and headlines (the headline voice, unless the profile
    gives `section` its own)."""
    HEADLINE = "headline"
    SUBHEADING = "subheading"
    BYLINE = "byline"
    BODY = "body"
    OUTRO = "outro"


class Pause(enum.IntEnum):
    """Silence after a segment, in milliseconds: sentence < paragraph < article."""

    CLAUSE = 250
    SENTENCE = 450
    HEADLINE = 700
    PARAGRAPH = 900
    ARTICLE = 1600


@dataclass(frozen=True)
class Segment:
    """One short utterance: a sentence, or a clause of a long sentence."""

    role: Role
    text: str
    """As written in the edition (what transcripts show)."""
    spoken: str
    """What the engine is asked to say (normalised reading)."""
    article: int | None
    """Index of the article in the edition; None for the intro and outro."""
    paragraph: int = 0
    """Index of the paragraph within the article (0 for the headline block)."""
    pause_after_ms: int = Pause.SENTENCE
    cue: bool = False
    """Play the headline earcon before this segment (an article's first headline)."""
    section_cue: bool = False
    """Play the section earcon before this segment (a section's opening)."""
    section: int | None = None
    """For a section's opening: the section's index in the edition."""

    def __post_init__(self):
        if not self.spoken.strip():
            raise ValueError(f"segment has nothing to speak: {self.text!r}")
        if self.pause_after_ms < 0:
            raise ValueError("pause_after_ms must be >= 0")

    @property
    def part(self) -> "Part":
        return Part(self.article, None if self.article is not None else self.role, self.section)


@dataclass(frozen=True)
class Part:
    """What one voice reads whole (a listener never hears the voice change inside one): an article,
    by its index in the edition, a section's opening, or the bulletin's own intro or outro."""

    article: int | None
    role: Role | None = None
    """Role.INTRO, Role.OUTRO or Role.SECTION when `article` is None; None for an article."""
    section: int | None = None
    """For a section's opening: which section."""

    def __post_init__(self):
        if (self.article is None) == (self.role is None):
            raise ValueError("a part is an article or the intro/outro, not both")

    def __str__(self) -> str:
        if self.article is not None:
            return f"article {self.article + 1}"
        assert self.role is not None  # __post_init__: one or the other
        return f"section {self.section + 1}" if self.section is not None else str(self.role.value)


@dataclass(frozen=True)
class ChapterPlan:
    """A navigation point: its title and the index of its first segment."""

    title: str
    first_segment: int
    article: int | None
    section: int | None = None
    """The section it belongs to (a section's own opening, or an article in it); None for the
    intro, and in an edition without sections."""


@dataclass(frozen=True)
class Script:
    """The whole episode in reading order."""

    segments: tuple[Segment, ...]
    chapters: tuple[ChapterPlan, ...]

    def __post_init__(self):
        starts = [c.first_segment for c in self.chapters]
        if starts != sorted(starts) or (starts and starts[0] != 0):
            raise ValueError("chapters must start at segment 0 and be in order")
