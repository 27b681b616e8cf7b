"""The sample edition's segments through the edge engine against the local protocol server
(tests/edge_server.py) with a realistic service: 300 ms to the first byte, audio streamed at 10x
real time. Prints wall time with concurrency 1 and 4, and a rerun answered by the cache.

Expectation: concurrency 4 close to 4x faster than 1 (the service's latency dominates, not our
CPU); the cached rerun makes zero requests and takes well under a second.

    .venv/bin/python benchmarks/bench_edge.py [--limit N] [--concurrency 1 4]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "taiyuan-daily-2021-06-27.txt"


def sample_requests(limit: int):
    from audiobulletin.config import load_settings
    from audiobulletin.pipeline import read_edition, script_for, stage_options
    from audiobulletin.speech import requests_for

    options = stage_options(load_settings(ROOT / "audiobulletin.toml"), publishing=False)
    script = script_for(read_edition(SAMPLE, options), options)
    profile = options.speech.profile
    return requests_for(script, lambda role: profile.voice_for("edge", role))[:limit]


def timed_render(engine, requests) -> tuple[float, int, float]:
    """Wall seconds, failures, seconds of audio."""
    failures, audio = [0], [0.0]

    def on_result(request, result):
        if hasattr(result, "duration"):
            audio[0] += result.duration
        else:
            failures[0] += 1

    start = time.perf_counter()
    engine.render(requests, on_result)
    return time.perf_counter() - start, failures[0], audio[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="how many segments (default 100)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from edge_server import EdgeServer

    from audiobulletin.speech.cache import CachedEngine
    from audiobulletin.speech.edge import EdgeEngine

    requests = sample_requests(args.limit)
    chars = sum(len(r.text) for r in requests)
    rows = []
    with EdgeServer(first_byte_seconds=0.3, realtime_factor=10) as server, \
            tempfile.TemporaryDirectory() as cache_dir:
        print(f"{len(requests)} segments, {chars} characters; server: 300 ms first byte, 10x real time")
        for concurrency in args.concurrency:
            server.reset()
            engine = CachedEngine(EdgeEngine(concurrency=concurrency, endpoint=server.endpoint),
                                  Path(cache_dir) / f"c{concurrency}")
            wall, failed, audio = timed_render(engine, requests)
            rows.append({"run": f"concurrency {concurrency}", "wall_s": round(wall, 2),
                         "requests": server.stats.connections, "max_open": server.stats.max_active,
                         "failed": failed, "audio_s": round(audio, 1)})
            server.reset()
            wall, failed, audio = timed_render(engine, requests)
            rows.append({"run": f"cached rerun (c={concurrency})", "wall_s": round(wall, 3),
                         "requests": server.stats.connections, "max_open": server.stats.max_active,
                         "failed": failed, "audio_s": round(audio, 1)})
    print(f"{'run':<24}{'wall s':>9}{'requests':>10}{'max open':>10}{'failed':>8}{'audio s':>9}")
    for row in rows:
        print(f"{row['run']:<24}{row['wall_s']:>9}{row['requests']:>10}{row['max_open']:>10}"
              f"{row['failed']:>8}{row['audio_s']:>9}")
    fresh = [r for r in rows if not r["run"].startswith("cached")]
    if len(fresh) >= 2:
        print(f"speed-up c={args.concurrency[-1]} vs c={args.concurrency[0]}: "
              f"{fresh[0]['wall_s'] / fresh[-1]['wall_s']:.2f}x")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
