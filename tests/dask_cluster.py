"""A real Dask cluster on 127.0.0.1: `dask scheduler` and `dask worker` processes on random ports,
started and always stopped by the caller (`with DaskCluster(folder, workers=2) as cluster:`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT = 90


class DaskCluster:
    def __init__(self, folder: Path, workers: int = 2):
        self.folder = Path(folder)
        self.count = workers
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.address = ""

    def __enter__(self) -> "DaskCluster":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        try:
            return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, cwd=self.folder)
        finally:
            log.close()

    def _start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        scheduler_file = self.folder / "scheduler.json"
        self.scheduler = self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                                   "--no-dashboard", "--scheduler-file", str(scheduler_file)])
        self.address = json.loads(self._wait_for(scheduler_file).read_text())["address"]
        for n in range(self.count):
            self.workers.append(self._spawn(f"worker-{n}", [
                "worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                "--no-dashboard", "--death-timeout", "60", "--local-directory", str(self.folder / f"worker-{n}")]))
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(self.count, timeout=START_TIMEOUT)

    def _wait_for(self, path: Path) -> Path:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.scheduler is not None
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"dask scheduler exited: {self.log('scheduler')[-2000:]}")
            if path.exists() and path.stat().st_size:
                try:
                    json.loads(path.read_text())
                    return path
                except ValueError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("dask scheduler did not start")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def kill_worker(self, process: subprocess.Popen) -> None:
        """SIGKILL: the worker dies at once, as under the out-of-memory killer."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """Workers first, then the scheduler: SIGTERM, and SIGKILL whatever has not exited in 15 s."""
        processes = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class ClipWatch:
    """Polls the scheduler while a batch runs: how many editions had been mastered, and the most
    speech results still held in worker memory for an edition already mastered (the clips are in
    its staged version by then, so holding them only costs memory)."""

    def __init__(self, address: str, every: float = 0.2):
        import threading

        self.address, self.every = address, every
        self.mastered = 0
        self.held_after_master = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="clip-watch")

    def __enter__(self) -> "ClipWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        from distributed import Client

        def task_states(dask_scheduler) -> dict[str, str]:  # nested: pickled by value for the scheduler
            return {str(key): task.state for key, task in dask_scheduler.tasks.items()}

        with Client(self.address, timeout=30, set_as_default=False) as client:
            while not self._stop.is_set():
                states = client.run_on_scheduler(task_states)
                done = {k.removeprefix("master-") for k, s in states.items() if k.startswith("master-") and s == "memory"}
                held = sum(1 for k, s in states.items() if k.startswith("speak-") and s == "memory"
                           and k.removeprefix("speak-").rsplit("-", 1)[0] in done)
                self.mastered = max(self.mastered, len(done))
                self.held_after_master = max(self.held_after_master, held)
                self._stop.wait(self.every)
