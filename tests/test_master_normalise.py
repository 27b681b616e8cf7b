"""Gain + true-peak limiter: on target, under the ceiling, and the cheap loudness bookkeeping
agrees with measuring the result from scratch."""

from __future__ import annotations

import numpy as np
import pytest

from audiobulletin.errors import AudioError
from audiobulletin.master import loudness, measure
from audiobulletin.master.normalise import Target, limit, moving_average, normalise, running_min

from master_audio import episode


@pytest.mark.parametrize("lufs, ceiling", [(-19.0, -1.5), (-23.0, -1.0), (-13.0, -1.0)])
def test_reaches_target_under_the_ceiling(lufs, ceiling):
    rate = 24000
    x, _ = episode(rate)
    out, claimed = normalise(x, loudness.k_weighted(x, rate), rate, Target(lufs, ceiling))
    fresh = measure(out, rate)
    assert fresh.integrated == pytest.approx(lufs, abs=0.05)
    assert fresh.true_peak <= ceiling + 1e-3
    # what normalise reports is what a full re-measurement finds
    assert claimed.integrated == pytest.approx(fresh.integrated, abs=1e-3)
    assert claimed.true_peak == pytest.approx(fresh.true_peak, abs=1e-3)
    assert claimed.loudness_range == pytest.approx(fresh.loudness_range, abs=1e-3)


def test_limiter_only_lowers_and_only_near_peaks():
    rate = 24000
    x, _ = episode(rate)
    gain = 10 ** ((-13.0 - measure(x, rate).integrated) / 20)  # loud enough to need limiting
    limited = limit(x, rate, gain, 10 ** (-1 / 20))
    assert 0 < len(limited.index) < 0.2 * len(x)
    assert np.all((limited.gain > 0) & (limited.gain < 1))
    assert np.all(np.diff(limited.index) > 0)
    # every lowered sample is within the gain ramps (2 x 4 ms) of a loud one
    loud = np.flatnonzero(np.abs(x) * gain > 10 ** (-1 / 20) / 2)
    at = np.searchsorted(loud, limited.index)
    nearest = np.minimum(np.abs(limited.index - loud[np.clip(at, 0, len(loud) - 1)]),
                         np.abs(limited.index - loud[np.clip(at - 1, 0, len(loud) - 1)]))
    assert nearest.max() <= 0.01 * rate


def test_silent_programme_is_a_one_line_audio_error():
    x = np.zeros(24000 * 2, np.float32)
    with pytest.raises(AudioError, match="silent") as info:
        normalise(x, loudness.k_weighted(x, 24000), 24000, Target(-19, -1.5), what="chapter 2")
    assert info.value.exit_code == 5 and "chapter 2" in str(info.value)


def test_targets_are_validated():
    with pytest.raises(ValueError):
        Target(-60.0, -1.0)
    with pytest.raises(ValueError):
        Target(-19.0, 1.0)


@pytest.mark.parametrize("n, radius", [(1, 1), (7, 3), (1000, 96), (4097, 5)])
def test_running_min_and_moving_average_match_brute_force(n, radius):
    a = np.random.default_rng(n).random(n).astype(np.float32)
    padded = np.concatenate([np.ones(radius), a, np.ones(radius)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1)
    assert np.array_equal(running_min(a, radius), windows.min(axis=1).astype(np.float32))
    assert np.allclose(moving_average(a, radius), windows.mean(axis=1), atol=1e-6)
