"""Loudness normalisation with a true-peak-safe limiter, measured exactly and cheaply.

One programme (the whole episode, or one chapter) is brought to a target integrated loudness with
its true peak under a ceiling:

1. its integrated loudness comes from the episode's K-weighted signal, already computed once;
2. a gain brings it to the target; where the true-peak envelope would then cross the ceiling, a
   look-ahead gain curve (minimum filter, then a moving average no wider than it: never above
   the needed gain at any sample) pulls those few milliseconds down;
3. the K filter is linear, so the loudness after limiting is the old K-weighted signal minus the
   K-weighted reduction, recomputed only in the 100 ms hops the limiter touched; the gain is
   corrected and the limiter re-run until the programme is on target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import AudioError
from .loudness import filtered, hop_energies, hop_length, integrated_from_energies, k_weighting_sos, \
    stats_from_energies, to_db
from .model import Loudness
from .truepeak import BLOCK, block_peaks, envelope, hot_blocks, true_peak, widen

RAMP_SECONDS = 0.004
"""Half the width of the limiter's gain ramps (attack before a peak and release after it)."""
_TOLERANCE_LU = 0.02  # stop correcting the gain once this close to the target
_MAX_ROUNDS = 6


@dataclass(frozen=True)
class Target:
    """Where a programme should end up."""

    lufs: float
    """Integrated loudness, LUFS."""
    ceiling_dbtp: float
    """Highest true peak allowed, dBTP."""

    def __post_init__(self):
        if not -40.0 <= self.lufs <= -5.0:
            raise ValueError(f"target loudness {self.lufs} LUFS is outside -40..-5")
        if not -12.0 <= self.ceiling_dbtp <= 0.0:
            raise ValueError(f"true-peak ceiling {self.ceiling_dbtp} dBTP is outside -12..0")


@dataclass(frozen=True)
class Limited:
    """A limiter pass: the samples it lowers and by how much."""

    index: np.ndarray
    """Sample positions (programme-relative, sorted) where the gain is below 1."""
    gain: np.ndarray
    """The limiter's gain at those positions (0 < g < 1)."""


