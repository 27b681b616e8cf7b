"""ffmpeg comes from the imageio-ffmpeg wheel (no system install); pydub is pointed at it."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Iterator

from .errors import AudioError


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def audio_segment_class():
    """pydub's AudioSegment, using the wheel's ffmpeg (pydub warns at import when none is on PATH)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def last_line(stderr: bytes) -> str:
    """ffmpeg's last non-empty stderr line: the one that says what went wrong."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


class Processes:
    """The ffmpeg processes of one piece of work spread over threads, so that the thread that
    gets Ctrl-C or SIGTERM can stop them all: otherwise leaving its thread pool would wait for
    every encoder to finish (seconds, or minutes for a long episode)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen] = set()
        self.stopped = False

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._live.add(proc)
            if self.stopped:
                proc.kill()

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._live.discard(proc)

    def stop(self) -> None:
        """Kill every process in the group, and any started later."""
        with self._lock:
            self.stopped = True
            for proc in self._live:
                proc.kill()

    @contextlib.contextmanager
    def stopped_on_error(self) -> Iterator["Processes"]:
        """Stop the group if the block is left by an exception (an interrupt included)."""
        try:
            yield self
        except BaseException:
            self.stop()
            raise


def run(args: list[str], *, stdin: memoryview | bytes | None = None, where: Path | str | None = None,
        what: str = "ffmpeg", processes: Processes | None = None) -> bytes:
    """Run ffmpeg with `args`, feeding `stdin`; return its stdout. Failure -> AudioError carrying
    ffmpeg's last stderr line. The process joins `processes`, if given; an interrupt in this
    thread kills it.

    The input goes in one blocking write from a helper thread and the output comes back in one
    read: `subprocess.run(input=...)` would shuttle 100 MB of PCM through 4 KB writes in a
    Python loop that holds the GIL.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
               *(["-nostdin"] if stdin is None else []), *args]
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=errors)
        except OSError as exc:
            raise AudioError(f"{what} could not start: {exc}", where=str(where) if where else None,
                             hint="reinstall imageio-ffmpeg") from exc
        group = processes or Processes()
        group.add(proc)
        try:
            out = _exchange(proc, stdin)
        except BaseException:  # interrupted: ffmpeg must not go on alone
            proc.kill()
            proc.wait()
            raise
        finally:
            group.discard(proc)
        if proc.returncode != 0:
            errors.seek(0)
            raise AudioError(f"{what} failed: {last_line(errors.read())}", where=str(where) if where else None,
                             hint="check free disk space and the audio settings")
    return out


def _exchange(proc: subprocess.Popen, stdin: memoryview | bytes | None) -> bytes:
    writer = None
    if stdin is not None:
        widen_pipe(proc.stdin)
        writer = threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True)
        writer.start()
    assert proc.stdout is not None  # stdout=PIPE
    widen_pipe(proc.stdout)
    out = proc.stdout.read()
    proc.stdout.close()
    if writer:
        writer.join()
    proc.wait()
    return out


def _feed(pipe, data) -> None:
    try:
        pipe.write(data)
    except (BrokenPipeError, ValueError):  # ffmpeg stopped reading: its exit status says why
        pass
    finally:
        with contextlib.suppress(OSError):
            pipe.close()


def widen_pipe(pipe) -> None:
    """1 MB pipe buffers (Linux), so ffmpeg and Python swap large chunks; harmless elsewhere."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
