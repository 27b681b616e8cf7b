"""The assembled 16-bit PCM as float32 samples (full scale = 1.0), converted once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import AudioError

if TYPE_CHECKING:
    from ..assemble import Pcm


def samples_of(pcm: "Pcm") -> np.ndarray:
    """Mono float32 samples of the assembled PCM."""
    if not len(pcm.samples):
        raise AudioError("the assembled audio is empty", hint="check the script and speech stages")
    x = pcm.samples.astype(np.float32)
    x *= np.float32(1.0 / (1 << 15))
    return x


def span(start: float, end: float, rate: int, length: int) -> tuple[int, int]:
    """Sample range [first, last) for a time span in seconds, clipped to the audio."""
    first = min(max(0, round(start * rate)), length)
    return first, min(max(first, round(end * rate)), length)
