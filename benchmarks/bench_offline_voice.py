"""The offline voice alone: real-time factor in one process and with a worker pool, cold start,
peak memory per process. Text: the research paragraph (116 syllables) repeated.

    .venv/bin/python benchmarks/bench_offline_voice.py [--repeat 10] [--workers 2] [--clauses]

RTF = synthesis wall time / audio duration, after the voice is loaded (cold start is separate);
CPU RTF = CPU time of the synthesising processes / audio duration (robust to a busy machine).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = Path("/work/shared/research/offline-tts/paragraph.txt")
FALLBACK = ("本报讯（记者 郝晓炜）市卫健委消息，截至6月26日14时46分，我市累计完成新冠病毒疫苗接种381.60万剂次，"
            "接种198.85万人，其中182.73万人完成两剂次疫苗接种，提前超额完成阶段性目标任务，"
            "接种剂次和接种人数均位于全省第一。")


def requests_for(repeat: int, clauses: bool):
    from audiobulletin.script.reading import to_spoken
    from audiobulletin.speech.engine import SpeechRequest
    from audiobulletin.speech.voice import Voice

    written = PARAGRAPH.read_text(encoding="utf-8").strip() if PARAGRAPH.exists() else FALLBACK
    text = to_spoken(written, for_offline=True)  # the engine gets the spoken form, as in the pipeline
    # --clauses: segment-sized requests, as the script stage sends them for long sentences
    units = [u for u in re.split(r"(?<=[，。])", text) if u.strip()] if clauses else [text]
    voice = Voice("offline", "baker")
    return [SpeechRequest(i, unit, voice) for i, unit in enumerate(units * repeat)]


def workers_of_this_process() -> list[str]:
    """Pids of the pool's worker processes (spawned children; not the resource tracker)."""
    pid = os.getpid()
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        children = f.read().split()
    workers = []
    for child in children:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    workers.append(child)
        except FileNotFoundError:
            pass
    return workers


def peak_rss_mb(pid: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM"))


def cpu_seconds(pids: list[str]) -> float:
    """User + system CPU time of these processes (the pool's), or of this process if none."""
    if not pids:
        return time.process_time()
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(workers: int, requests) -> dict:
    from audiobulletin.speech.engine import SpeechRequest
    from audiobulletin.speech.offline import OfflineEngine
    from audiobulletin.speech.voice import Clip

    durations, failures = [], []

    def collect(request, result):
        if isinstance(result, Clip):
            durations.append(result.duration)
        else:
            failures.append(result)

    engine = OfflineEngine(workers=workers)
    start = time.perf_counter()
    # cold start: one short request per worker, so that every worker has loaded its model
    engine.render([SpeechRequest(i, "你好。", requests[0].voice) for i in range(workers)], lambda *_: None)
    cold = time.perf_counter() - start
    pids = workers_of_this_process() if workers > 1 else []
    cpu, start = cpu_seconds(pids), time.perf_counter()
    engine.render(requests, collect)
    wall, cpu = time.perf_counter() - start, cpu_seconds(pids) - cpu
    peaks = [peak_rss_mb(p) for p in pids] or [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
    engine.close()
    audio = sum(durations)
    return {"workers": workers, "cold": cold, "wall": wall, "audio": audio, "rtf": wall / audio,
            "cpu_rtf": cpu / audio, "peaks": peaks, "failures": len(failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clauses", action="store_true", help="one request per clause, not per paragraph")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    requests = requests_for(args.repeat, args.clauses)
    print(f"{len(requests)} requests ({sum(len(r.text) for r in requests)} characters), "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = [measure(1, requests), measure(args.workers, requests)]
    for r in results:
        print(f"workers={r['workers']}: cold start {r['cold']:.2f} s, {r['audio']:.1f} s audio in "
              f"{r['wall']:.2f} s, RTF {r['rtf']:.3f} (CPU {r['cpu_rtf']:.3f}), peak RSS per process "
              f"{', '.join(f'{p:.0f}' for p in r['peaks'])} MB, failures {r['failures']}")
    print(f"speed-up {results[0]['wall'] / results[1]['wall']:.2f}x with {args.workers} workers")


if __name__ == "__main__":
    main()
