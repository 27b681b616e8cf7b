"""Voices and rendered clips: the speech stage's data."""

from __future__ import annotations

import array
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Voice:
    """One engine voice with its prosody (validated here, used by every engine and the cache key)."""

    engine: str
    """Engine name: "offline", "edge", "azure", a plug-in's name ..."""
    name: str
    """Engine voice id, e.g. "zh-CN-YunyangNeural" or "baker"."""
    rate: int = 0
    """Speaking rate change in percent (-50..+100)."""
    pitch: int = 0
    """Pitch change in Hz (-100..+100)."""
    volume: int = 0
    """Volume change in percent (-100..+100)."""

    def __post_init__(self):
        if not self.engine or not self.name:
            raise ValueError("a voice needs an engine and a name")
        for what, value, lo, hi in (("rate", self.rate, -50, 100), ("pitch", self.pitch, -100, 100),
                                    ("volume", self.volume, -100, 100)):
            if not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(f"{what} must be an integer in {lo}..{hi}, got {value!r}")


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit PCM speech for one segment."""

    pcm: bytes
    """Little-endian signed 16-bit samples."""
    sample_rate: int
    engine: str = ""
    """Which engine spoke it (shown in the run summary and episode metadata)."""
    skipped: tuple[str, ...] = field(default=())
    """Text the engine could not speak (reported, never silently lost)."""
    cached: bool = field(default=False, compare=False)
    """Taken from the speech cache rather than synthesised in this run."""

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    def samples(self) -> array.array:
        out = array.array("h")
        out.frombytes(self.pcm)
        return out
