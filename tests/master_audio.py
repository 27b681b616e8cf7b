"""Synthetic speech-like episodes for the mastering tests (no speech engine needed).

"Speech": a harmonic voice with a wandering pitch, syllable-rate loudness modulation, a little
breath noise, sentences separated by digital silence. Each sentence opens with a short, sharp
marker burst so its start can be found again in decoded audio.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from audiobulletin.assemble import Pcm
from audiobulletin.master import EpisodeMeta
from audiobulletin.script.segment import Role, Segment
from audiobulletin.timeline import Chapter, TimedSegment, Timeline

CHAPTER_TITLES = ("开始：太原日报今日要闻", "我市召开“十四五”规划推进会", "汾河治理：生态修复见成效")


def voice(seconds: float, rate: int, seed: int, level: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f0 = 150 + 40 * np.sin(2 * np.pi * 0.6 * t + seed) + 15 * np.sin(2 * np.pi * 2.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    harmonics = sum(np.sin(k * phase) / k ** 1.2 for k in range(1, 25) if k * 250 < rate / 2)
    syllables = np.clip(np.sin(2 * np.pi * 4.2 * t + rng.uniform(0, 6)), 0, None) ** 1.5
    breath = rng.standard_normal(len(t)) * 0.08
    x = (harmonics * 0.35 + breath) * (0.25 + syllables)
    ramp = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)  # no clicks at the ends
    return (x / np.abs(x).max() * level * ramp).astype(np.float32)


def marker(rate: int, level: float = 0.5) -> np.ndarray:
    """A 30 ms 2 kHz burst with a sharp onset."""
    t = np.arange(int(0.03 * rate)) / rate
    return (level * np.sin(2 * np.pi * 2000 * t) * np.exp(-t / 0.01)).astype(np.float32)


def episode(rate: int = 24000, sentence_seconds: tuple[float, ...] = (1.6, 2.2, 1.4, 2.0, 1.8, 1.5),
            chapter_starts: tuple[int, ...] = (0, 2, 4), pause: float = 0.45, seed: int = 1):
    """(samples, Timeline): sentences with markers; chapters start at the given sentence indexes."""
    pieces, segments, at = [np.zeros(int(0.3 * rate), np.float32)], [], int(0.3 * rate)
    starts = []
    for index, seconds in enumerate(sentence_seconds):
        sentence = voice(seconds, rate, seed + index)
        sentence[:len(marker(rate))] += marker(rate)
        starts.append(at)
        chapter = sum(1 for c in chapter_starts if c <= index) - 1
        text = f"第{index + 1}句。"
        segments.append(TimedSegment(Segment(Role.BODY, text, text, chapter if chapter > 0 else None),
                                     at / rate, (at + len(sentence)) / rate, "synthetic"))
        silence = np.zeros(int(pause * rate), np.float32)
        pieces += [sentence, silence]
        at += len(sentence) + len(silence)
    samples = np.concatenate(pieces)
    duration = len(samples) / rate
    bounds = [starts[c] / rate if c else 0.0 for c in chapter_starts] + [duration]
    chapters = tuple(Chapter(CHAPTER_TITLES[i], bounds[i], bounds[i + 1], i - 1 if i else None)
                     for i in range(len(chapter_starts)))
    return samples, Timeline(tuple(segments), chapters, duration, rate)


def segment_of(samples: np.ndarray, rate: int) -> Pcm:
    """`samples` as the assembly stage hands them on: 16-bit mono PCM in a file."""
    return Pcm.of(np.round(np.clip(samples, -1, 32767 / 32768) * 32768).astype("<i2"), rate)


def meta() -> EpisodeMeta:
    return EpisodeMeta(title="太原日报 2021年6月27日", album="太原日报", artist="太原日报社",
                       date=dt.date(2021, 6, 27), description="今日要闻：规划推进会；汾河治理。")


def onset(x: np.ndarray, rate: int, near: float, window: float = 0.2) -> float:
    """Time (s) of the first sample within `window` of `near` that reaches half the marker's peak."""
    first = max(0, int((near - window) * rate))
    piece = np.abs(x[first:int((near + window) * rate)])
    return (first + int(np.argmax(piece >= 0.5 * piece.max()))) / rate
