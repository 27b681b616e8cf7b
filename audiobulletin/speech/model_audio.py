"""What both local voices (offline, kokoro) do to a model call's raw float audio: trim the
model's own silence, lay pauses between calls, and make the clip's 16-bit PCM."""

from __future__ import annotations

EDGE_MARGIN_MS = 30
"""Silence kept before and after each model call once the model's own silence is trimmed."""
QUIET = 10 ** (-50 / 20)
"""Samples below -50 dBFS count as silence when trimming (the voices peak around -4 dBFS; the
models pad their calls with near-zeros)."""
PEAK_CEILING = 0.99


def pause(ms: float, rate: int):
    """Float silence between two trimmed calls, so that the gap heard is `ms` (each call keeps
    EDGE_MARGIN_MS of its own quiet at both ends)."""
    import numpy as np

    return np.zeros(_samples(max(0.0, ms - 2 * EDGE_MARGIN_MS), rate), np.float32)


def trim_silence(audio, rate: int, margin_ms: float = EDGE_MARGIN_MS, quiet: float = QUIET):
    """Cut leading and trailing samples below `quiet`, keeping `margin_ms` of them at each end."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio) > quiet)
    if not loud.size:
        return audio[:0]
    margin = _samples(margin_ms, rate)
    return audio[max(0, loud[0] - margin):loud[-1] + 1 + margin]


def to_pcm16(audio) -> bytes:
    """float -> little-endian int16; a clip that would clip is scaled down as a whole instead.
    No normalisation otherwise: mastering measures loudness over the whole episode."""
    import numpy as np

    peak = float(np.abs(audio).max(initial=0.0))
    if peak > PEAK_CEILING:
        audio = audio * (PEAK_CEILING / peak)
    return np.round(audio * 32767).astype("<i2").tobytes()


def _samples(ms: float, rate: int) -> int:
    return int(round(ms * rate / 1000))
