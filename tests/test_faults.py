"""Faults leave nothing behind: real `generate` runs (real offline voice, two worker processes,
real ffmpeg) with damaged cache entries, killed, interrupted, or pointed at bad state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from audiobulletin.speech.cache_entry import MAGIC
from fault_runs import (Run, Workspace, alive, copy, descendants, kill_all, leftovers, published_mp3,
                        stage_reached, tree)

pytestmark = [pytest.mark.slow,  # the real offline voice, several whole (short) runs
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """One clean run: its output (a good episode) and its cache (every segment of the edition)."""
    ws = Workspace.create(tmp_path_factory.mktemp("faults"))
    out, cache = ws.folder / "clean-out", ws.folder / "clean-cache"
    result = subprocess.run(ws.command(out, cache, "-q"), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return ws, out, cache


def visible(files: dict[str, str]) -> dict[str, str]:
    """The published files: none of the hidden ones (a killed run's lock file and leftovers)."""
    return {name: digest for name, digest in files.items() if not any(p.startswith(".") for p in name.split("/"))}


def rewrite(path: Path, change) -> None:
    data = path.read_bytes()
    head, pcm = data[len(MAGIC):].split(b"\n", 1)
    header, pcm = change(json.loads(head), pcm)
    path.write_bytes(MAGIC + (header if isinstance(header, bytes) else json.dumps(header).encode()) + b"\n" + pcm)


CORRUPTIONS = {
    "flipped audio byte": lambda h, pcm: (h, pcm[:-9] + bytes([pcm[-9] ^ 1]) + pcm[-8:]),
    "plausible wrong rate": lambda h, pcm: ({**h, "sample_rate": 22050}, pcm),
    "rate 0": lambda h, pcm: ({**h, "sample_rate": 0}, pcm),
    "rate a string": lambda h, pcm: ({**h, "sample_rate": "24000"}, pcm),
    "header a list": lambda h, pcm: (json.dumps(list(h.values())).encode(), pcm),
    "width 4": lambda h, pcm: ({**h, "sample_width": 4}, pcm),
    "odd PCM bytes": lambda h, pcm: ({**h, "pcm_bytes": len(pcm) + 1}, pcm + b"\x00"),
    "truncated": lambda h, pcm: (h, pcm[: len(pcm) // 2]),
}


def test_damaged_cache_entries_give_the_same_episode_and_are_reported(clean, tmp_path):
    ws, clean_out, clean_cache = clean
    cache = copy(clean_cache, tmp_path / "cache")
    entries = sorted(cache.rglob("*.clip"))
    assert len(entries) >= len(CORRUPTIONS)
    damaged = dict(zip(entries, CORRUPTIONS))
    for path, how in damaged.items():
        rewrite(path, CORRUPTIONS[how])
    out = tmp_path / "out"
    result = subprocess.run(ws.command(out, cache), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert published_mp3(out).read_bytes() == published_mp3(clean_out).read_bytes()
    assert f"discarded {len(damaged)} damaged speech cache entry(ies)" in result.stderr
    for path in damaged:
        assert str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_sigkill_during_speech_leaves_no_voice_worker_alive(clean, tmp_path):
    ws, clean_out, _ = clean
    out, cache = copy(clean_out, tmp_path / "out"), tmp_path / "cold-cache"
    cache.mkdir()
    run, workers = Run.start(ws.command(out, cache)), []
    try:
        assert run.wait_for(stage_reached(run, out, cache, "speech")), run.errors
        workers = descendants(run.process.pid)
        assert len([w for w in workers if w.voice_worker]) == 2
        run.process.send_signal(signal.SIGKILL)
        run.process.wait()
        time.sleep(2)
        assert [w for w in workers if alive(w)] == []  # the resource tracker is gone too
    finally:
        run.stop()
        kill_all(workers)


def test_sigkill_during_mastering_then_a_rerun_clears_what_it_left_and_publishes(clean, tmp_path):
    ws, clean_out, clean_cache = clean
    out, cache = copy(clean_out, tmp_path / "out"), copy(clean_cache, tmp_path / "cache")
    before = visible(tree(out))
    run = Run.start(ws.command(out, cache))
    try:
        assert run.wait_for(stage_reached(run, out, cache, "master")), run.errors
        run.process.send_signal(signal.SIGKILL)
        run.process.wait()
    finally:
        run.stop()
    left = leftovers(out)
    assert any(".staging-" in name for name in left) and any(".part" in name for name in left)
    assert visible(tree(out)) == before  # nothing published changed

    rerun = subprocess.run(ws.command(out, cache), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(out) == []
    assert "leftover(s) of an interrupted run" in rerun.stderr
    assert published_mp3(out).read_bytes() == published_mp3(clean_out).read_bytes()


@pytest.mark.parametrize("signum,stage,code", [(signal.SIGINT, "speech", 130), (signal.SIGTERM, "master", 143)],
                         ids=["sigint-speech", "sigterm-master"])
def test_an_interrupted_run_exits_with_its_code_and_changes_nothing(clean, tmp_path, signum, stage, code):
    ws, clean_out, clean_cache = clean
    out = copy(clean_out, tmp_path / "out")
    if stage == "speech":
        cache = tmp_path / "cold-cache"
        cache.mkdir()
    else:
        cache = copy(clean_cache, tmp_path / "cache")
    before = tree(out)
    run, children = Run.start(ws.command(out, cache)), []
    try:
        assert run.wait_for(stage_reached(run, out, cache, stage)), run.errors
        children = descendants(run.process.pid)
        run.process.send_signal(signum)
        assert run.process.wait(timeout=60) == code, run.errors
        assert [w for w in children if w.voice_worker and alive(w)] == []  # stopped before the run exits
    finally:
        run.stop()
        kill_all(children)
    if stage == "speech":
        assert len([w for w in children if w.voice_worker]) == 2
    assert tree(out) == before  # hidden files included: no lock, no staging, no scratch file
    lines = [line for line in run.errors.splitlines() if line.startswith("audiobulletin:")]
    assert lines == ["audiobulletin: " + ("interrupted" if code == 130 else "terminated (SIGTERM)")]


def _make_read_only(folder: Path):
    """chmod for a user; for root (who ignores modes) the immutable attribute. Returns an undo."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a file system without chattr +i: cannot make a read-only folder")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_output_folder_is_exit_6_in_one_line_and_nothing_changes(clean, tmp_path):
    ws, clean_out, clean_cache = clean
    out, cache = copy(clean_out, tmp_path / "out"), copy(clean_cache, tmp_path / "cache")
    before = tree(out)
    undo = _make_read_only(out)
    try:
        result = subprocess.run(ws.command(out, cache), capture_output=True, text=True, timeout=900)
    finally:
        undo()
    assert result.returncode == 6, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"audiobulletin: error: {out}: cannot write in the output folder") and "--out" in line
    assert tree(out) == before


@pytest.mark.parametrize("change,words", [
    ({"number": "2"}, "episodes[0].number: must be a whole number >= 0, got '2'"),
    ({"published": "27 June, 6 am"}, "episodes[0].published: must be a time with its offset"),
], ids=["number-as-text", "unparsable-published"])
def test_a_malformed_manifest_is_exit_6_with_the_path_and_nothing_changes(clean, tmp_path, change, words):
    ws, clean_out, clean_cache = clean
    out, cache = copy(clean_out, tmp_path / "out"), copy(clean_cache, tmp_path / "cache")
    manifest = out / "episodes.json"
    raw = json.loads(manifest.read_text(encoding="utf-8"))
    raw["episodes"][0].update(change)
    manifest.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = tree(out)
    result = subprocess.run(ws.command(out, cache, "-q"), capture_output=True, text=True, timeout=900)
    assert result.returncode == 6, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"audiobulletin: error: {manifest}: ") and words in line and "episodes recover" in line
    assert tree(out) == before


def test_an_unwritable_cache_folder_is_exit_4_in_one_line_before_any_speech(clean, tmp_path):
    ws, clean_out, _ = clean
    out, cache = copy(clean_out, tmp_path / "out"), tmp_path / "cache"
    cache.write_text("a file where the cache folder should be")
    before = tree(out)
    result = subprocess.run(ws.command(out, cache, "-q"), capture_output=True, text=True, timeout=900)
    assert result.returncode == 4, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"audiobulletin: error: {cache}: cannot write to the speech cache") and "cache_dir" in line
    assert tree(out) == before
