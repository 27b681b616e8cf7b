"""Loudness normalisation of one programme read from a PCM file in blocks, in bounded memory.

A programme is a frame range of the assembled episode (one chapter). normalise.py works on whole
arrays; this module does the same work in three steps that never hold more than a block:

1. `analyse`: one pass through the programme: the K-weighted energy of every 100 ms hop (the
   filter's state carried from block to block, so the result is the whole-array one) and the
   sample peak of every hop.
2. `solve`: the gain that brings it to its target and the limiter ceiling. The limiter only acts
   where the true peak would cross the ceiling; the hop peaks say where that may be, and only
   those regions (with context on both sides) are read again to compute the limiter and the
   exact loudness after it (normalise.limit / limited_energies on the region's arrays).
3. `apply`: a second pass producing the output block by block, the limiter recomputed for the
   blocks that need it (it only reaches a few milliseconds), and the output's true peak.

The limiter's look-ahead and the true-peak interpolator reach a few hundred samples, so each
block or region is read with that much context around it and only its inside is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
from scipy import signal

from ..errors import AudioError
from ..spool import PcmFile
from .loudness import hop_length, integrated_from_energies, k_weighting_sos, stats_from_energies, to_db
from .model import Loudness
from .normalise import RAMP_SECONDS, Target, limit, limited_energies
from .running import Running
from .truepeak import BLOCK, TAPS, block_peaks, envelope, hot_blocks, interpolator, oversampling

HOPS_PER_BLOCK = 256
"""Hops (100 ms) per block read: 25.6 s, a few MB of float arrays."""
WARM_UP_SECONDS = 0.25
"""The K filter is run from rest this long before a region: its response has died out to ~1e-12
by then (a double pole at radius 0.99 at 24 kHz), so the region's weighting is the whole one."""
_DITHER = 1e-20  # as loudness.filtered: keeps the IIR state out of subnormal numbers
_TOLERANCE_LU = 0.02
_MAX_ROUNDS = 6
_STEER_DB = 10.0
"""How far a chapter's gain may stray from its own normalisation to keep the episode on target."""


def _scaled(raw: np.ndarray) -> np.ndarray:
    """int16 -> float32, full scale 1.0."""
    x = raw.astype(np.float32)
    x *= np.float32(1.0 / (1 << 15))
    return x


def _context(rate: int) -> int:
    """Samples of context the limiter and the true-peak interpolator need on each side (whole
    BLOCKs, so blocks stay aligned)."""
    ramp = max(1, round(RAMP_SECONDS * rate))
    need = 2 * ramp + TAPS + 2 * BLOCK
    return -(-need // BLOCK) * BLOCK * 2


@dataclass(frozen=True)
class Analysis:
    """What one pass through a programme tells."""

    first: int
    last: int
    """The programme: frames [first, last) of the PCM file."""
    rate: int
    energies: np.ndarray
    """K-weighted sum of squares per whole 100 ms hop, hops anchored at `first`."""
    peaks: np.ndarray
    """max |x| per hop (the last one may be short)."""

    @property
    def frames(self) -> int:
        return self.last - self.first

    def hot_hops(self, threshold: float) -> np.ndarray:
        """Hops whose true peak may exceed `threshold` (linear, before any gain): a hop's
        interpolated values stay within gain_bound times the samples around it."""
        if not len(self.peaks):
            return np.empty(0, np.int64)
        near = self.peaks.copy()  # the interpolator reaches a few samples into the neighbours
        np.maximum(near[1:], self.peaks[:-1], out=near[1:])
        np.maximum(near[:-1], self.peaks[1:], out=near[:-1])
        return np.flatnonzero(near * interpolator(oversampling(self.rate)).gain_bound > threshold)

    def regions(self, threshold: float) -> list[tuple[int, int]]:
        """Runs of hops [h0, h1) around the hot hops, one quiet hop wider on each side, so
        every region starts and ends where the limiter leaves the signal alone."""
        hot = self.hot_hops(threshold)
        if not len(hot):
            return []
        mask = np.zeros(len(self.peaks) + 2, bool)
        mask[hot] = mask[hot + 1] = mask[hot + 2] = True  # shifted by one: hot - 1 .. hot + 1
        edges = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8)))
        return [(max(0, int(a) - 1), min(len(self.peaks), int(b) - 1)) for a, b in zip(edges[::2], edges[1::2])]


