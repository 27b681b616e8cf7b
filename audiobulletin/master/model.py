"""What mastering takes besides the audio, and what it hands back."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path


MP3_BITRATES = (64, 80, 96)
"""kbit/s offered for the podcast MP3: mono speech sounds clean from 64 up, and 96 is plenty."""


@dataclass(frozen=True)
class EpisodeMeta:
    """Descriptive metadata written into the MP3 tags and the broadcast WAV chunks."""

    title: str
    """Episode title, e.g. "太原日报 2021年6月27日" (ID3 TIT2, cart Title, ubxt)."""
    album: str
    """The paper's name (ID3 TALB)."""
    artist: str
    """Who publishes it (ID3 TPE1; bext/ubxt Originator, cart Artist)."""
    date: dt.date
    """Edition date (ID3 TYER/TDAT, bext origination date, cart start date)."""
    description: str = ""
    """Longer text: the day's headlines (ID3 COMM, bext/ubxt description)."""
    language: str = "chi"
    """ISO 639-2 code for ID3 TLAN: "chi" (bibliographic) or "zho" (terminological)."""
    picture: bytes = field(default=b"", repr=False)
    """Cover image for the MP3's ID3 APIC frame (front cover); empty: none."""
    picture_mime: str = "image/jpeg"

    def __post_init__(self):
        if not self.title.strip() or not self.album.strip():
            raise ValueError("episode metadata needs a title and an album (the paper's name)")
        if not isinstance(self.date, dt.date):
            raise ValueError(f"date must be a datetime.date, got {self.date!r}")
        if len(self.language) != 3 or not self.language.isascii() or not self.language.isalpha():
            raise ValueError(f"language must be a 3-letter ISO 639-2 code, got {self.language!r}")


@dataclass(frozen=True)
class Loudness:
    """EBU R128 / ITU-R BS.1770-4 measurement of one programme."""

    integrated: float
    """Gated integrated loudness, LUFS (-inf for silence)."""
    true_peak: float
    """Maximum true peak, dBTP (>= 192 kHz-equivalent oversampling)."""
    loudness_range: float = 0.0
    """EBU Tech 3342 loudness range, LU."""
    max_momentary: float = -math.inf
    """Highest 400 ms loudness, LUFS."""
    max_short_term: float = -math.inf
    """Highest 3 s loudness, LUFS."""


@dataclass(frozen=True)
class MasteredFile:
    """One written deliverable and its measured levels."""

    path: Path
    size: int
    """File size in bytes (the feed's enclosure length)."""
    duration: float
    """Seconds of audio in the file."""
    integrated_lufs: float
    """Integrated loudness of the mastered PCM that was encoded, LUFS."""
    true_peak_dbtp: float
    """True peak of the mastered PCM that was encoded, dBTP."""
    chapter: int | None = None
    """Index into Timeline.chapters for a per-chapter cut; None for the whole episode."""
    loudness_range: float = 0.0
    """EBU loudness range of the mastered PCM, LU."""
    article: int | None = None
    """For a per-article cut: the article's index in the edition."""
    section: int | None = None
    """For a section's own MP3: the section's index in the edition."""
    start: float = 0.0
    """Where in the episode its audio begins, seconds (a section's MP3 starts in the pause
    before the section's cue)."""

    @property
    def name(self) -> str:
        return Path(self.path).name
