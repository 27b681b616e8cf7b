"""ffmpeg comes from the imageio-ffmpeg wheel (no system install); pydub is pointed at it."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path

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


def run(args: list[str], *, stdin: memoryview | bytes | None = None, where: Path | str | None = None,
        what: str = "ffmpeg") -> bytes:
    """Run ffmpeg with `args`, feeding `stdin`; return its stdout. Failure -> AudioError carrying
    ffmpeg's last stderr line.

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
        writer = None
        if stdin is not None:
            widen_pipe(proc.stdin)
            writer = threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True)
            writer.start()
        widen_pipe(proc.stdout)
        out = proc.stdout.read()
        proc.stdout.close()
        if writer:
            writer.join()
        if proc.wait() != 0:
            errors.seek(0)
            raise AudioError(f"{what} failed: {last_line(errors.read())}", where=str(where) if where else None,
                             hint="check free disk space and the audio settings")
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
