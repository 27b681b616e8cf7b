"""ffmpeg comes from the imageio-ffmpeg wheel (no system install); pydub is pointed at it."""

from __future__ import annotations

import functools
import subprocess
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
    ffmpeg's last stderr line."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
               *(["-nostdin"] if stdin is None else []), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise AudioError(f"{what} could not start: {exc}", where=str(where) if where else None,
                         hint="reinstall imageio-ffmpeg") from exc
    if done.returncode != 0:
        raise AudioError(f"{what} failed: {last_line(done.stderr)}", where=str(where) if where else None,
                         hint="check free disk space and the audio settings")
    return done.stdout
