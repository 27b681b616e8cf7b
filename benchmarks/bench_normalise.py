"""Time the reading stage on the sample edition: normalisation per voice, pinyin in context.

Target: the sample normalised in under 50 ms for either voice, whole or clause by clause as the
script stage does it, once the one-time loads are done (zhconv's table on the first offline
call; jieba's dictionary for pinyin, which is the offline voice's and reported for comparison).

    .venv/bin/python benchmarks/bench_normalise.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"
TARGET_MS = 50.0


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
        ("online, whole text", lambda: to_spoken(text, lexicon=lexicon), True),
        ("online, clause by clause", lambda: [to_spoken(c, lexicon=lexicon) for c in clauses], True),
        ("offline, whole text", lambda: to_spoken(text, for_offline=True, lexicon=lexicon), True),
        ("offline, clause by clause", lambda: [to_spoken(c, for_offline=True, lexicon=lexicon) for c in clauses],
         True),
        ("pinyin, clause by clause", lambda: [pinyin_for(c, lexicon) for c in clauses], False),
    ]
    worst = 0.0
    for name, fn, normalising in rows:
        first, best = timed(fn, args.repeat)
        worst = max(worst, best * 1000) if normalising else worst
        print(f"{name:<28} first {first * 1000:8.1f} ms   then {best * 1000:7.1f} ms"
              f"   ({best / len(text) * 6000 * 1000:.1f} ms per 6000 chars)")
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"normalising the sample: at most {worst:.1f} ms after the one-time loads, "
          f"{verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
