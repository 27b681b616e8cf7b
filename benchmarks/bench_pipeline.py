"""Run the whole pipeline on the sample edition (1x and 4x its size) with the offline voice and
print: audio duration, wall time, RTF, each stage's share of the wall time, peak memory.

Targets on a 2-core machine: RTF <= 0.06, non-speech stages <= 5 % of wall time, peak memory
<= 1.5 GB, cost linear in edition size (4x time / 1x time close to 4).

    .venv/bin/python benchmarks/bench_pipeline.py [--sizes 1 4] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"
STAGES = ("parse", "script", "speech", "assemble", "master", "publish")


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return total


def scaled_edition(times: int, folder: Path) -> Path:
    """The sample repeated `times` times; headlines numbered so every article is distinct."""
    text = SAMPLE.read_text(encoding="utf-8")
    parts = []
    for k in range(times):
        parts.append(text.replace("市委理论学习中心组举行学习会\n", f"市委理论学习中心组举行学习会（{k + 1}）\n", 1))
    path = folder / f"edition-x{times}-2021-06-27.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def run_once(times: int, workers: int | None) -> dict:
    sys.path.insert(0, str(ROOT))
    from audiobulletin.config import load_settings
    from audiobulletin.pipeline import generate

    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss_bytes(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        edition = scaled_edition(times, Path(tmp))
        settings = load_settings(ROOT / "audiobulletin.toml", env={}, workers=workers, engine="offline",
                                 cache_dir=Path(tmp) / "cache")
        start = time.perf_counter()
        report = generate(edition, Path(tmp) / "out", settings)
        wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return {"times": times, "duration": report.duration, "wall": wall, "timings": report.timings,
            "peak_rss": peak[0], "segments": report.segments}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--workers", type=int)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_once(args.one, args.workers)))
        return
    results = []
    for times in args.sizes:  # each size in a fresh process, so peak memory is its own
        cmd = [sys.executable, __file__, "--one", str(times)]
        cmd += ["--workers", str(args.workers)] if args.workers else []
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{'size':>5} {'segments':>8} {'audio s':>8} {'wall s':>7} {'RTF':>6} {'non-speech':>10} {'peak MB':>8}"
          "  stage shares")
    for r in results:
        shares = {s: r["timings"].get(s, 0.0) / r["wall"] for s in STAGES}
        non_speech = 1 - shares["speech"]
        print(f"{r['times']:>4}x {r['segments']:>8} {r['duration']:>8.1f} {r['wall']:>7.1f} "
              f"{r['wall'] / r['duration']:>6.3f} {non_speech:>9.1%} {r['peak_rss'] / 2**20:>8.0f}  "
              + " ".join(f"{s} {v:.1%}" for s, v in shares.items()))
    if len(results) > 1:
        base, big = results[0], results[-1]
        print(f"growth {big['times'] // base['times']}x edition: wall x{big['wall'] / base['wall']:.2f}, "
              f"audio x{big['duration'] / base['duration']:.2f}, "
              f"RTF ratio {(big['wall'] / big['duration']) / (base['wall'] / base['duration']):.2f}")


if __name__ == "__main__":
    main()
