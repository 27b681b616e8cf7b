"""Loudness and true peak (BS.1770-4) against the standard's numbers and ffmpeg's ebur128 meter."""

from __future__ import annotations

import math
import wave

import numpy as np
import pytest

import readback
from audiobulletin.master import loudness, measure, truepeak

from master_audio import voice


def write_wav(path, samples, rate):
    pcm = np.round(np.clip(samples, -1, 32767 / 32768) * 32768).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def test_k_weighting_matches_the_standard_at_48k():
    sos = loudness.k_weighting_sos(48000)
    # ITU-R BS.1770-4 tables 1 and 2
    assert sos[0, :3] == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285], abs=1e-12)
    assert sos[0, 3:] == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-12)
    assert sos[1, :3] == pytest.approx([1.0, -2.0, 1.0])
    assert sos[1, 3:] == pytest.approx([1.0, -1.99004745483398, 0.99007225036621], abs=1e-12)


@pytest.mark.parametrize("rate, tolerance", [(48000, 0.005), (24000, 0.03)])
def test_full_scale_997_hz_sine_reads_minus_3_01_lufs(rate, tolerance):
    # exact at 48 kHz, where the standard's coefficients are defined; at other rates the same
    # analogue filter is mapped by the bilinear transform (as libebur128 and ffmpeg do)
    t = np.arange(5 * rate) / rate
    result = measure(np.sin(2 * np.pi * 997 * t).astype(np.float32), rate)
    assert result.integrated == pytest.approx(-3.01, abs=tolerance)
    assert result.true_peak == pytest.approx(0.0, abs=0.02)


def test_silence_is_gated_out_and_all_silence_is_minus_infinity():
    rate = 24000
    speech = voice(6, rate, seed=3)
    with_gaps = np.concatenate([speech[:3 * rate], np.zeros(4 * rate, np.float32), speech[3 * rate:]])
    # ungated, 4 s of silence in 10 s would lower the level by 2.2 dB; gated, only the few
    # blocks straddling the gap's edges count, a little lower
    assert measure(with_gaps, rate).integrated == pytest.approx(measure(speech, rate).integrated, abs=0.3)
    assert measure(np.zeros(rate, np.float32), rate).integrated == -math.inf


@pytest.mark.parametrize("rate", [16000, 24000, 44100, 48000])
def test_measure_agrees_with_ffmpeg_ebur128(tmp_path, rate):
    samples = np.concatenate([voice(4, rate, seed=5, level=0.6), np.zeros(rate // 2, np.float32),
                              voice(5, rate, seed=6, level=0.2)])
    path = tmp_path / "speech.wav"
    write_wav(path, samples, rate)
    ours = measure(np.round(samples * 32768) / 32768, rate)
    meter = readback.ebur128(path)
    assert ours.integrated == pytest.approx(meter.integrated, abs=0.06)  # ffmpeg prints 0.1 steps
    assert ours.true_peak == pytest.approx(meter.true_peak, abs=0.15)
    assert ours.loudness_range == pytest.approx(meter.loudness_range, abs=0.6)
    assert ours.max_momentary >= ours.max_short_term >= ours.integrated


def test_true_peak_finds_the_peak_between_samples():
    rate = 48000
    n = np.arange(rate)
    # fs/4 sine sampled 45 degrees off its crests: every sample is at 0.707 of the true peak
    # (faded in and out: a waveform that starts abruptly overshoots between its first samples)
    fade = np.minimum(1.0, np.minimum(n, n[-1] - n) / 2400)
    x = (0.5 * fade * np.sin(2 * np.pi * n / 4 + np.pi / 4)).astype(np.float32)
    assert 20 * math.log10(float(np.abs(x).max())) == pytest.approx(-9.03, abs=0.01)
    assert measure(x, rate).true_peak == pytest.approx(-6.02, abs=0.05)


def test_screening_finds_the_same_peak_as_interpolating_everything():
    rate = 24000
    x = voice(3, rate, seed=8, level=0.9)
    every_block = np.arange(-(-len(x) // truepeak.BLOCK))
    assert truepeak.true_peak(x, rate) == pytest.approx(float(truepeak.envelope(x, rate, every_block).max()),
                                                        rel=1e-6)
    hot = truepeak.hot_blocks(x, rate, 0.5)
    assert 0 < len(hot) < len(every_block)
    cold = np.setdiff1d(every_block, hot)
    assert truepeak.envelope(x, rate, cold).max() <= 0.5


def test_threaded_k_weighting_equals_one_pass(monkeypatch):
    rate = 24000
    x = voice(8, rate, seed=9)
    single = loudness.k_weighted(x, rate)
    monkeypatch.setattr(loudness, "_THREAD_MIN_SAMPLES", 1000)
    monkeypatch.setattr(loudness, "_WARM_UP_SECONDS", 1.0)
    assert np.abs(loudness.k_weighted(x, rate) - single).max() < 1e-9