def limit(x: np.ndarray, rate: int, gain: float, ceiling: float, peaks: np.ndarray | None = None) -> Limited:
    """Gain curve that keeps the true peak of `gain * x` under `ceiling` (linear).
    `peaks` is `block_peaks(x)`, when already known."""
    peaks = block_peaks(x) if peaks is None else peaks
    hot = hot_blocks(x, rate, ceiling / gain, peaks)
    if not len(hot):
        return Limited(np.empty(0, np.int64), np.empty(0, np.float32))
    ramp = max(1, round(RAMP_SECONDS * rate))
    # regions: the hot blocks widened by both filters' reach, so each region starts and ends at 1
    mask = np.zeros(len(peaks), bool)
    mask[hot] = True
    blocks = np.flatnonzero(widen(mask, (2 * ramp) // BLOCK + 2))
    needed: np.ndarray = np.ones((len(blocks), BLOCK), np.float32)
    position = np.searchsorted(blocks, hot)
    peak = envelope(x, rate, hot) * gain
    needed[position] = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    needed = needed.ravel()
    # consecutive regions are independent: each is padded with ones wider than the filters
    curve = moving_average(running_min(needed, ramp), ramp)
    np.minimum(curve, needed, out=curve)  # guard the average's rounding
    index = (blocks[:, None] * BLOCK + np.arange(BLOCK)[None, :]).ravel()
    lowered = (curve < 1.0) & (index < len(x))
    return Limited(index[lowered], curve[lowered].astype(np.float32))


def running_min(a: np.ndarray, radius: int) -> np.ndarray:
    """min(a[i-radius .. i+radius]) for every i, beyond the ends counting as 1 (van Herk /
    Gil-Werman: prefix and suffix minima of window-sized blocks, O(n))."""
    width, n = 2 * radius + 1, len(a)
    tail = radius + (-(n + 2 * radius)) % width
    blocks = np.concatenate([np.ones(radius, a.dtype), a, np.ones(tail, a.dtype)]).reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[width - 1:width - 1 + n])


def moving_average(a: np.ndarray, radius: int) -> np.ndarray:
    """mean(a[i-radius .. i+radius]) for every i, beyond the ends counting as 1."""
    width = 2 * radius + 1
    padded = np.concatenate([np.ones(radius + 1), a, np.ones(radius)])
    total = np.cumsum(padded)
    return ((total[width:] - total[:-width]) / width).astype(a.dtype)


def limited_energies(x: np.ndarray, y: np.ndarray, rate: int, gain: float, limited: Limited,
                     energies: np.ndarray) -> np.ndarray:
    """Hop energies of the K-weighted `gain * x * limiter` given `y` = K(x) and its `energies`.

    K(x * g) = K(x) - K(x * (1 - g)); the second term is zero before the first lowered sample of
    a run of touched hops and dies out within the hop after its last one.
    """
    out = energies * gain * gain
    if not len(limited.index):
        return out
    hop = hop_length(rate)
    touched = np.unique(limited.index // hop)
    touched = np.unique(np.concatenate([touched, touched + 1]))
    touched = touched[touched < len(energies)]
    if not len(touched):
        return out
    sos = k_weighting_sos(rate)
    breaks = np.flatnonzero(np.diff(touched) > 1) + 1
    for run in np.split(touched, breaks):
        start, end = run[0] * hop, (run[-1] + 1) * hop
        inside = (limited.index >= start) & (limited.index < end)
        reduction = np.zeros(end - start)
        where = limited.index[inside]
        reduction[where - start] = x[where] * (1.0 - limited.gain[inside])
        corrected = (y[start:end] - filtered(sos, reduction)).reshape(len(run), hop)
        out[run] = np.einsum("ij,ij->i", corrected, corrected) * gain * gain
    return out


def apply(x: np.ndarray, gain: float, limited: Limited, peaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`gain * x` with the limiter applied, and its block peaks (derived from `x`'s `peaks`)."""
    out = x * np.float32(gain)
    out[limited.index] *= limited.gain
    out_peaks = peaks * np.float32(gain)
    touched = np.unique(limited.index // BLOCK)
    if len(touched):
        rows = out[np.minimum(touched[:, None] * BLOCK + np.arange(BLOCK), len(out) - 1)]
        out_peaks[touched] = np.abs(rows).max(axis=1)
    return out, out_peaks


def normalise(x: np.ndarray, y: np.ndarray, rate: int, target: Target, *, what: str = "episode"
              ) -> tuple[np.ndarray, Loudness]:
    """`x` (float32 programme) brought to `target`; `y` is K(x). Returns samples and loudness."""
    energies = hop_energies(y, rate)
    measured = integrated_from_energies(energies, rate)
    if not math.isfinite(measured):
        raise AudioError(f"the {what} is silent: nothing to normalise",
                         hint="check the speech engine's output")
    ceiling = 10.0 ** (target.ceiling_dbtp / 20.0)
    gain = 10.0 ** ((target.lufs - measured) / 20.0)
    peaks = block_peaks(x)
    limited = limit(x, rate, gain, ceiling, peaks)
    for _ in range(_MAX_ROUNDS):
        if not len(limited.index):
            break
        achieved = integrated_from_energies(limited_energies(x, y, rate, gain, limited, energies), rate)
        if abs(achieved - target.lufs) <= _TOLERANCE_LU:
            break
        gain *= 10.0 ** ((target.lufs - achieved) / 20.0)
        limited = limit(x, rate, gain, ceiling, peaks)
    out, out_peaks = apply(x, gain, limited, peaks)
    peak = true_peak(out, rate, out_peaks)
    if peak > ceiling * 1.0001:  # interpolation between ramped samples: tighten and redo once
        limited = limit(x, rate, gain, ceiling * ceiling / peak, peaks)
        out, out_peaks = apply(x, gain, limited, peaks)
        peak = true_peak(out, rate, out_peaks)
    final = limited_energies(x, y, rate, gain, limited, energies)
    return out, stats_from_energies(final, rate, to_db(peak))
