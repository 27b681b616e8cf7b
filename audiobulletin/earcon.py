"""The cues, synthesised in code (no downloaded sound files): the headline cue (a short two-note
chime before each article) and the section cue (a lower, slower three-note rise before each
section), so a listener knows by ear whether a new article or a new section begins."""

from __future__ import annotations

CUE_LEVEL_DBFS = -14.0
"""Peak level of the chime: clearly audible, a little under the speech peaks."""


def headline_cue(sample_rate: int, duration: float = 0.55) -> bytes:
    """Two bell-like notes a fifth apart (A5 then E6), each with a soft attack and an
    exponential decay, as mono 16-bit PCM. Distinct from speech, short, never harsh."""
    return _bells(sample_rate, duration, ((0.0, 880.0), (0.16, 1318.5)))


def section_cue(sample_rate: int, duration: float = 1.0) -> bytes:
    """Three bell-like notes rising a major triad an octave below the headline cue (C5, E5, G5),
    more spaced, as mono 16-bit PCM: longer and lower than the headline cue, so it is heard as
    the larger break."""
    return _bells(sample_rate, duration, ((0.0, 523.25), (0.22, 659.25), (0.44, 783.99)))


def _bells(sample_rate: int, duration: float, notes: tuple[tuple[float, float], ...]) -> bytes:
    import numpy as np

    t = np.arange(int(duration * sample_rate)) / sample_rate
    out = np.zeros_like(t)
    for start, freq in notes:
        local = np.clip(t - start, 0, None)
        active = t >= start
        # a bell: fundamental plus a quiet inharmonic partial, 5 ms attack, ~120 ms decay
        tone = np.sin(2 * np.pi * freq * local) + 0.25 * np.sin(2 * np.pi * freq * 2.76 * local)
        envelope = np.minimum(local / 0.005, 1.0) * np.exp(-local / 0.12)
        out += np.where(active, tone * envelope, 0.0)
    fade = np.minimum(1.0, (len(t) - np.arange(len(t))) / (0.02 * sample_rate))  # no click at the end
    out *= fade
    out *= 10 ** (CUE_LEVEL_DBFS / 20) / np.max(np.abs(out))
    return (out * 32767).astype("<i2").tobytes()
