"""Time mastering a 20-minute mono 24 kHz episode: analyse, solve, apply, MP3 encode, WAV write.

Target on the 2-core machine: measure + gain well under 2 s; all of mastering a small share of a
~60 s run. Input is synthetic speech-like audio, or a real WAV (e.g. the offline voice) tiled to
length with --wav. The machine is shared: `load` is printed so numbers can be judged.

    .venv/bin/python benchmarks/bench_master.py [--minutes 20] [--wav speech.wav] [--levels]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import wave
from pathlib import Path

import numpy as np


def speech_like(seconds: float, rate: int) -> np.ndarray:
    """Voiced harmonics, syllable-rate modulation, 0.45-1.6 s pauses every few seconds."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * rate)) / rate
    f0 = 150 + 40 * np.sin(2 * np.pi * 0.6 * t) + 15 * np.sin(2 * np.pi * 2.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) / k ** 1.2 for k in range(1, 24)) * 0.35
    x = (x + rng.standard_normal(len(t)) * 0.08) * (0.25 + np.clip(np.sin(2 * np.pi * 4.2 * t), 0, None) ** 1.5)
    sentence = (np.sin(2 * np.pi * t / 4.0) > -0.75)  # ~3.3 s of speech, ~0.7 s of silence
    return (x * sentence / np.abs(x).max() * 0.6).astype(np.float32)


def tiled(path: Path, seconds: float) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        one = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
    gap = np.zeros(int(1.6 * rate), np.float32)
    reps = int(seconds * rate // (len(one) + len(gap))) + 1
    return np.tile(np.concatenate([one, gap]), reps)[: int(seconds * rate)], rate


def timed(label: str, fn, results: dict):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"  {label:<34} {results[label]:6.2f} s", flush=True)
    return value


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the encoders): robust to a busy machine."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--wav", type=Path, help="mono 16-bit WAV to tile instead of synthetic speech")
    parser.add_argument("--levels", action="store_true", help="also time LAME -compression_level 0..9")
    args = parser.parse_args()

    from audiobulletin.master import EpisodeMeta, master_broadcast_wavs, master_episode, master_mp3, preload
    from audiobulletin.master import mp3
    from audiobulletin.master.normalise import Target
    from audiobulletin.master.programme import analyse, apply, solve
    from audiobulletin.spool import PcmFile
    from audiobulletin.timeline import Chapter, Timeline

    seconds = args.minutes * 60
    x, rate = tiled(args.wav, seconds) if args.wav else (speech_like(seconds, 24000), 24000)
    duration = len(x) / rate
    bounds = np.linspace(0, duration, 9)
    timeline = Timeline((), tuple(Chapter(f"第{i}条", bounds[i], bounds[i + 1], i - 1 if i else None)
                                  for i in range(8)), duration, rate)
    meta = EpisodeMeta("太原日报 2021年6月27日", "太原日报", "太原日报社", dt.date(2021, 6, 27), "要闻")
    print(f"{duration / 60:.1f} min mono {rate} Hz, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        audio = PcmFile.of(np.round(x * 32767).astype("<i2"), rate, out)
        del x  # from here on the audio is read from the file in blocks, as in a run
        print("stages (wall s, CPU s of this process and its encoders)")
        timed("cold imports (preload)", preload, results)
        analysis = timed("analyse (K-weighting, hop peaks)", lambda: analyse(audio, 0, audio.frames), results)
        solution = timed("solve -19 LUFS / -1.5 dBTP", lambda: solve(audio, analysis, Target(-19, -1.5)), results)
        timed("apply (gain, limiter, true peak)", lambda: [b for b in apply(audio, analysis, [solution])], results)
        timed("MP3 encode, parallel parts", lambda: mp3.encode(np.concatenate(
            [b[0] for b in apply(audio, analysis, [solution])]), rate, out / "p.mp3", parts=os.cpu_count() or 1),
            results)
        print("end to end")
        for label, job in (("master_mp3", lambda: master_mp3(audio, timeline, meta, out / "e.mp3")),
                           ("broadcast WAVs", lambda: master_broadcast_wavs(audio, timeline, meta, out / "radio")),
                           ("master_episode (MP3 + 9 WAVs)", lambda: master_episode(
                               audio, timeline, meta, mp3_path=out / "f.mp3", wav_folder=out / "r2"))):
            before = cpu_seconds()
            timed(label, job, results)
            print(f"  {'':<34} {cpu_seconds() - before:6.2f} CPU s")
        if args.levels:
            excerpt = np.concatenate([b[0] for b in apply(audio, analysis, [solution])])[: 5 * 60 * rate]
            print("LAME -compression_level, one part, 5 min excerpt (x4 for 20 min)")
            for level in (0, 2, 5, 7, 9):
                timed(f"q={level}", lambda q=level: mp3.encode(excerpt, rate, out / "q.mp3", quality=q), results)
        audio.close()
    print(f"load now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
