"""The loudness of an episode mastered chapter by chapter: what it measures with one more chapter.

Each chapter is normalised as soon as it is complete, but the target is the episode's: chapter k
gets the gain that puts chapters 0..k together on target (gated BS.1770 loudness over their
mastered hops). The last chapter then leaves the whole episode on target, and each chapter is
within a hair of it. `Running.with_chapter` answers "what would the episode measure with these
hop energies appended?" in time proportional to the chapter, not to the episode: the 400 ms
blocks of the chapters before it are kept sorted with running sums, so both gates are a binary
search away.
"""

from __future__ import annotations

import math

import numpy as np

from .loudness import _OFFSET, ABSOLUTE_GATE, RELATIVE_GATE, hop_length, integrated_from_energies

_BLOCK_HOPS = 4  # a gating block is 400 ms: four 100 ms hops


def _power(lufs: float) -> float:
    return 10.0 ** ((lufs - _OFFSET) / 10.0)


class Running:
    """Hop energies of the chapters mastered so far (`append`), and the loudness the episode
    would have with another chapter's (`with_chapter`)."""

    def __init__(self, rate: int):
        self.rate = rate
        self._scale = 1.0 / (_BLOCK_HOPS * hop_length(rate))
        self._parts: list[np.ndarray] = []
        self._tail = np.empty(0)  # the last hops, which share blocks with the next chapter
        self._sorted = np.empty(0)  # powers of the blocks wholly inside the chapters so far
        self._cumsum = np.zeros(1)
        self._hops = 0

    @property
    def hops(self) -> int:
        return self._hops

    @property
    def energies(self) -> np.ndarray:
        return np.concatenate(self._parts) if self._parts else np.empty(0)

    def append(self, energies: np.ndarray) -> None:
        joined = np.concatenate([self._tail, energies])
        if len(joined) >= _BLOCK_HOPS:
            blocks = np.convolve(joined, np.ones(_BLOCK_HOPS), "valid") * self._scale
            self._sorted = np.sort(np.concatenate([self._sorted, blocks]))
            self._cumsum = np.concatenate([[0.0], np.cumsum(self._sorted)])
            self._tail = joined[-(_BLOCK_HOPS - 1):]
        else:
            self._tail = joined
        self._parts.append(np.asarray(energies, np.float64))
        self._hops += len(energies)

    def _above(self, power: float) -> tuple[float, int]:
        """Sum and count of the earlier blocks strictly above `power`."""
        at = int(np.searchsorted(self._sorted, power, side="right"))
        return float(self._cumsum[-1] - self._cumsum[at]), len(self._sorted) - at

    def with_chapter(self, energies: np.ndarray) -> float:
        """Integrated loudness (LUFS) of the chapters so far followed by `energies`."""
        if self._hops + len(energies) < _BLOCK_HOPS:  # shorter than one block: measured as one
            return integrated_from_energies(np.concatenate([*self._parts, energies]), self.rate)
        joined = np.concatenate([self._tail, energies])
        new = np.convolve(joined, np.ones(_BLOCK_HOPS), "valid") * self._scale if len(joined) >= _BLOCK_HOPS \
            else np.empty(0)
        absolute = _power(ABSOLUTE_GATE)
        total, count = self._above(absolute)
        loud = new[new > absolute]
        total, count = total + float(loud.sum()), count + len(loud)
        if not count:
            return -math.inf
        threshold = max(absolute, total / count * 10.0 ** (RELATIVE_GATE / 10.0))
        total, count = self._above(threshold)
        kept = new[new > threshold]
        total, count = total + float(kept.sum()), count + len(kept)
        return _OFFSET + 10.0 * math.log10(total / count) if count and total > 0 else -math.inf
