"""The sample edition's segments through the Azure engine against the local REST server
(tests/azure_server.py) with a realistic service: 300 ms before each answer. Prints wall time
with concurrency 1 and 4, a run where one request in five first gets 429 (Retry-After: 0) or 503,
and a rerun answered by the cache.

Expectation: concurrency 4 close to 4x faster than 1 (the service's latency dominates, not our
CPU); the faults cost one backoff delay each, not a failed segment; the cached rerun makes zero
requests and takes well under a second.

    .venv/bin/python benchmarks/bench_azure.py [--limit N] [--concurrency 1 4]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks")]

from bench_edge import sample_requests, timed_render  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="how many segments (default 100)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from azure_server import KEY, SERVER_ERROR, TOO_MANY, AzureServer

    from audiobulletin.speech.azure import AzureAccess, AzureEngine
    from audiobulletin.speech.cache import CachedEngine
    from audiobulletin.speech.edge import Backoff
    from audiobulletin.speech.voice import Voice

    requests = [type(r)(r.index, r.text, Voice("azure", r.voice.name, r.voice.rate, r.voice.pitch, r.voice.volume))
                for r in sample_requests(args.limit)]
    chars = sum(len(r.text) for r in requests)
    rows = []
    with AzureServer(first_byte_seconds=0.3) as server, tempfile.TemporaryDirectory() as cache_dir:
        print(f"{len(requests)} segments, {chars} characters; server: 300 ms before each answer")

        def measure(label: str, concurrency: int, folder: str, faults=()) -> CachedEngine:
            server.reset()
            server.plan(*faults)
            engine = CachedEngine(AzureEngine(AzureAccess(server.endpoint, key=KEY), concurrency=concurrency,
                                              backoff=Backoff(first=0.25, cap=4.0), seed=1),
                                  Path(cache_dir) / folder)
            wall, failed, audio = timed_render(engine, requests)
            rows.append({"run": label, "wall_s": round(wall, 2), "requests": server.stats.requests,
                         "max_open": server.stats.max_active, "failed": failed, "audio_s": round(audio, 1)})
            return engine

        for concurrency in args.concurrency:
            measure(f"concurrency {concurrency}", concurrency, f"c{concurrency}")
        faults = [(TOO_MANY if n % 10 else SERVER_ERROR) if n % 5 == 0 else "" for n in range(len(requests))]
        measure(f"1 in 5 faulted (c={args.concurrency[-1]})", args.concurrency[-1], "faults", faults)
        measure(f"cached rerun (c={args.concurrency[-1]})", args.concurrency[-1], f"c{args.concurrency[-1]}")
    print(f"{'run':<26}{'wall s':>9}{'requests':>10}{'max open':>10}{'failed':>8}{'audio s':>9}")
    for row in rows:
        print(f"{row['run']:<26}{row['wall_s']:>9}{row['requests']:>10}{row['max_open']:>10}"
              f"{row['failed']:>8}{row['audio_s']:>9}")
    fresh = rows[: len(args.concurrency)]
    if len(fresh) >= 2:
        print(f"speed-up c={args.concurrency[-1]} vs c={args.concurrency[0]}: "
              f"{fresh[0]['wall_s'] / fresh[-1]['wall_s']:.2f}x")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
