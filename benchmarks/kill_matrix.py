"""The kill matrix: SIGKILL, SIGINT and SIGTERM sent to a real `generate` run (the short 2-article
edition, offline voice, 2 workers) during speech, mastering and publishing, each against an
output folder that already holds a good episode of the same date.

Each case passes when:
- SIGINT / SIGTERM: exit 130 / 143 within 2 s of the signal; no voice worker left; the output
  tree (hidden files included) unchanged, or, if the signal came during the publish switch
  (which holds signals until it is done), the new episode published whole; nothing left behind.
- SIGKILL: no voice worker alive 2 s later; no published file changed; the next run clears what
  the killed one left (`.staging-*`, `.part`) and publishes the same MP3 bytes as a clean run.

    .venv/bin/python benchmarks/kill_matrix.py [--signals KILL INT TERM] [--stages speech master publish]

Prints one line per case, then `N passed, N failed`; exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fault_runs import (DATE, Run, Workspace, alive, copy, descendants, kill_all, leftovers,  # noqa: E402
                        stage_reached, tree)

EXIT = {"INT": 130, "TERM": 143}
DEADLINE = 2.0


def visible(files: dict[str, str]) -> dict[str, str]:
    return {n: d for n, d in files.items() if not any(p.startswith(".") for p in n.split("/"))}


def published_whole(out: Path) -> bool:
    """The date's episode is on record, its MP3 has the recorded size, and the feed lists it."""
    from audiobulletin.publish.manifest_file import load

    try:
        record = (load(out) or ({}, None))[0][DATE]
        feed = ET.parse(out / "feed.xml")
    except Exception:
        return False
    audio = out / record.audio
    return (audio.is_file() and audio.stat().st_size == record.audio_bytes
            and any(e.get("url", "").endswith(record.audio) for e in feed.iter("enclosure")))


def one_case(ws: Workspace, clean_out: Path, clean_cache: Path, work: Path, sig: str, stage: str) -> tuple[bool, str]:
    out = copy(clean_out, work / "out")
    cache = work / "cache"
    if stage == "speech":
        cache.mkdir()
    else:
        copy(clean_cache, cache)
    before = tree(out)
    run, children = Run.start(ws.command(out, cache)), []
    problems, notes = [], []
    try:
        if not run.wait_for(stage_reached(run, out, cache, stage)):
            return False, f"never reached {stage} (exit {run.process.poll()}): {run.errors.strip()[-200:]}"
        children = descendants(run.process.pid)
        sent = time.monotonic()
        run.process.send_signal(getattr(signal, f"SIG{sig}"))
        code = run.process.wait(timeout=120)
        took = time.monotonic() - sent
        workers_left = [w for w in children if w.voice_worker and alive(w)]  # at the parent's exit
        time.sleep(max(0.0, sent + DEADLINE - time.monotonic()))
        living = [w for w in children if alive(w)]  # anything, 2 s after the signal
    finally:
        run.stop()
        kill_all(children)
    voices = sum(w.voice_worker for w in children)
    notes.append(f"exit {code} after {took:.2f} s; {voices} voice worker(s) and {len(children) - voices} other "
                 f"child process(es) at the signal, {len(workers_left)} worker(s) alive at exit, "
                 f"{len(living)} process(es) 2 s after the signal")
    if stage == "speech" and voices != 2:
        problems.append(f"{voices} voice workers at the signal, expected 2: the case tests nothing")
    if workers_left and sig != "KILL":
        problems.append(f"voice workers outlived the run: {[w.pid for w in workers_left]}")
    if living:
        problems.append(f"alive 2 s after the signal: {[(w.pid, w.command[-60:]) for w in living]}")
    if sig == "KILL":
        switched = stage == "publish" and published_whole(out)
        if visible(tree(out)) != visible(before) and not switched:
            problems.append("published files changed")
        left = leftovers(out)
        rerun_start = time.monotonic()
        rerun = subprocess.run(ws.command(out, cache), capture_output=True, text=True, timeout=900)
        notes.append(f"left {len(left)} leftover(s); rerun exit {rerun.returncode} in "
                     f"{time.monotonic() - rerun_start:.1f} s")
        if rerun.returncode != 0:
            problems.append(f"rerun failed: {rerun.stderr.strip()[-200:]}")
        if leftovers(out):
            problems.append(f"after the rerun: {leftovers(out)}")
        episode = f"{DATE}/bulletin.mp3"
        if (out / episode).read_bytes() != (clean_out / episode).read_bytes():
            problems.append("the rerun's MP3 differs from a clean run's")
    else:
        if code != EXIT[sig]:
            problems.append(f"exit {code}, expected {EXIT[sig]}")
        if took > DEADLINE:
            problems.append(f"took {took:.2f} s > {DEADLINE} s")
        after = tree(out)
        if after != before and not (stage == "publish" and published_whole(out) and not leftovers(out)):
            problems.append(f"output changed: {sorted(set(after.items()) ^ set(before.items()))[:3]}")
        elif after != before:
            notes.append("signal held until the publish switch was done: new episode published whole")
    return not problems, "; ".join(notes + problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", nargs="+", default=["KILL", "INT", "TERM"], choices=["KILL", "INT", "TERM"])
    parser.add_argument("--stages", nargs="+", default=["speech", "master", "publish"],
                        choices=["speech", "master", "publish"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-matrix-") as tmp:
        ws = Workspace.create(Path(tmp))
        clean_out, clean_cache = ws.folder / "clean-out", ws.folder / "clean-cache"
        start = time.monotonic()
        clean = subprocess.run(ws.command(clean_out, clean_cache, "-q"), capture_output=True, text=True)
        if clean.returncode != 0:
            print(f"the clean run failed: {clean.stderr}")
            return 1
        print(f"clean run: {time.monotonic() - start:.1f} s")
        passed = failed = 0
        for sig in args.signals:
            for stage in args.stages:
                work = ws.folder / f"{sig}-{stage}"
                work.mkdir()
                ok, detail = one_case(ws, clean_out, clean_cache, work, sig, stage)
                passed, failed = passed + ok, failed + (not ok)
                print(f"{'PASS' if ok else 'FAIL'}  SIG{sig:<4} during {stage:<7}  {detail}", flush=True)
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
