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



class HeldPublish:
    """While a batch runs, holds one title's publish lock (the distributed.Lock its publish tasks
    take), so that title's editions are mastered but cannot publish; meanwhile watches the
    scheduler for the speech results of such an edition. Once the clips are in the staged version
    the workers need not keep them: `freed` says whether they were let go while the edition still
    waited to publish (looked for up to `patience` seconds; the lock is released then either way).

    `tag`: the title's part of the task keys (`t<position in the catalogue>`)."""

    def __init__(self, address: str, folder: Path, tag: str, patience: float = 120):
        import threading

        self.address, self.folder, self.tag, self.patience = address, folder, tag, patience
        self.mastered = self.freed = False
        self._held, self._stop = threading.Event(), threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="held-publish")

    def __enter__(self) -> "HeldPublish":
        self._thread.start()
        self._held.wait(60)
        if not self._held.is_set():
            self.__exit__()
            raise RuntimeError(f"could not take the publish lock of {self.folder}: {self._error!r}")
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            self._watch()
        except BaseException as error:  # seen by the test in __exit__
            self._error = error

    def _watch(self) -> None:
        from distributed import Client, Lock

        from audiobulletin.batch.dask_tasks import LOCK_PREFIX

        def task_states(dask_scheduler) -> dict[str, str]:  # nested: pickled by value for the scheduler
            return {str(key): task.state for key, task in dask_scheduler.tasks.items()}

        with Client(self.address, timeout=30, set_as_default=False) as client:
            lock = Lock(LOCK_PREFIX + str(self.folder.resolve()), scheduler_rpc=client.scheduler,
                        loop=client.loop)
            lock.acquire()
            self._held.set()
            try:
                deadline = time.monotonic() + self.patience
                while not self._stop.is_set() and time.monotonic() < deadline:
                    states = client.run_on_scheduler(task_states)
                    editions = {k.removeprefix("master-") for k, s in states.items()
                                if k.startswith("master-") and f"-{self.tag}-" in k and s == "memory"}
                    if editions:
                        self.mastered = True
                        held = [k for k, s in states.items() if k.startswith("speak-") and s == "memory"
                                and k.removeprefix("speak-").rsplit("-", 1)[0] in editions]
                        if not held:
                            self.freed = True
                            return
                    self._stop.wait(0.2)
            finally:
                lock.release()
