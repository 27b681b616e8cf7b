"""A paragraph of 20,000 characters without one punctuation mark, through the whole pipeline with
the offline voice: how many segments the script cuts it into (at jieba word boundaries), the
longest one, and the peak memory of the run (this process and its workers), next to the same
text punctuated as a newspaper would print it, the bound for an edition of that length.

Before the script stage cut such runs, the paragraph stayed one segment: one 67-minute clip in one
worker (3.6 GB peak, 12 minutes on one worker, per the issue that reported it).

    .venv/bin/python benchmarks/bench_long_paragraph.py [--chars 20000] [--workers 2]
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import tree_rss_bytes  # noqa: E402

WORDS = ("我市今年持续推进老旧小区改造工程涉及全市六个城区一百二十多个小区惠及居民四万余户"
         "改造内容包括外墙保温管网更新加装电梯停车设施社区养老服务设施建设")


def paragraph(chars: int, punctuated: bool) -> str:
    text = (WORDS * (chars // len(WORDS) + 1))[:chars]
    if not punctuated:
        return text
    # a clause mark every 18 characters and a full stop every 54, as printed prose has
    return "".join(c + ("。" if (i + 1) % 54 == 0 else "，" if (i + 1) % 18 == 0 else "")
                   for i, c in enumerate(text))


def run_once(chars: int, punctuated: bool, workers: int | None) -> dict:
    sys.path.insert(0, str(ROOT))
    from audiobulletin.config import load_settings
    from audiobulletin.parse import parse_file
    from audiobulletin.pipeline import generate, script_for, stage_options

    peaks: dict[str, int] = {}
    current = ["setup"]
    done = threading.Event()

    class Stages:  # the pipeline's progress: which stage each memory sample belongs to
        def stage(self, name):
            current[0] = name

        def speech_started(self, per_article):
            current[0] = "speech"

        def segment_done(self, index, article, ok):
            pass

    def sample():
        while not done.wait(0.2):
            stage = current[0]
            peaks[stage] = max(peaks.get(stage, 0), tree_rss_bytes(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        edition = Path(tmp) / "long-2021-06-27.txt"
        edition.write_text(f"长段落测试\n\n{paragraph(chars, punctuated)}\n", encoding="utf-8")
        settings = load_settings(ROOT / "audiobulletin.toml", env={}, workers=workers, engine="offline",
                                 cache_dir=Path(tmp) / "cache")
        segments = script_for(parse_file(edition, paper="本报"), stage_options(settings, publishing=False)).segments
        start = time.perf_counter()
        report = generate(edition, Path(tmp) / "out", settings, progress=Stages())
        wall = time.perf_counter() - start
    done.set()
    sampler.join()
    body = [s for s in segments if s.article == 0 and s.paragraph == 1]
    return {"punctuated": punctuated, "segments": len(body), "longest": max(len(s.text) for s in body),
            "duration": report.duration, "wall": wall, "speech": report.timings.get("speech", 0.0),
            "peak_rss": max(peaks.values()), "stage_peaks": peaks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=20_000)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--one", choices=["bare", "punctuated"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_once(args.chars, args.one == "punctuated", args.workers)))
        return
    print(f"{'paragraph':>11} {'segments':>8} {'longest':>7} {'audio s':>8} {'wall s':>7} {'speech s':>8} "
          f"{'peak MB':>8}  peak MB by stage")
    for kind in ("bare", "punctuated"):  # each in a fresh process, so peak memory is its own
        cmd = [sys.executable, __file__, "--one", kind, "--chars", str(args.chars)]
        cmd += ["--workers", str(args.workers)] if args.workers else []
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        print(f"{kind:>11} {r['segments']:>8} {r['longest']:>7} {r['duration']:>8.1f} {r['wall']:>7.1f} "
              f"{r['speech']:>8.1f} {r['peak_rss'] / 2**20:>8.0f}  "
              + " ".join(f"{stage} {rss / 2**20:.0f}" for stage, rss in r["stage_peaks"].items()), flush=True)


if __name__ == "__main__":
    main()
