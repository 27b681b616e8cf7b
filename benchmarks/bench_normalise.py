"""Time the reading stage on the sample edition: normalisation per voice, pinyin in context.

Target: a whole edition (~6000 characters) normalised in well under 0.5 s; jieba's dictionary
loads once per process (cold start reported separately).

    .venv/bin/python benchmarks/bench_normalise.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"


def timed(fn, repeat: int) -> tuple[float, float]:
    """(first call, best of the following calls) in seconds."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return first, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from audiobulletin.script.reading import load_lexicon, to_spoken
    from audiobulletin.speech.pinyin import pinyin_for

    text = SAMPLE.read_text(encoding="utf-8")
    clauses = [c for c in re.split(r"(?<=[，。；！？\n])", text) if c.strip()]
    lexicon = load_lexicon(ROOT / "voices" / "lexicon.toml")
    print(f"sample: {len(text)} characters, {len(clauses)} clauses")
    rows = [
        ("online, whole text", lambda: to_spoken(text, lexicon=lexicon)),
        ("offline, whole text", lambda: to_spoken(text, for_offline=True, lexicon=lexicon)),
        ("offline, clause by clause", lambda: [to_spoken(c, for_offline=True, lexicon=lexicon) for c in clauses]),
        ("pinyin, clause by clause", lambda: [pinyin_for(c, lexicon) for c in clauses]),
    ]
    for name, fn in rows:
        first, best = timed(fn, args.repeat)
        print(f"{name:<28} first {first * 1000:8.1f} ms   then {best * 1000:7.1f} ms"
              f"   ({best / len(text) * 6000 * 1000:.1f} ms per 6000 chars)")


if __name__ == "__main__":
    main()
