"""The assembled audio as a float32 numpy array (full scale = 1.0), without copying more than once."""

from __future__ import annotations

import numpy as np

from ..errors import AudioError

_DTYPES = {1: np.uint8, 2: np.dtype("<i2"), 4: np.dtype("<i4")}


def samples_of(audio) -> tuple[np.ndarray, int]:
    """(mono float32 samples, rate) of a pydub AudioSegment; several channels are averaged."""
    width, channels, rate = audio.sample_width, audio.channels, audio.frame_rate
    if width not in _DTYPES:
        raise AudioError(f"unsupported sample width of {width} bytes", hint="assemble 16-bit PCM")
    raw = np.frombuffer(audio.raw_data, dtype=_DTYPES[width])
    if width == 1:  # 8-bit WAV data is unsigned
        x = (raw.astype(np.float32) - 128.0) / 128.0
    else:
        x = raw.astype(np.float32)
        x *= np.float32(1.0 / (1 << (8 * width - 1)))
    if channels > 1:
        x = x[: len(x) // channels * channels].reshape(-1, channels).mean(axis=1, dtype=np.float32)
    if not len(x):
        raise AudioError("the assembled audio is empty", hint="check the script and speech stages")
    return x, rate


def span(start: float, end: float, rate: int, length: int) -> tuple[int, int]:
    """Sample range [first, last) for a time span in seconds, clipped to the audio."""
    first = min(max(0, round(start * rate)), length)
    return first, min(max(first, round(end * rate)), length)
