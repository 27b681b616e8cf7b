"""Run the whole pipeline with the offline voice (2 workers by default) and print, in one run:
audio duration, wall time, RTF, each stage's share of the wall time, the non-speech share, the
peak memory of the process tree, and the time per audio hour against the 1x sample.

Cases: `1` (the sample edition, 13.5 min), `4`, `10`... (the sample repeated), `whole` (a
generated whole edition: 8 sections on 8 pages, 48 articles of varied text, about 3 hours).

Targets on a 2-core machine: RTF <= 0.06, non-speech stages <= 5 % of wall time, peak tree
memory <= 1.5 GB at every size, time per audio hour within 10 % of the 1x figure.

Speech, assembly and mastering overlap (pipeline.py): the speech share includes the chapters
mastered while later ones are voiced; "mastering busy" is the mastering thread's own CPU time,
most of it spent during speech (the encoders' processes come on top).

    .venv/bin/python benchmarks/bench_pipeline.py [--sizes 1 whole] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Imported as the console script imports it, so the spawned voice workers (which re-import the
# main module) load what they load in a real run.
import audiobulletin.cli  # noqa: E402,F401

SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"
STAGES = ("parse", "script", "speech", "assemble", "master", "publish")
SECTIONS = ("要闻", "综合", "城事", "经济", "文化", "体育", "社会", "评论")
ARTICLES_PER_SECTION = 6
ARTICLE_CHARS = 980  # about 3 h of the offline voice for 48 articles


def tree_memory(pid: int) -> tuple[int, int, dict[str, int]]:
    """Resident memory (RSS) and proportional set size (PSS: shared pages divided among the
    processes that share them) of a process and all its descendants, bytes (Linux /proc); and
    the RSS by kind of process (this one, the voice workers, ffmpeg, others)."""
    rss = pss = 0
    kinds: dict[str, int] = {}
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            here = 0
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        here = int(line.split()[1]) * 1024
                        rss += here
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/cmdline", "rb") as f:
                command = f.read()
            kind = ("run" if p == pid else "voice workers" if b"spawn_main" in command
                    else "ffmpeg" if b"ffmpeg" in command else "other")
            kinds[kind] = kinds.get(kind, 0) + here
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError, PermissionError):
            pass
    return rss, pss, kinds


def scaled_edition(times: int, folder: Path) -> Path:
    """The sample repeated `times` times; headlines numbered so every article is distinct."""
    text = SAMPLE.read_text(encoding="utf-8")
    parts = []
    for k in range(times):
        parts.append(text.replace("市委理论学习中心组举行学习会\n", f"市委理论学习中心组举行学习会（{k + 1}）\n", 1))
    path = folder / f"edition-x{times}-2021-06-27.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def _sentence_pool() -> list[str]:
    """Every sentence of the sample's and the test layouts' article bodies."""
    from audiobulletin.parse import parse_file

    sources = [SAMPLE, *sorted((ROOT / "tests" / "fixtures" / "layouts").glob("*.txt"))]
    pool: list[str] = []
    for source in sources:
        for article in parse_file(source, paper="太原日报").articles:
            for paragraph in article.paragraphs:
                pool += [s for s in re.findall(r"[^。！？]+[。！？]", paragraph) if len(s) >= 12]
    return pool


def whole_edition(folder: Path) -> Path:
    """A generated whole edition: a page header per section (第01版：要闻), six articles per page,
    each of about ARTICLE_CHARS characters drawn from the sample's sentences with their numbers
    changed, so no two articles read alike (numbers, dates and units exercise the normaliser)."""
    rng = random.Random(20210627)
    pool = _sentence_pool()
    ranges = {"年": (2000, 2021), "月": (1, 12), "日": (1, 28), "时": (0, 23), "点": (0, 23)}

    def number(match: re.Match) -> str:
        digits, unit = match.group(1), match.group(2)
        low, high = ranges.get(unit, (10 ** (len(digits) - 1) if len(digits) > 1 else 2, 10 ** len(digits) - 1))
        return f"{rng.randint(low, high)}{unit}"

    def varied(sentence: str) -> str:
        return re.sub(r"(\d+)(\D?)", number, sentence)

    def headline() -> str:
        clauses = [c for s in rng.sample(pool, 20) for c in re.split(r"[，、；：。！？]", varied(s))
                   if 8 <= len(c) <= 18 and re.match(r"[\u4e00-\u9fff]", c) and not re.search(r"[“”《》（）()]", c)]
        fresh = [c for c in clauses if c not in used]
        used.add(fresh[0])
        return fresh[0]

    used: set[str] = set()
    lines = []
    for page, section in enumerate(SECTIONS, start=1):
        lines += [f"太原日报 2021年6月27日 星期日 第{page:02d}版：{section}", ""]
        for _ in range(ARTICLES_PER_SECTION):
            lines += [headline(), ""]
            body, size = [], 0
            while size < ARTICLE_CHARS:
                paragraph = "".join(varied(rng.choice(pool)) for _ in range(rng.randint(2, 4)))
                body.append(paragraph)
                size += len(paragraph)
            body[0] = "本报讯（记者 王晓明）" + body[0]
            lines += [p for paragraph in body for p in (paragraph, "")]
    path = folder / "whole-2021-06-27.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def edition_for(case: str, folder: Path) -> Path:
    return whole_edition(folder) if case == "whole" else scaled_edition(int(case), folder)


def run_once(case: str, workers: int | None) -> dict:
    from audiobulletin.config import load_settings
    from audiobulletin.pipeline import generate

    peak = {"rss": 0, "pss": 0}
    kinds: dict[str, int] = {}
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            rss, pss, by_kind = tree_memory(os.getpid())
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            for kind, size in by_kind.items():
                kinds[kind] = max(kinds.get(kind, 0), size)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        edition = edition_for(case, Path(tmp))
        settings = load_settings(ROOT / "audiobulletin.toml", env={}, workers=workers, engine="offline",
                                 cache_dir=Path(tmp) / "cache")
        start = time.perf_counter()
        report = generate(edition, Path(tmp) / "out", settings)
        wall = time.perf_counter() - start
        left = sorted(p.name for p in (Path(tmp) / "out").rglob("*") if p.name.startswith("."))
    done.set()
    sampler.join()
    return {"case": case, "duration": report.duration, "wall": wall, "timings": report.timings,
            "peak_rss": peak["rss"], "peak_pss": peak["pss"], "segments": report.segments,
            "articles": report.articles, "busy": report.mastering_busy, "hidden_left": left, "kinds": kinds,
            "lufs": report.loudness_lufs, "dbtp": report.true_peak_dbtp}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["1", "whole"], help="1, 4, 10 ... or whole")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_once(args.one, args.workers)))
        return
    results = []
    load = os.getloadavg()[0]
    for case in args.sizes:  # each case in a fresh process, so peak memory is its own
        cmd = [sys.executable, __file__, "--one", case, "--workers", str(args.workers)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{args.workers} workers, {os.cpu_count()} CPUs, load {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'case':>6} {'articles':>8} {'audio':>8} {'wall s':>7} {'RTF':>6} {'s/audio h':>9} {'non-speech':>10} "
          f"{'peak RSS':>9} {'peak PSS':>9} {'master busy':>11}  stage shares")
    base = results[0]
    for r in results:
        shares = {s: r["timings"].get(s, 0.0) / r["wall"] for s in STAGES}
        per_hour = r["wall"] / (r["duration"] / 3600)
        print(f"{r['case']:>6} {r['articles']:>8} {r['duration'] / 60:>6.1f}min {r['wall']:>7.1f} "
              f"{r['wall'] / r['duration']:>6.3f} {per_hour:>9.0f} {1 - shares['speech']:>9.1%} "
              f"{r['peak_rss'] / 2**20:>7.0f}MB {r['peak_pss'] / 2**20:>7.0f}MB {r['busy']:>10.1f}s  "
              + " ".join(f"{s} {v:.1%}" for s, v in shares.items()))
        kinds = ", ".join(f"{k} {v / 2**20:.0f}MB" for k, v in sorted(r["kinds"].items()))
        print(f"       peak RSS by kind of process: {kinds}")
        if r["hidden_left"]:
            print(f"       left behind in the output: {r['hidden_left']}")
    for r in results[1:]:
        ratio = (r["wall"] / r["duration"]) / (base["wall"] / base["duration"])
        print(f"{r['case']} vs {base['case']}: audio x{r['duration'] / base['duration']:.2f}, "
              f"wall x{r['wall'] / base['wall']:.2f}, time per audio hour x{ratio:.2f}")


if __name__ == "__main__":
    main()
