"""Real `generate` runs to hurt: start one as its own process, wait for a stage, signal it, and
look at what it left (the output tree, its voice workers in /proc). Used by tests/test_faults.py
and benchmarks/kill_matrix.py."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from short_edition import EDITION

ROOT = Path(__file__).resolve().parent.parent
DATE = "2021-06-27"
LEFTOVER_MARKS = (".staging", ".part", ".old-")


@dataclass
class Workspace:
    """A folder with the short edition and a config whose speech cache is `cache`."""

    folder: Path

    @classmethod
    def create(cls, folder: Path) -> "Workspace":
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"short-{DATE}.txt").write_text(EDITION, encoding="utf-8")
        return cls(folder)

    @property
    def edition(self) -> Path:
        return self.folder / f"short-{DATE}.txt"

    def config(self, cache: Path) -> Path:
        path = self.folder / f"{cache.name}.toml"
        path.write_text(f'paper = "太原日报"\nbase_url = "https://radio.example.org/pod/"\n'
                        f'profile = "{ROOT / "voices" / "default.toml"}"\ncache_dir = "{cache}"\n', encoding="utf-8")
        return path

    def command(self, out: Path, cache: Path, *extra: str) -> list[str]:
        return [sys.executable, "-c", "from audiobulletin.cli import main; main()", "--config",
                str(self.config(cache)), "generate", str(self.edition), "--out", str(out),
                "--engine", "offline", "--workers", "2", *extra]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background shell may have set it to ignore


@dataclass
class Run:
    """A `generate` process whose stderr is collected as it comes."""

    process: subprocess.Popen
    stderr: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, command: list[str]) -> "Run":
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOBULLETIN_")}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=env, preexec_fn=_default_sigint)
        run = cls(process)
        threading.Thread(target=run._read, daemon=True).start()
        return run

    def _read(self) -> None:
        for chunk in iter(lambda: self.process.stderr.read(1), ""):
            self.stderr.append(chunk)

    @property
    def errors(self) -> str:
        return "".join(self.stderr)

    def wait_for(self, ready, timeout: float = 300) -> bool:
        """Poll `ready()` until true; False if the run ended or the time ran out first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if ready():
                return True
            time.sleep(0.005)
        return False

    def stop(self) -> None:
        """Leave nothing running: kill the run if it is still going."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def stage_reached(run: Run, out: Path, cache: Path, stage: str):
    """A predicate that holds once the run is inside `stage`: speech (a new cache entry: the
    workers are speaking), master (a scratch file in the version being built, a hidden folder in
    the date's folder), publish (mastering's line, printed as it ends)."""
    if stage == "speech":
        before = set(cache.rglob("*.clip"))
        return lambda: bool(set(cache.rglob("*.clip")) - before)
    if stage == "master":
        return lambda: any(".part" in p.name for d in out.glob("*/.*.staging-*") for p in d.rglob("*"))
    if stage == "publish":  # mastering's line is printed as it ends
        return lambda: re.search(r"(^|\n)master +\d", run.errors) is not None
    raise ValueError(stage)


@dataclass(frozen=True)
class Proc:
    pid: int
    start: str
    """Start time in clock ticks: tells the process from a later one given the same pid."""
    command: str

    @property
    def voice_worker(self) -> bool:
        """A pool worker (not multiprocessing's resource tracker, which leaves on its own)."""
        return "spawn_main" in self.command


def descendants(pid: int) -> list[Proc]:
    """Every live process below `pid`, from /proc."""
    parents: dict[int, list[Proc]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (stat := _stat(int(name))):
            try:
                command = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            parents.setdefault(int(stat[1]), []).append(Proc(int(name), stat[19], command))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child.pid)
    return found


def alive(process: Proc) -> bool:
    """Still running (not a zombie, not a new process that reused the pid)."""
    stat = _stat(process.pid)
    return stat is not None and stat[19] == process.start and stat[0] != "Z"


def kill_all(processes: list[Proc]) -> None:
    """Leave nothing running, whatever a test found."""
    for process in processes:
        if alive(process):
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the state on: [0] state, [1] ppid


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below `folder`, hidden ones included."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if any(mark in p.name for mark in LEFTOVER_MARKS))


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def published_mp3(out: Path) -> Path:
    """The MP3 of DATE as the manifest records it (output/<date>/<version>/bulletin.mp3)."""
    from audiobulletin.publish.manifest_file import load

    return out / (load(out) or ({}, None))[0][DATE].audio
