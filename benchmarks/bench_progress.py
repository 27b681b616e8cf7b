"""How honest is the speech bar's "time left"? Runs `audiobulletin generate` on the sample edition
in a real terminal (a pty) with a cold speech cache and the offline voice, reads every frame of the
bar with the time it arrived, and compares each "M:SS left" with the time speech really took
from then on.

Target: after the warm-up ("estimating…"), every estimate within 2x of the real remaining time
(ratio 0.5-2.0); estimates in the last 5 s are left out (a whole-second display cannot be within
2x of 0.4 s).

    .venv/bin/python benchmarks/bench_progress.py [--workers N] [--edition FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pty_run import run_in_pty  # noqa: E402

SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"
FRAME = re.compile(r"(\d+)/(\d+)\s.*?(?:(\d+):(\d\d) left|estimating…)")
TAIL_SECONDS = 5.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--edition", type=Path, default=SAMPLE)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
        env.update(AUDIOBULLETIN_CACHE_DIR=f"{tmp}/cache", AUDIOBULLETIN_PAPER="太原日报", TERM="xterm")
        command = [str(ROOT / ".venv" / "bin" / "audiobulletin"), "generate", str(args.edition), "--date",
                   "2021-06-27", "--out", f"{tmp}/out", "--engine", "offline"]
        run = run_in_pty(command + (["--workers", str(args.workers)] if args.workers else []), env=env, cwd=tmp)
    if run.returncode != 0:
        sys.exit(f"generate failed ({run.returncode}):\n{run.text[-2000:]}")
    frames: list[tuple[float, float | None, int, int]] = []  # (when, seconds left or None, done, total)
    speech_end = None
    for when, chunk in run.chunks:
        for frame in chunk.decode("utf-8", "replace").split("\r\x1b[K"):
            match = FRAME.search(frame)
            if match:
                left = int(match[3]) * 60 + int(match[4]) if match[3] else None
                frames.append((when, left, int(match[1]), int(match[2])))
            if re.match(r"speech +\d", frame) and speech_end is None:
                speech_end = when
    if speech_end is None or not frames:
        sys.exit("no speech bar or speech line found in the output")
    speech_start = frames[0][0]
    warm = next((f for f in frames if f[1] is not None), None)
    print(f"speech: {speech_end - speech_start:.1f} s, {frames[-1][3]} segments, {len(frames)} frames")
    if warm is None:
        print("never left the warm-up (edition too short?)")
        return
    print(f"first estimate after {warm[0] - speech_start:.1f} s "
          f"({warm[0] - speech_start:.0f} of {speech_end - speech_start:.0f} s, {warm[2]} segments done)")
    ratios = [(when, left / (speech_end - when)) for when, left, _, _ in frames
              if left is not None and speech_end - when > TAIL_SECONDS]
    if not ratios:
        print("no estimate more than 5 s before the end")
        return
    values = [r for _, r in ratios]
    inside = sum(0.5 <= r <= 2.0 for r in values)
    print(f"estimate / real remaining: min {min(values):.2f}, median {statistics.median(values):.2f}, "
          f"max {max(values):.2f}; within 2x: {inside}/{len(values)}")
    for when, ratio in ratios[:: max(1, len(ratios) // 12)]:
        print(f"  t={when - speech_start:6.1f} s  ratio {ratio:.2f}")
    print("target met" if inside == len(values) else "TARGET MISSED: an estimate was off by more than 2x")


if __name__ == "__main__":
    main()