def _k_filter(sos: np.ndarray, x: np.ndarray, state: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """K-weighted float64 copy of `x` with the dither (loudness.filtered), from `state` (or rest)."""
    x64 = np.array(x, dtype=np.float64)
    x64[0::2] += _DITHER
    x64[1::2] -= _DITHER
    zi = np.zeros((len(sos), 2)) if state is None else state
    return signal.sosfilt(sos, x64, zi=zi)


def analyse(pcm: PcmFile, first: int, last: int) -> Analysis:
    """Hop energies and hop peaks of frames [first, last) in one pass (see module doc)."""
    rate = pcm.rate
    hop = hop_length(rate)
    sos = k_weighting_sos(rate)
    state = None
    energies, peaks = [], []
    for _, raw in pcm.blocks(first, last, hop * HOPS_PER_BLOCK):  # even sizes: the dither's phase holds
        x = _scaled(raw)
        y, state = _k_filter(sos, x, state)
        whole = len(y) // hop
        rows = y[:whole * hop].reshape(whole, hop)
        energies.append(np.einsum("ij,ij->i", rows, rows))
        magnitude = np.abs(x)
        peaks.append(magnitude[:whole * hop].reshape(whole, hop).max(axis=1) if whole else np.empty(0, np.float32))
        if whole * hop < len(x):
            peaks.append(magnitude[whole * hop:].max(keepdims=True))
    return Analysis(first, last, rate, np.concatenate(energies) if energies else np.empty(0),
                    np.concatenate(peaks) if peaks else np.empty(0, np.float32))


@dataclass(frozen=True)
class Solution:
    """How a programme is brought to its target: `apply` needs nothing else."""

    gain: float
    ceiling: float
    """Linear true-peak ceiling the limiter holds (a little under the target's, if interpolation
    between ramped samples needed it)."""
    energies: np.ndarray
    """The hop energies after gain and limiter (exact: the K filter is linear)."""
    silent: bool = False
    """Nothing above the absolute gate: passed through as it is (gain 1)."""

    def loudness(self, rate: int, true_peak: float) -> Loudness:
        return stats_from_energies(self.energies, rate, to_db(true_peak))


@dataclass(frozen=True)
class _Region:
    x: np.ndarray
    """The region's samples with context: [start - before, end + after)."""
    before: int
    inside: int
    start: int
    """Programme-relative frame where the region proper starts."""


def _read_region(pcm: PcmFile, analysis: Analysis, h0: int, h1: int, before: int, after: int) -> _Region:
    hop = hop_length(analysis.rate)
    start, end = h0 * hop, min(h1 * hop, analysis.frames)
    lo, hi = max(0, start - before), min(analysis.frames, end + after)
    x = _scaled(pcm.read(analysis.first + lo, analysis.first + hi))
    return _Region(x, start - lo, end - start, start)


def _region_effect(region: _Region, analysis: Analysis, gain: float, ceiling: float, sos: np.ndarray,
                   ) -> tuple[np.ndarray, float]:
    """Exact hop energies of the region after gain and limiter, and the true peak of its output."""
    rate, hop = analysis.rate, hop_length(analysis.rate)
    limited = limit(region.x, rate, gain, ceiling)
    inside = (limited.index >= region.before) & (limited.index < region.before + region.inside)
    y, _ = _k_filter(sos, region.x)
    y = y[region.before:region.before + region.inside]
    x = region.x[region.before:region.before + region.inside]
    h0 = region.start // hop
    whole = min(len(analysis.energies), h0 + region.inside // hop) - h0
    local = type(limited)(limited.index[inside] - region.before, limited.gain[inside])
    energies = limited_energies(x, y, rate, gain, local, analysis.energies[h0:h0 + max(0, whole)])
    out = region.x * np.float32(gain)
    out[limited.index] *= limited.gain
    return energies, _true_peak_inside(out, rate, region.before, region.before + region.inside, above=ceiling)


def solve(pcm: PcmFile, analysis: Analysis, target: Target, *, running: Running | None = None,
          what: str = "episode", silent_ok: bool = False) -> Solution:
    """The gain and limiter ceiling that bring the programme to `target`, region by region (as
    normalise.normalise does for a whole array). With `running` (the chapters mastered before
    it), the target is the loudness of those chapters and this one together.

    A silent programme is an AudioError unless `silent_ok` (then it passes unchanged)."""
    rate = analysis.rate
    running = running or Running(rate)
    measured = integrated_from_energies(analysis.energies, rate)
    if not math.isfinite(measured):
        if silent_ok:
            return Solution(1.0, 10.0 ** (target.ceiling_dbtp / 20.0), analysis.energies, silent=True)
        raise AudioError(f"the {what} is silent: nothing to normalise", hint="check the speech engine's output")
    sos = k_weighting_sos(rate)
    before = -(-max(round(WARM_UP_SECONDS * rate), _context(rate)) // BLOCK) * BLOCK
    after = _context(rate)
    ceiling = 10.0 ** (target.ceiling_dbtp / 20.0)
    own = 10.0 ** ((target.lufs - measured) / 20.0)

    def effect(gain: float, ceiling: float) -> tuple[np.ndarray, float]:
        """Exact hop energies after gain and limiter, and the highest true peak where it acted."""
        energies, peak = analysis.energies * (gain * gain), 0.0
        for h0, h1 in analysis.regions(ceiling / gain):
            region = _read_region(pcm, analysis, h0, h1, before, after)
            local, region_peak = _region_effect(region, analysis, gain, ceiling, sos)
            energies[h0:h0 + len(local)] = local
            peak = max(peak, region_peak)
        return energies, peak

    gain = own
    energies, peak = effect(gain, ceiling)
    for _ in range(_MAX_ROUNDS):
        if abs(running.with_chapter(energies) - target.lufs) <= _TOLERANCE_LU:
            break
        gain = _steer(running, energies, gain, own, target.lufs)  # as if the limiter scaled along
        energies, peak = effect(gain, ceiling)
    if peak > ceiling * 1.0001:  # interpolation between ramped samples: tighten once, as normalise does
        ceiling = ceiling * ceiling / peak
        energies, _ = effect(gain, ceiling)
    return Solution(gain, ceiling, energies)


def _steer(running: Running, energies: np.ndarray, gain: float, own: float, lufs: float) -> float:
    """The gain that puts the chapters so far plus `energies` (measured at `gain`) on `lufs`,
    scaling the energies with the gain; found by bisection within +-_STEER_DB of `own`."""
    low, high = math.log10(own) * 20 - _STEER_DB, math.log10(own) * 20 + _STEER_DB
    base = 20 * math.log10(gain)
    for _ in range(40):  # 20 dB / 2^40: far below the tolerance
        middle = (low + high) / 2
        scaled = energies * 10.0 ** ((middle - base) / 10.0)
        if running.with_chapter(scaled) < lufs:
            low = middle
        else:
            high = middle
    return 10.0 ** (((low + high) / 2) / 20.0)


def _true_peak_inside(x: np.ndarray, rate: int, lo: int, hi: int, above: float = 0.0) -> float:
    """True peak of x[lo:hi], the samples around it read as context. With `above`, only where it
    may exceed that (the limiter's check): the sample peak stands for it where it cannot."""
    if hi <= lo:
        return 0.0
    peaks = block_peaks(x)
    b0, b1 = lo // BLOCK, -(-hi // BLOCK)
    sample_peak = float(np.abs(x[lo:hi]).max())
    if sample_peak == 0.0:
        return 0.0
    hot = hot_blocks(x, rate, max(sample_peak, above), peaks)
    hot = hot[(hot >= b0) & (hot < b1)]
    if not len(hot):
        return sample_peak
    values = envelope(x, rate, hot)
    positions = hot[:, None] * BLOCK + np.arange(BLOCK)[None, :]
    values = np.where((positions >= lo) & (positions < hi), values, 0.0)
    return max(sample_peak, float(values.max()))


@dataclass
class Applied:
    """Filled in by `apply` as it goes: the true peak of each output."""

    true_peaks: list[float]


def apply(pcm: PcmFile, analysis: Analysis, solutions: Sequence[Solution | None],
          applied: Applied | None = None) -> Iterator[list[np.ndarray | None]]:
    """The programme's output for each solution (None: not wanted), block by block, in order.
    `applied.true_peaks` holds each output's true peak once the iterator is exhausted."""
    rate, hop = analysis.rate, hop_length(analysis.rate)
    context = _context(rate)
    block = hop * HOPS_PER_BLOCK
    hot = [None if s is None or s.silent else set(analysis.hot_hops(s.ceiling / s.gain).tolist())
           for s in solutions]
    peaks = [0.0] * len(solutions)
    for start in range(0, analysis.frames, block):
        end = min(start + block, analysis.frames)
        lo, hi = max(0, start - context), min(analysis.frames, end + context)
        x = _scaled(pcm.read(analysis.first + lo, analysis.first + hi))
        inner = slice(start - lo, end - lo)
        outputs: list[np.ndarray | None] = []
        for k, solution in enumerate(solutions):
            if solution is None:
                outputs.append(None)
                continue
            out = x * np.float32(solution.gain)
            near = hot[k]
            needs = near is not None and any(h in near for h in range(start // hop, -(-end // hop)))
            if needs:
                limited = limit(x, rate, solution.gain, solution.ceiling)
                out[limited.index] *= limited.gain
            peaks[k] = max(peaks[k], _true_peak_inside(out, rate, start - lo, end - lo))
            outputs.append(out[inner])
        yield outputs
    if applied is not None:
        applied.true_peaks = peaks
